package project

import (
	"context"
	"fmt"
	"github.com/multiprom/multiprom/internal/config"
	"sync/atomic"
	"testing"
)

// NewProject parses the Python files that come without a summary (fix-all
// hands it the files it edited), on all cores; a file that cannot be
// parsed becomes a problem, and the problems come in path order whatever
// order the goroutines finished in.
func TestNewProjectParsesUnparsedFiles(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name         string
		ctx          context.Context
		wantParsed   bool
		wantProblems int
	}{
		{"parsed", context.Background(), true, 0},
		{"cancelled: a problem per file", cancelled, false, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var files []*File
			for i := 39; i >= 0; i-- { // reverse path order: NewProject sorts
				src := fmt.Sprintf("from prometheus_client import Gauge\n\nG%d = Gauge(\"g%d\", \"G\")\n", i, i)
				files = append(files, &File{Path: fmt.Sprintf("app/m%02d.py", i), Kind: KindPython, Src: []byte(src)})
			}
			files = append(files, &File{Path: "requirements.txt", Kind: Classify("requirements.txt"), Src: []byte("flask\n")})
			p := NewProject(tc.ctx, "/w", files, config.Settings{})
			if len(p.Problems) != tc.wantProblems {
				t.Fatalf("problems = %d (%v), want %d", len(p.Problems), p.Problems, tc.wantProblems)
			}
			for i, pr := range p.Problems {
				if want := fmt.Sprintf("app/m%02d.py", i); pr.Path != want {
					t.Errorf("problem %d is for %s, want %s (path order)", i, pr.Path, want)
				}
			}
			for i := 0; i < 40; i++ {
				f := p.File(fmt.Sprintf("app/m%02d.py", i))
				if parsed := f.Py != nil; parsed != tc.wantParsed {
					t.Fatalf("%s parsed = %v, want %v", f.Path, parsed, tc.wantParsed)
				}
				if !tc.wantParsed {
					continue
				}
				ds := f.MetricDecls()
				if len(ds) != 1 || ds[0].Var != fmt.Sprintf("G%d", i) {
					t.Errorf("%s: metric declarations %+v, want G%d", f.Path, ds, i)
				}
			}
		})
	}
}

// Memo builds a key's value once per project, however many goroutines
// ask at once, and keeps keys and projects apart.
func TestProjectMemo(t *testing.T) {
	type keyA struct{}
	type keyB struct{}
	p, q := NewProject(context.Background(), "/w", nil, config.Settings{}), NewProject(context.Background(), "/w", nil, config.Settings{})
	var builds atomic.Int32
	build := func() any { builds.Add(1); return new(int) }
	got := make([]any, 64)
	Parallel(len(got), func(i int) { got[i] = p.Memo(keyA{}, build) })
	for _, v := range got {
		if v != got[0] {
			t.Fatal("goroutines got different values for one key")
		}
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("built %d times, want once", n)
	}
	if p.Memo(keyB{}, build) == got[0] || q.Memo(keyA{}, build) == got[0] {
		t.Error("another key or another project shares the value")
	}
	if n := builds.Load(); n != 3 {
		t.Errorf("built %d times in all, want 3", n)
	}
}

// PythonFiles and FilesOf are made once per project, in path order:
// PythonFiles holds only the Python files that have a summary, and the
// slice FilesOf returns is the caller's (requirements.go sorts it).
func TestProjectFileLists(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	files := []*File{
		{Path: "b.py", Kind: KindPython, Src: []byte("x = 1\n")},
		{Path: "requirements.txt", Kind: KindRequirements, Src: []byte("flask\n")},
		{Path: "a.py", Kind: KindPython, Src: []byte("y = 2\n")},
		{Path: "dev-requirements.txt", Kind: KindRequirements, Src: []byte("pytest\n")},
	}
	// A cancelled parse leaves every Python file without a summary, then
	// a second project over the same files, summarised, lists them all.
	if got := NewProject(cancelled, "/p", files, config.Settings{}).PythonFiles(); len(got) != 0 {
		t.Fatalf("PythonFiles with no summary = %d files, want none", len(got))
	}
	p := NewProject(context.Background(), "/p", files, config.Settings{})
	var names []string
	for _, f := range p.PythonFiles() {
		names = append(names, f.Path)
	}
	if fmt.Sprint(names) != "[a.py b.py]" {
		t.Fatalf("PythonFiles = %v, want [a.py b.py]", names)
	}
	reqs := p.FilesOf(KindRequirements)
	if len(reqs) != 2 || reqs[0].Path != "dev-requirements.txt" {
		t.Fatalf("FilesOf(requirements) = %v, want both in path order", reqs)
	}
	reqs[0], reqs[1] = reqs[1], reqs[0]
	if again := p.FilesOf(KindRequirements); again[0].Path != "dev-requirements.txt" {
		t.Fatalf("reordering FilesOf's slice reordered the project's: %v", again)
	}
}

// TestBusinessModule: the app's business_metrics.py, first in path order, never a test file's.
func TestBusinessModule(t *testing.T) {
	for _, tt := range []struct {
		files []string
		want  string
	}{
		{[]string{"business_metrics.py"}, "business_metrics.py"},
		{[]string{"shop/business_metrics.py", "tests/business_metrics.py"}, "shop/business_metrics.py"},
		{[]string{"tests/business_metrics.py"}, ""},
		{[]string{"pkg/test/business_metrics.py"}, ""},
		{[]string{"a/business_metrics.py", "b/business_metrics.py"}, "a/business_metrics.py"},
		{[]string{"my_business_metrics.py"}, ""},
	} {
		files := map[string]string{}
		for _, f := range tt.files {
			files[f] = "METRICS = {}\n"
		}
		got := ""
		if f := testProject(t, files).BusinessModule(); f != nil {
			got = f.Path
		}
		if got != tt.want {
			t.Errorf("%v: BusinessModule = %q, want %q", tt.files, got, tt.want)
		}
	}
}
