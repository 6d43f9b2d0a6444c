package project

import (
	"context"
	"fmt"
	"github.com/multiprom/multiprom/internal/config"
	"math/rand"
	"strings"
	"testing"
)

// indexVariants are the contents each path of a small project takes in
// TestMetricIndexFollowsEdits ("" = the file is absent): declarations
// that come and go, re-exports, star imports, module aliases, imports
// resolved by suffix (two files named metrics) and a cycle.
var indexVariants = map[string][]string{
	"pkg/metrics.py": {
		"from prometheus_client import Counter, Gauge\nJOBS = Counter('jobs', 'j')\nLIVE = Gauge('live', 'l', multiprocess_mode='livesum')\nJOBS.inc()\n",
		"from prometheus_client import Counter\nJOBS = Counter('jobs2', 'j')\n",
		"from prometheus_client import Counter\nLIVE = Counter('x', 'x')\nJOBS.inc()\n",
		"",
	},
	"pkg/__init__.py": {
		"from .metrics import JOBS\n",
		"from .metrics import *\nfrom prometheus_client import Gauge\nOWN = Gauge('own', 'o')\n",
		"# empty package\n",
		"",
	},
	"pkg/a.py": {
		"from pkg.metrics import JOBS, LIVE\ndef f():\n    JOBS.inc()\n    LIVE.inc()\n    JOBS.labels().inc()\n",
		"from pkg import JOBS\nJOBS.inc()\nfrom pkg import OWN\nOWN.set(1)\n",
		"import pkg.metrics as m\nm.JOBS.inc(2)\nm.LIVE.dec()\n",
		"from prometheus_client import Counter\nX = Counter('ax', 'a')\nfrom .b import X as Y\nY.inc()\nX.inc()\n",
		"",
	},
	"pkg/b.py": {
		"from pkg import metrics\nmetrics.JOBS.inc()\nfrom .a import X\nX.labels('v').inc()\n",
		"from prometheus_client import Counter\nX = Counter('bx', 'b')\nX.inc()\nfrom .metrics import *\nLIVE.set(2)\n",
		"from pkg.a import *\nX.inc()\n",
		"",
	},
	"other/c.py": {
		"import pkg\npkg.JOBS.inc()\nfrom pkg.b import X\nX.inc()\n",
		"from metrics import JOBS\nJOBS.inc()\n",
		"from pkg.a import X\nfrom pkg.b import X\nX.inc()\n",
		"",
	},
	"metrics.py": {
		"from prometheus_client import Counter\nJOBS = Counter('root_jobs', 'r')\nJOBS.inc()\n",
		"",
	},
}

// A project derived from the last one (the language server's keystroke)
// must have the metric index a project built afresh from the same files
// has, whatever the edits: the parts it takes over must be exactly those
// that still hold.
func TestMetricIndexFollowsEdits(t *testing.T) {
	ctx := context.Background()
	var paths []string
	for p := range indexVariants {
		paths = append(paths, p)
	}
	var tookParts, tookUses int
	for seed := int64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewSource(seed))
		current := map[string]*File{}
		var prev *Project
		for step := 0; step < 60; step++ {
			// Edit one to three files; keep the others' File values.
			for n := 1 + rng.Intn(3); n > 0; n-- {
				path := paths[rng.Intn(len(paths))]
				src := indexVariants[path][rng.Intn(len(indexVariants[path]))]
				if src == "" {
					delete(current, path)
				} else {
					current[path] = &File{Path: path, Kind: KindPython, Src: []byte(src)}
				}
			}
			files := func() []*File {
				var out []*File
				for _, f := range current {
					out = append(out, f)
				}
				return out
			}
			next := NewProjectFrom(ctx, prev, "/w", files(), config.Settings{})
			fresh := NewProject(ctx, "/w", files(), config.Settings{})
			where := fmt.Sprintf("seed %d step %d", seed, step)
			got, want := describeIndex(next), describeIndex(fresh)
			if got != want {
				t.Fatalf("%s: derived index differs from a fresh one:\n got:\n%s\nwant:\n%s", where, got, want)
			}
			ix := next.Metrics()
			for _, part := range ix.parts {
				if prev != nil && prev.metrics.Load() != nil && prev.metrics.Load().parts[part.file] == part {
					tookParts++
				}
			}
			for from, u := range ix.uses {
				if prev != nil && prev.metrics.Load() != nil && prev.metrics.Load().uses[from] == u {
					tookUses++
				}
			}
			// Ask for some uses only, so that the next project finds some
			// laid out and some not.
			for _, d := range ix.Decls() {
				if rng.Intn(2) == 0 {
					ix.Uses(d)
				}
			}
			prev = next
		}
	}
	if tookParts == 0 || tookUses == 0 {
		t.Errorf("the derived projects took over %d parts and %d laid-out uses: the test does not exercise reuse", tookParts, tookUses)
	}
}

// describeIndex prints everything the index answers: the declarations,
// each one's uses, and the owner of every call of every file.
func describeIndex(p *Project) string {
	ix := p.Metrics()
	var b strings.Builder
	name := func(d *MetricDecl) string {
		if d == nil {
			return "-"
		}
		if p.File(d.File.Path) != d.File {
			return "STALE " + d.File.Path
		}
		return fmt.Sprintf("%s:%s@%d", d.File.Path, d.Var, d.Call.Span().Start)
	}
	for _, d := range ix.Decls() {
		fmt.Fprintf(&b, "decl %s uses", name(d))
		for _, u := range ix.Uses(d) {
			if p.File(u.File.Path) != u.File {
				b.WriteString(" STALE")
			}
			fmt.Fprintf(&b, " %s:%s@%d", u.File.Path, u.Call.Func, u.Call.Span().Start)
		}
		b.WriteString("\n")
	}
	for _, f := range p.PythonFiles() {
		fmt.Fprintf(&b, "file %s: %d decls;", f.Path, len(ix.DeclsIn(f)))
		for _, c := range f.Py.Calls {
			if d := ix.Owner(f, c); d != nil {
				fmt.Fprintf(&b, " %s→%s", c.Func, name(d))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
