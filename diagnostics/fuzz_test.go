package diagnostics_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/fuzzbudget"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// The engine fuzz targets feed arbitrary bytes to everything that reads a
// workspace file (the Python summary, facts from gunicorn configs,
// requirements, Dockerfiles, compose, systemd, Procfiles, .env, shell,
// pyproject) and check that a run finishes, never panics (a rule panic is
// recovered by the runner, so it is looked for in Problems), and only
// reports spans that lie inside the file they name.

// fuzzBudget bounds one input. It is not a speed assertion: it only turns a
// hang (an endless loop in a parser or a rule) into a reported crash with
// the input that caused it, which go test -fuzz would otherwise never show.
const fuzzBudget = 20 * time.Second

// fuzzNames are the roles one fuzzed file can play, by the name that gives
// it that role.
var fuzzNames = []string{
	"app.py", "gunicorn.conf.py", "requirements.txt", "Dockerfile", "docker-compose.yml",
	"app.service", "Procfile", ".env", "pyproject.toml", "entrypoint.sh", "conf/gunicorn_config.py",
	"pkg/__init__.py", "requirements/prod.txt",
}

// companions make every rule applicable: gunicorn with several workers, a
// Flask app, and metrics of each kind. A fuzzed file with the same name
// replaces its companion.
var companions = map[string]string{
	"gunicorn.conf.py": "workers = 4\n",
	"requirements.txt": "flask\ngunicorn\nprometheus-client==0.16.0\n",
	"app.py": `from flask import Flask
from prometheus_client import Counter, Gauge, generate_latest

app = Flask(__name__)
G = Gauge("g", "help")
C = Counter("c", "help")


@app.route("/metrics")
def metrics():
    return generate_latest()
`,
}

func withBudget(what string, fn func()) { fuzzbudget.Run(what, fuzzBudget, fn) }

// checkProject builds the project from files and runs every rule, failing on
// a recovered rule panic or a span outside its file.
func checkProject(t *testing.T, files map[string][]byte) (*project.Project, []*diagnostics.Diagnostic) {
	t.Helper()
	var fs []*project.File
	for name, src := range files {
		fs = append(fs, &project.File{Path: name, Kind: project.Classify(name), Src: src})
	}
	var p *project.Project
	var ds []*diagnostics.Diagnostic
	withBudget("check", func() {
		p = project.NewProject(context.Background(), "/fuzz/proj", fs, config.Settings{})
		ds = diagnostics.Check(p, rules.All, nil)
	})
	for _, pr := range p.Problems {
		if strings.Contains(pr.Message, "internal error") {
			t.Fatalf("rule panicked on %s: %s", pr.Path, pr.Message)
		}
	}
	for _, diag := range ds {
		f := p.File(diag.Path)
		if f == nil {
			t.Fatalf("%s: finding in a file that is not in the project: %s", diag.Code(), diag.Path)
		}
		checkSpan(t, f, diag.Span, diag.Code()+" finding")
		for _, fix := range diag.Fixes {
			for _, e := range fix.Edits {
				ef := p.File(e.Path)
				if ef == nil {
					t.Fatalf("%s fix %q edits a file that is not in the project: %s", diag.Code(), fix.Title, e.Path)
				}
				checkSpan(t, ef, e.Span, diag.Code()+" fix edit")
			}
		}
		// The finding must be displayable in every encoding.
		idx := f.Lines()
		for _, enc := range []source.Encoding{source.UTF8, source.UTF16, source.UTF32} {
			a, b := idx.Position(diag.Span.Start, enc), idx.Position(diag.Span.End, enc)
			if a.Line > b.Line || (a.Line == b.Line && a.Col > b.Col) {
				t.Fatalf("%s: start %v after end %v (enc %d)", diag.Code(), a, b, enc)
			}
		}
	}
	return p, ds
}

func checkSpan(t *testing.T, f *project.File, s source.Span, what string) {
	t.Helper()
	if s.Start < 0 || s.End < s.Start || s.End > len(f.Src) {
		t.Fatalf("%s: span %d-%d outside %s (%d bytes)", what, s.Start, s.End, f.Path, len(f.Src))
	}
}

// FuzzFile puts arbitrary bytes in one file of a project whose other files
// make every rule applicable.
func FuzzFile(f *testing.F) {
	for i, name := range fuzzNames {
		if src, ok := companions[name]; ok {
			f.Add(uint8(i), []byte(src))
		}
	}
	f.Add(uint8(3), []byte("FROM python:3.12\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/m \\\n  WEB_CONCURRENCY=4\nCMD [\"sh\", \"-c\", \"gunicorn -w 4 -c gunicorn.conf.py app:app\"]\n"))
	f.Add(uint8(4), []byte("services:\n  web:\n    command: gunicorn -w 4 app:app\n    environment:\n      - PROMETHEUS_MULTIPROC_DIR=/tmp/m\n"))
	f.Add(uint8(5), []byte("[Service]\nEnvironment=\"PROMETHEUS_MULTIPROC_DIR=/tmp/m\"\nExecStart=-/usr/bin/gunicorn --workers=4 app:app\n"))
	f.Add(uint8(6), []byte("web: PROMETHEUS_MULTIPROC_DIR=/tmp/m gunicorn -w $WEB_CONCURRENCY app:app\n"))
	f.Add(uint8(8), []byte("[project]\nname = \"x\"\ndependencies = [\"prometheus-client>=0.16,<0.18\"]\n[tool.multiprom]\nworkers = 4\n"))
	f.Add(uint8(0), []byte("\ufeffimport prometheus_client as pc\r\nG = pc.Gauge('g', 'h',\r\n  multiprocess_mode='all')\r\n"))
	f.Add(uint8(0), []byte("from prometheus_client import Gauge\nG = Gauge(\"\U0001F600\", \"\u4e2d\u6587\")  # \xff\xfe\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := fuzzNames[int(which)%len(fuzzNames)]
		files := map[string][]byte{}
		for n, src := range companions {
			files[n] = []byte(src)
		}
		files[name] = data
		checkProject(t, files)
	})
}

// FuzzProject reads the input as a txtar archive: a whole project of
// arbitrary files (names included). Seeds are the rule golden cases and the
// demo project.
func FuzzProject(f *testing.F) {
	archives, _ := filepath.Glob("rules/testdata/*/*.txtar")
	for _, a := range archives {
		if data, err := os.ReadFile(a); err == nil {
			f.Add(data)
		}
	}
	if demo := demoArchive(); demo != nil {
		f.Add(demo)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ar := txtar.Parse(data)
		files := map[string][]byte{}
		for _, af := range ar.Files {
			name := path.Clean(strings.ReplaceAll(af.Name, "\\", "/"))
			if name == "." || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "..") || strings.HasSuffix(name, ".fixed") {
				continue
			}
			files[name] = af.Data
		}
		checkProject(t, files)
	})
}

// demoArchive packs testdata/demo (the planted-bug demo) into a txtar seed.
func demoArchive() []byte {
	root := filepath.Join("..", "testdata", "demo")
	ar := &txtar.Archive{}
	_ = filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if project.Classify(filepath.ToSlash(rel)) == project.KindOther {
			return nil
		}
		data, err := os.ReadFile(p)
		if err == nil && len(data) < 64<<10 {
			ar.Files = append(ar.Files, txtar.File{Name: filepath.ToSlash(rel), Data: data})
		}
		return nil
	})
	if len(ar.Files) == 0 {
		return nil
	}
	return txtar.Format(ar)
}
