package project

import (
	"bytes"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// Kind classifies a workspace file by the role it can play in a deployment.
type Kind int

const (
	KindOther Kind = iota
	KindPython
	KindRequirements // requirements*.txt
	KindPyproject    // pyproject.toml
	KindProcfile
	KindDockerfile
	KindCompose // docker-compose*.yml, compose*.yml
	KindSystemd // *.service
	KindShell   // *.sh, entrypoints
	KindDotenv  // .env, *.env
	// KindSupervisord is a supervisord configuration: supervisord.conf, or
	// a .conf/.ini file whose name or folder names supervisor.
	KindSupervisord
	// KindManifest is any other YAML file: it may hold Kubernetes
	// manifests, and says nothing when it does not.
	KindManifest
	// KindPipfile is pipenv's Pipfile; KindSetupCfg is setuptools'
	// setup.cfg. Both can pin the client (setup.py is Python).
	KindPipfile
	KindSetupCfg
	// KindUwsgi may be a uWSGI configuration: an .ini file (read only when
	// it has a [uwsgi] section) or a YAML file whose name says uwsgi.
	KindUwsgi
)

var kindNames = [...]string{"other", "python", "requirements", "pyproject", "procfile", "dockerfile", "compose", "systemd", "shell", "dotenv", "supervisord", "manifest", "pipfile", "setup.cfg", "uwsgi"}

func (k Kind) String() string { return kindNames[k] }

// Classify decides a file's kind from its slash path alone. A snippet
// (name.snippet.ext, what multiprom setup writes for the user to merge) is
// not deployed, so it is no deploy file.
func Classify(rel string) Kind {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	switch {
	case strings.Contains(lower, ".snippet."):
		return KindOther
	case strings.HasSuffix(lower, ".py"), strings.HasSuffix(lower, ".wsgi"):
		// mod_wsgi and uWSGI (wsgi-file) load a .wsgi script as Python.
		return KindPython
	case strings.HasPrefix(lower, "requirements") && strings.HasSuffix(lower, ".txt"),
		strings.HasSuffix(lower, ".txt") && strings.HasPrefix(path.Base(path.Dir(rel)), "requirements"):
		return KindRequirements
	case lower == "pyproject.toml":
		return KindPyproject
	case base == "Pipfile":
		return KindPipfile
	case lower == "setup.cfg":
		return KindSetupCfg
	case lower == "procfile":
		return KindProcfile
	case (strings.HasPrefix(lower, "dockerfile") || strings.HasPrefix(lower, "containerfile")) && !docExtension(lower),
		// Podman and Buildah read Containerfile as Docker reads Dockerfile;
		// a project names its several images web.Dockerfile or
		// web.Containerfile alike.
		strings.HasSuffix(lower, ".dockerfile"), strings.HasSuffix(lower, ".containerfile"):
		return KindDockerfile
	case (strings.HasPrefix(lower, "docker-compose") || strings.HasPrefix(lower, "compose")) &&
		(strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return KindCompose
	case strings.HasSuffix(lower, ".service"):
		return KindSystemd
	case strings.HasSuffix(lower, ".sh") || lower == "entrypoint" || lower == "docker-entrypoint":
		return KindShell
	case lower == ".env" || strings.HasSuffix(lower, ".env") || strings.HasPrefix(lower, ".env."):
		return KindDotenv
	case (strings.HasSuffix(lower, ".conf") || strings.HasSuffix(lower, ".ini")) &&
		(strings.Contains(lower, "supervisor") || strings.Contains(strings.ToLower(path.Base(path.Dir(rel))), "supervisor")):
		return KindSupervisord
	case strings.HasSuffix(lower, ".ini") && !strings.HasPrefix(lower, "."),
		(strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")) && strings.Contains(lower, "uwsgi"):
		return KindUwsgi
	case (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")) && !strings.HasPrefix(rel, ".github/") && !strings.HasPrefix(lower, "."):
		return KindManifest
	}
	return KindOther
}

// docExtension reports a name such as Dockerfile.md: about a Dockerfile,
// not one.
func docExtension(lower string) bool {
	switch path.Ext(lower) {
	case ".md", ".rst", ".txt", ".json", ".yml", ".yaml", ".toml", ".py", ".sh", ".html", ".ini", ".cfg":
		return true
	}
	return false
}

// File is one workspace file with its content and, for Python, its summary.
type File struct {
	Path string // slash-separated, relative to the project root
	Kind Kind
	Src  []byte
	Py   *python.Module // Python files only; nil when the file could not be parsed

	lines   atomic.Pointer[source.LineIndex]
	modName string // ModuleName, set once by NewProject (it is asked for often)

	legacyOnce sync.Once
	legacyAt   []int // see LegacyEnvVarAt

	declsMu sync.Mutex // guards decls
	decls   *fileDecls // see MetricDecls

	deploy deployModel // see Deploy
	// units, when not nil, restricts the copy's deploy model to those units
	// of the original's (see AtUnits).
	units      []string
	unitsOnce  sync.Once
	unitsM     *deploy.Model
	byUnitOnce sync.Once // the original's split of its model by unit
	byUnit     map[string]*deploy.Model
	// deployOf is the file f is a copy of (see At): its deploy model is
	// that file's, parsed once for all the copies.
	deployOf *File

	memo sync.Map // see Memo

	// What the project facts read of the module, computed once per file
	// (see digest and envFlags).
	digestOnce   sync.Once
	digestV      *moduleDigest
	envFlagsOnce sync.Once
	envFlagsV    map[string]bool
}

// LegacyEnvVarAt returns the offsets of LegacyEnvVar in the source, found
// once per file: a project rule asks on every check (every keystroke in
// the editor), and scanning every byte of the project each time was most
// of that rule. Safe for concurrent use.
func (f *File) LegacyEnvVarAt() []int {
	f.legacyOnce.Do(func() {
		for off := 0; ; {
			i := bytes.Index(f.Src[off:], []byte(LegacyEnvVar))
			if i < 0 {
				break
			}
			f.legacyAt = append(f.legacyAt, off+i)
			off += i + len(LegacyEnvVar)
		}
	})
	return f.legacyAt
}

// At returns f at another path p, as a service sees a file it shares
// (workspace.Rebase): the same source, parse and line index, and the same
// deploy model, parsed once for f and all its copies. A root compose file
// that builds many services is in each of their projects; parsed once per
// copy, a check was quadratic in the services (bench.GenerateServices).
func (f *File) At(p string) *File {
	g := &File{Path: p, Kind: f.Kind, Src: f.Src, Py: f.Py, deployOf: f}
	if f.deployOf != nil {
		g.deployOf = f.deployOf
	}
	if idx := f.lines.Load(); idx != nil {
		g.lines.Store(idx)
	}
	return g
}

// AtUnits is At for a copy that sees only the given units of the file's
// deploy model (a root compose file shared by the services it builds: each
// sees its own compose services, and the file is split once, not once per
// service).
func (f *File) AtUnits(p string, units []string) *File {
	g := f.At(p)
	g.units = units
	return g
}

// UseLines sets the file's line index when the caller already has one for
// Src (an editor buffer keeps one for its edits), and returns f.
func (f *File) UseLines(idx *source.LineIndex) *File {
	f.lines.Store(idx)
	return f
}

// Lines returns the file's line index, built on first use. Safe for
// concurrent use: rules run on several files at once and may read the
// lines of a file other than their own.
func (f *File) Lines() *source.LineIndex {
	if idx := f.lines.Load(); idx != nil {
		return idx
	}
	f.lines.CompareAndSwap(nil, source.NewLineIndex(f.Src))
	return f.lines.Load()
}

// Text returns the source text of a span.
func (f *File) Text(s source.Span) string {
	if s.Start < 0 || s.End > len(f.Src) || s.Start > s.End {
		return ""
	}
	return string(f.Src[s.Start:s.End])
}

// ModuleName is the dotted Python module name of a .py file relative to the
// root ("pkg/__init__.py" -> "pkg", "pkg/views.py" -> "pkg.views").
func (f *File) ModuleName() string {
	if f.modName != "" {
		return f.modName
	}
	return moduleNameOf(f.Path)
}

func moduleNameOf(path string) string {
	p := strings.TrimSuffix(strings.TrimSuffix(path, ".py"), ".wsgi")
	p = strings.TrimSuffix(p, "/__init__")
	p = strings.TrimPrefix(p, "src/")
	return strings.ReplaceAll(p, "/", ".")
}

// LineStartOf returns the offset of the start of the line holding off.
func (f *File) LineStartOf(off int) int {
	idx := f.Lines()
	return idx.LineStart(idx.Line(off))
}

// LineEndOf returns the offset just past the line holding off (after its
// newline, or the end of the text).
func (f *File) LineEndOf(off int) int {
	idx := f.Lines()
	return idx.LineStart(idx.Line(off) + 1)
}

// IndentOf returns the indentation of the line holding off.
func (f *File) IndentOf(off int) string {
	start := f.LineStartOf(off)
	end := start
	for end < len(f.Src) && (f.Src[end] == ' ' || f.Src[end] == '\t') {
		end++
	}
	return string(f.Src[start:end])
}

// Memo returns what build computed for key from this file, calling build
// once. A value must depend on the file alone (its path, kind, source and
// summary): the language server carries a File that did not change from one
// project to the next, and its memo with it, so what a rule derives from
// one file is not derived again on the next keystroke. Safe for concurrent
// use; the value must be read-only.
func (f *File) Memo(key any, build func() any) any {
	if v, ok := f.memo.Load(key); ok {
		return v
	}
	v, _ := f.memo.LoadOrStore(key, build())
	return v
}
