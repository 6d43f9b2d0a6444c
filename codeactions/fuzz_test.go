package codeactions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/fuzzbudget"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// The fix fuzz targets check, for any project where fixes are offered:
// every fix applies (its edits lie inside the file and do not overlap); a
// Python file that parsed cleanly still parses cleanly after any one fix and
// after fix-all; fix-all converges before MaxRounds; and a second fix-all
// over its own result changes nothing.

// fixBudget turns a hang into a crash that go test -fuzz records with its
// input; it is not a speed assertion.
const fixBudget = 30 * time.Second

func withBudget(what string, fn func()) { fuzzbudget.Run(what, fixBudget, fn) }

// companions make the rules applicable: several gunicorn workers, a Flask
// app with a metrics endpoint and gauges. A fuzzed file of the same name
// replaces its companion.
var companions = map[string]string{
	"gunicorn.conf.py": "bind = \"0.0.0.0:8000\"\nworkers = 4\n",
	"requirements.txt": "flask\ngunicorn\nprometheus-client==0.16.0\n",
	"app.py": `from flask import Flask
from prometheus_client import Gauge, generate_latest

app = Flask(__name__)
G = Gauge("in_progress", "help")


@app.route("/metrics")
def metrics():
    return generate_latest()
`,
}

var fixNames = []string{"app.py", "gunicorn.conf.py", "metrics.py", "pkg/__init__.py", "wsgi.py"}

func syntaxErrors(src []byte) int {
	m, err := python.Parse(context.Background(), src)
	if err != nil {
		return -1
	}
	return len(m.Errors)
}

func newProject(files map[string][]byte) *project.Project {
	var fs []*project.File
	for name, src := range files {
		fs = append(fs, &project.File{Path: name, Kind: project.Classify(name), Src: src})
	}
	return project.NewProject(context.Background(), "/fuzz/proj", fs, config.Settings{})
}

// checkFixes runs the fix properties over a project given as files.
func checkFixes(t *testing.T, files map[string][]byte) {
	t.Helper()
	withBudget("fix", func() { checkFixesNow(t, files) })
}

func checkFixesNow(t *testing.T, files map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	clean := map[string]bool{}
	for name, src := range files {
		if project.Classify(name) == project.KindPython && syntaxErrors(src) == 0 {
			clean[name] = true
		}
	}
	p := newProject(files)
	ds := diagnostics.Check(p, rules.All, nil)
	offered := false
	for _, diag := range ds {
		for _, fix := range diag.Fixes {
			offered = true
			byPath := map[string][]diagnostics.Edit{}
			for _, e := range fix.Edits {
				byPath[e.Path] = append(byPath[e.Path], e)
			}
			for rel, es := range byPath {
				f := p.File(rel)
				if f == nil {
					t.Fatalf("%s fix %q edits %s, which is not in the project", diag.Code(), fix.Title, rel)
				}
				out, err := codeactions.ApplyEdits(f.Src, es)
				if err != nil {
					t.Fatalf("%s fix %q does not apply to %s: %v", diag.Code(), fix.Title, rel, err)
				}
				if clean[rel] && syntaxErrors(out) != 0 {
					t.Fatalf("%s fix %q breaks the syntax of %s:\n--- before\n%s\n--- after\n%s", diag.Code(), fix.Title, rel, f.Src, out)
				}
			}
			for _, c := range fix.Creates {
				if err := codeactions.CheckRelPath(c.Path); err != nil {
					t.Fatalf("%s fix %q creates %q: %v", diag.Code(), fix.Title, c.Path, err)
				}
				if project.Classify(c.Path) == project.KindPython && syntaxErrors([]byte(c.Content)) != 0 {
					t.Fatalf("%s fix %q creates %s with a syntax error:\n%s", diag.Code(), fix.Title, c.Path, c.Content)
				}
			}
		}
	}
	if !offered {
		return
	}
	res, err := codeactions.FixAll(ctx, p, rules.All)
	if err != nil {
		t.Fatalf("fix-all: %v", err)
	}
	if res.Rounds >= codeactions.MaxRounds {
		t.Fatalf("fix-all did not converge in %d rounds; remaining: %s", res.Rounds, codes(res.Remaining))
	}
	next := map[string][]byte{}
	for name, src := range files {
		next[name] = src
	}
	for name, src := range res.Changed {
		if clean[name] && syntaxErrors(src) != 0 {
			t.Fatalf("fix-all breaks the syntax of %s:\n--- before\n%s\n--- after\n%s", name, files[name], src)
		}
		next[name] = src
	}
	for name, src := range res.Created {
		if err := codeactions.CheckRelPath(name); err != nil {
			t.Fatalf("fix-all creates %q: %v", name, err)
		}
		next[name] = src
	}
	again, err := codeactions.FixAll(ctx, newProject(next), rules.All)
	if err != nil {
		t.Fatalf("second fix-all: %v", err)
	}
	if again.Applied != 0 || len(again.Changed) != 0 || len(again.Created) != 0 {
		var names []string
		for n := range again.Changed {
			names = append(names, n)
		}
		for n := range again.Created {
			names = append(names, n+" (created)")
		}
		sort.Strings(names)
		detail := ""
		for _, n := range names {
			if src, ok := again.Changed[n]; ok {
				detail += fmt.Sprintf("\n--- %s after the first fix-all\n%s\n--- after the second\n%s", n, next[n], src)
			}
		}
		t.Fatalf("second fix-all applied %d fixes, changing %s%s", again.Applied, strings.Join(names, ", "), detail)
	}
}

func codes(ds []*diagnostics.Diagnostic) string {
	var out []string
	for _, x := range ds {
		out = append(out, x.Code()+"@"+x.Path)
	}
	return strings.Join(out, " ")
}

// FuzzFix replaces one Python file of a fixable project with arbitrary bytes.
func FuzzFix(f *testing.F) {
	for i, name := range fixNames {
		if src, ok := companions[name]; ok {
			f.Add(uint8(i), []byte(src))
		}
	}
	f.Add(uint8(0), []byte("import prometheus_client as pc\r\nG = pc.Gauge('g', 'h',\r\n  )\r\nH = pc.Gauge(\"\U0001F600\", \"\u4e2d\", multiprocess_mode='bogus')\r\n"))
	f.Add(uint8(2), []byte("\ufefffrom prometheus_client import (\n    Gauge,\n)\nG = Gauge(\n    'g',\n    'h',\n)\n"))
	f.Add(uint8(1), []byte("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\"\"\"doc\"\"\"\nfrom __future__ import annotations\nworkers = 4\ndef child_exit(server, worker):\n    pass\n"))
	f.Add(uint8(0), []byte("from prometheus_client import make_wsgi_app\nfrom werkzeug.middleware.dispatcher import DispatcherMiddleware\nfrom flask import Flask\napp = Flask(__name__)\napp.wsgi_app = DispatcherMiddleware(app.wsgi_app, {'/metrics': make_wsgi_app()})\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		files := map[string][]byte{}
		for n, src := range companions {
			files[n] = []byte(src)
		}
		files[fixNames[int(which)%len(fixNames)]] = data
		checkFixes(t, files)
	})
}

// FuzzFixProject reads the input as a txtar project (seeds: the rule
// golden cases, whose "# want" projects all offer fixes).
func FuzzFixProject(f *testing.F) {
	archives, _ := filepath.Glob("../diagnostics/rules/testdata/*/*.txtar")
	for _, a := range archives {
		if data, err := os.ReadFile(a); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ar := txtar.Parse(data)
		files := map[string][]byte{}
		for _, af := range ar.Files {
			name := path.Clean(strings.ReplaceAll(af.Name, "\\", "/"))
			if codeactions.CheckRelPath(name) != nil || name == "." || strings.HasSuffix(name, ".fixed") {
				continue
			}
			files[name] = af.Data
		}
		checkFixes(t, files)
	})
}

// TestFixCorpusCompiles replays every FuzzFix input (the committed seeds,
// plus a local corpus directory named by MULTIPROM_FUZZ_CORPUS, e.g. go's
// fuzz cache after a long run) and asks CPython, not tree-sitter, whether
// fix-all keeps each Python file that compiled compiling. tree-sitter is
// more lenient than Python ("f(,)", "def f(): at EOF"), so the fuzz
// target's own oracle can miss what this one catches.
func TestFixCorpusCompiles(t *testing.T) {
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required under CI: %v", python, err)
		}
		t.Skipf("no %s", python)
	}
	dirs := []string{filepath.Join("testdata", "fuzz", "FuzzFix")}
	if extra := os.Getenv("MULTIPROM_FUZZ_CORPUS"); extra != "" {
		dirs = append(dirs, extra)
	}
	type item struct {
		Name   string `json:"name"`
		Before []byte `json:"before"`
		After  []byte `json:"after"`
		input  string
	}
	var items []item
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			which, data, ok := readFuzzInput(filepath.Join(dir, e.Name()))
			if !ok {
				continue
			}
			files := map[string][]byte{}
			for n, src := range companions {
				files[n] = []byte(src)
			}
			files[fixNames[int(which)%len(fixNames)]] = data
			res, err := codeactions.FixAll(context.Background(), newProject(files), rules.All)
			if err != nil {
				t.Fatalf("%s: %v", e.Name(), err)
			}
			for name, after := range res.Changed {
				if project.Classify(name) == project.KindPython {
					items = append(items, item{Name: name, Before: files[name], After: after, input: e.Name()})
				}
			}
		}
	}
	if len(items) == 0 {
		t.Fatal("no fixed Python files in the corpus")
	}
	in, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	const script = `
import base64, json, sys
def ok(src, name):
    try:
        compile(base64.b64decode(src), name, "exec")
        return True
    except (SyntaxError, ValueError):
        return False
json.dump([[ok(i["before"], i["name"]), ok(i["after"], i["name"])] for i in json.load(sys.stdin)], sys.stdout)
`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var verdicts [][2]bool
	if err := json.Unmarshal(out, &verdicts); err != nil || len(verdicts) != len(items) {
		t.Fatalf("python answered %s (%v)", out, err)
	}
	compiled := 0
	for i, v := range verdicts {
		if v[0] {
			compiled++
		}
		if v[0] && !v[1] {
			t.Errorf("%s: %s compiled before fix-all and not after:\n--- before\n%s\n--- after\n%s", items[i].input, items[i].Name, items[i].Before, items[i].After)
		}
	}
	t.Logf("%d fixed Python files, %d of them compiled before the fix", len(items), compiled)
}

// readFuzzInput decodes a "go test fuzz v1" file of FuzzFix (a byte and a
// []byte).
func readFuzzInput(path string) (uint8, []byte, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, false
	}
	lines := strings.SplitN(string(raw), "\n", 3)
	if len(lines) < 3 || lines[0] != "go test fuzz v1" {
		return 0, nil, false
	}
	b, ok1 := strings.CutPrefix(strings.TrimSpace(lines[1]), "byte(")
	s, ok2 := strings.CutPrefix(strings.TrimSpace(lines[2]), "[]byte(")
	if !ok1 || !ok2 {
		return 0, nil, false
	}
	r, err1 := strconv.Unquote(strings.TrimSuffix(b, ")"))
	data, err2 := strconv.Unquote(strings.TrimSuffix(s, ")"))
	if err1 != nil || err2 != nil || len(r) == 0 {
		return 0, nil, false
	}
	return r[0], []byte(data), true
}
