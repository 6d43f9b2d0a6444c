package project

import (
	"context"
	"errors"
	"path"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/python"
)

// Project is the workspace as rules see it: every relevant file, the
// effective settings and the facts derived from all of them.
type Project struct {
	Root     string  // absolute root, for messages only; rules do no I/O
	Files    []*File // sorted by Path
	Settings config.Settings
	Facts    *Facts
	// Problems are per-file messages (unparsable pyproject, ...) that are
	// not findings; the CLI prints them on stderr.
	Problems []Problem

	byPath   map[string]*File
	byModule map[string]*File // dotted module name -> the first file (path order)
	python   []*File          // the parsed Python files, in path order (PythonFiles)
	byKind   map[Kind][]*File // the files by kind, in path order (FilesOf)
	// dirs holds every folder that holds a file (pathExists), built once.
	dirsOnce sync.Once
	dirs     map[string]bool

	// metricsOnce guards metrics, the lazily built metric index (Metrics()).
	metricsOnce sync.Once
	problemsMu  sync.Mutex // guards Problems while rules run (see Check)
	// metrics is the index once built (Metrics); atomic, because a project
	// derived from this one (NewProjectFrom) may ask for it while this
	// one's rules run.
	metrics atomic.Pointer[MetricIndex]
	// metricsBasis is the index of the project this one was derived from,
	// until this one's is built.
	metricsBasis *MetricIndex

	// memo holds what is computed once per project (Memo): the env sets
	// per file (envSetIndex), which modules load prometheus_client
	// (promReach), and rules' own answers.
	memo sync.Map // key -> *memoEntry
}

type memoEntry struct {
	once  sync.Once
	value any
}

// Memo returns what build computed for key in this project, calling build
// once, the first time any goroutine asks: code that runs once per file
// but needs a project-wide answer computes it once, not once per file or
// finding. Rules declare such answers with diagnostics.NewShared, whose
// value is the key; this package's own use an unexported key type. The
// value is shared by every goroutine that runs the project's rules: it must
// be read-only, or safe for concurrent use.
func (p *Project) Memo(key any, build func() any) any {
	e, _ := p.memo.LoadOrStore(key, &memoEntry{})
	entry := e.(*memoEntry)
	entry.once.Do(func() { entry.value = build() })
	return entry.value
}

// Problem is a per-file message that is not a finding.
type Problem struct {
	Path    string
	Line    int // 1-based line of Path the problem is on; 0 when it is about the whole file
	Message string
	// Config marks a setting that cannot be read or honoured: the CLI
	// reports it and exits 2 instead of checking with settings it guessed.
	Config bool
}

// Where is the problem's place as a message starts it: "path" or "path:line".
func (pr Problem) Where(path string) string {
	if pr.Line > 0 {
		return path + ":" + strconv.Itoa(pr.Line)
	}
	return path
}

// NewProject builds the model from files whose Src is already loaded. Python
// files without a summary are parsed here. Editor settings win over
// pyproject.toml's [tool.multiprom].
func NewProject(ctx context.Context, root string, files []*File, editor config.Settings) *Project {
	p := &Project{Root: root, byPath: make(map[string]*File, len(files)), byKind: map[Kind][]*File{}}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	p.Files = files
	python := 0
	for _, f := range files {
		if f.Kind == KindPython {
			python++
		}
	}
	p.byModule = make(map[string]*File, python)
	var unparsed []*File
	for _, f := range files {
		p.byPath[f.Path] = f
		p.byKind[f.Kind] = append(p.byKind[f.Kind], f)
		if f.Kind == KindPython {
			f.modName = moduleNameOf(f.Path)
			if _, dup := p.byModule[f.modName]; !dup {
				p.byModule[f.modName] = f
			}
			if f.Py == nil {
				unparsed = append(unparsed, f)
			}
		}
	}
	// On all cores: after fix-all has edited a thousand files, parsing
	// them one by one took twice as long as the scan that read them.
	errs := make([]error, len(unparsed))
	Parallel(len(unparsed), func(i int) { errs[i] = unparsed[i].ParseIndexed(ctx) })
	for i, err := range errs {
		if err != nil {
			p.Problems = append(p.Problems, Problem{Path: unparsed[i].Path, Message: err.Error()})
		}
	}
	p.python = make([]*File, 0, python)
	for _, f := range files {
		if f.Kind == KindPython && f.Py != nil {
			p.python = append(p.python, f)
		}
	}
	settings := config.Settings{}
	var info config.PyprojectInfo
	if f := p.File("pyproject.toml"); f != nil {
		s, i, err := config.ParsePyprojectSettings(f.Src)
		if err != nil {
			pr := Problem{Path: f.Path, Message: err.Error(), Config: true}
			var ce *config.ConfigError
			if errors.As(err, &ce) {
				pr.Line = ce.Line
			}
			p.Problems = append(p.Problems, pr)
		}
		settings, info = s, i
	}
	p.Settings = settings.Merge(editor)
	p.Facts = computeFacts(p, info)
	p.Problems = append(p.Problems, deployProblems(files)...)
	return p
}

// NewProjectFrom is NewProject for a project that follows prev (nil: none)
// closely, as the language server's next keystroke does: what prev built
// that still holds is taken over instead of built again (see MetricIndex).
// Files that did not change should be passed as the same *File values.
func NewProjectFrom(ctx context.Context, prev *Project, root string, files []*File, editor config.Settings) *Project {
	p := NewProject(ctx, root, files, editor)
	if prev != nil {
		p.metricsBasis = prev.metrics.Load()
	}
	return p
}

// Parse parses a Python file's source and summarises it.
func (f *File) Parse(ctx context.Context) error {
	m, err := python.Parse(ctx, f.Src)
	if err != nil {
		return err
	}
	f.Py = m
	return nil
}

// parseIndexed is Parse, then the indexes that the summary caches and that
// the import spread, the project facts and the metric index ask for next,
// one file at a time: built by the goroutine that parsed the file, while
// its summary is in cache.
func (f *File) ParseIndexed(ctx context.Context) error {
	if err := f.Parse(ctx); err != nil {
		return err
	}
	f.MetricDecls()
	f.Py.CalleeGroups()
	f.digest()
	return nil
}

// File returns the file at a slash path relative to the root, or nil.
func (p *Project) File(rel string) *File { return p.byPath[path.Clean(rel)] }

// FilesOf returns the files of one kind, in path order, in a slice of the
// caller's own (callers sort it).
func (p *Project) FilesOf(k Kind) []*File { return slices.Clone(p.byKind[k]) }

// PythonFiles returns the parsed Python files, in path order: a list made
// once per project (a dozen rules and facts ask for it; each made its own).
// The slice is the project's: read it, do not modify it.
func (p *Project) PythonFiles() []*File { return p.python }

// BusinessModule is the project's Redis business-metrics module (the
// business_metrics.py that the snippets generate and MP501's fix creates),
// or nil: the first, in path order, that is not a test file. Fixes wire it
// into the metrics handler and the dashboard reads its METRICS table only
// when the app has one; a test double of it does not count.
func (p *Project) BusinessModule() *File {
	for _, f := range p.python {
		if path.Base(f.Path) == "business_metrics.py" && !IsTestFile(f) {
			return f
		}
	}
	return nil
}

// ModuleFile resolves a dotted module name to a project file
// ("pkg.metrics" -> pkg/metrics.py or pkg/metrics/__init__.py).
func (p *Project) ModuleFile(mod string) *File { return p.byModule[mod] }

// AddProblem records a per-file message; safe while rules run concurrently.
func (p *Project) AddProblem(path, msg string) {
	p.problemsMu.Lock()
	defer p.problemsMu.Unlock()
	p.Problems = append(p.Problems, Problem{Path: path, Message: msg})
}
