package project

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/python"
)

// The memo answers as the walk it replaced, whatever file is asked first:
// through cycles, self imports, packages run by `import a.b`, imported
// names that are modules, relative imports, preloaded names and
// function-level imports.
func TestPrometheusReachMemoMatchesWalk(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		first map[string]string // file -> Local() of FirstPrometheusImport ("" for nil)
	}{{
		// jobs' first import reaches prometheus_client only through
		// helpers importing jobs back, and jobs' own later import.
		name: "cycle back to a later import",
		files: map[string]string{
			"jobs.py":    "import os\nimport helpers\nimport prometheus_client\n",
			"helpers.py": "import jobs\n",
		},
		first: map[string]string{"jobs.py": "helpers", "helpers.py": "jobs"},
	}, {
		name: "cycle without prometheus",
		files: map[string]string{
			"a.py": "import b\n",
			"b.py": "import c\n",
			"c.py": "import a\nimport os\n",
		},
		first: map[string]string{"a.py": "", "b.py": "", "c.py": ""},
	}, {
		// The search from x enters the cycle x-y, completes w (no
		// prometheus) and finds z: x and y reach, w does not.
		name: "cycle and a dead branch before the hit",
		files: map[string]string{
			"x.py": "import y\nimport w\nimport z\n",
			"y.py": "import x\n",
			"w.py": "import v\n",
			"v.py": "import w\n",
			"z.py": "from prometheus_flask_exporter import PrometheusMetrics\n",
		},
		first: map[string]string{"x.py": "y", "y.py": "x", "w.py": "", "v.py": "", "z.py": "PrometheusMetrics"},
	}, {
		name: "packages, modules as names, relative and self imports",
		files: map[string]string{
			"pkg/__init__.py":     "from . import a\n",
			"pkg/a.py":            "from .sub import m\n",
			"pkg/sub/__init__.py": "",
			"pkg/sub/m.py":        "def f():\n    import prometheus_client\n\nfrom pkg import late\n",
			"pkg/late.py":         "import prometheus_client.multiprocess\n",
			"pkg/os.py":           "import prometheus_client\n",
			"app.py":              "import os\nimport pkg.sub\nfrom pkg.sub import m\n",
			"self.py":             "import self\nimport pkg.sub\n",
		},
		first: map[string]string{"pkg/__init__.py": "a", "pkg/a.py": "m", "pkg/sub/m.py": "late", "app.py": "pkg", "self.py": "self"},
	}} {
		paths := make([]string, 0, len(c.files))
		for path := range c.files {
			paths = append(paths, path)
		}
		slices.Sort(paths)
		for _, order := range [][]string{paths, reversed(paths)} {
			t.Run(fmt.Sprintf("%s/from %s", c.name, order[0]), func(t *testing.T) {
				p := memoTestProject(c.files)
				for _, path := range order {
					f := p.File(path)
					checkReachMatchesWalk(t, p, f)
					if want, ok := c.first[path]; ok {
						got := ""
						if first := p.FirstPrometheusImport(f); first != nil {
							got = first.Local()
						}
						if got != want {
							t.Errorf("%s: first prometheus import %q, want %q", path, got, want)
						}
					}
				}
			})
		}
	}
}

// Random import graphs, many with cycles, asked in a random order: the
// memo always answers as the walk.
func TestPrometheusReachMemoRandomGraphs(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		n := 2 + rng.Intn(8)
		files := map[string]string{}
		var paths []string
		for j := 0; j < n; j++ {
			src := ""
			for k := rng.Intn(4); k > 0; k-- {
				if rng.Intn(6) == 0 {
					src += "import prometheus_client\n"
				} else {
					src += fmt.Sprintf("import m%d\n", rng.Intn(n))
				}
			}
			path := fmt.Sprintf("m%d.py", j)
			files[path] = src
			paths = append(paths, path)
		}
		rng.Shuffle(len(paths), func(a, b int) { paths[a], paths[b] = paths[b], paths[a] })
		p := memoTestProject(files)
		for _, path := range paths {
			checkReachMatchesWalk(t, p, p.File(path))
		}
		if t.Failed() {
			t.Fatalf("graph %d: %v (asked in order %v)", i, files, paths)
		}
	}
}

func memoTestProject(srcs map[string]string) *Project {
	var files []*File
	for path, src := range srcs {
		files = append(files, &File{Path: path, Kind: KindPython, Src: []byte(src)})
	}
	return NewProject(context.Background(), "/w", files, config.Settings{})
}

// checkReachMatchesWalk compares, for f, every memoised answer with the
// walk that searches afresh (the code before the memo).
func checkReachMatchesWalk(t *testing.T, p *Project, f *File) {
	t.Helper()
	var want *python.Import
	for _, im := range f.Py.Imports {
		walked := p.walkImportReaches(f, im, map[string]bool{})
		if got := p.ImportReachesPrometheus(f, im); got != walked {
			t.Errorf("%s: import %s reaches prometheus_client: %v, the walk says %v", f.Path, im.Local(), got, walked)
		}
		if im.Scope == nil && walked && (want == nil || im.Span.Start < want.Span.Start) {
			want = im
		}
	}
	if got := p.FirstPrometheusImport(f); got != want {
		t.Errorf("%s: first prometheus import %v, the walk says %v", f.Path, got, want)
	}
	walked := p.walkModuleReaches(f, map[string]bool{f.Path: true})
	if got := p.ModuleReachesPrometheus(f, nil); got != walked {
		t.Errorf("%s: module reaches prometheus_client: %v, the walk says %v", f.Path, got, walked)
	}
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}
