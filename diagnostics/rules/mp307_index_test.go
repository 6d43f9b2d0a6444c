package rules

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// claimVariants are what a file of TestDuplicateNamesFollowEdits holds:
// names that collide across and within files, through suffixes, on both
// sides of an if/else, off the default registry, or not at all.
var claimVariants = []string{
	"",
	"from prometheus_client import Counter\nJOBS = Counter('jobs', 'j')\n",
	"from prometheus_client import Gauge\nJOBS = Gauge('jobs_total', 'j', multiprocess_mode='livesum')\n",
	"from prometheus_client import Histogram, Counter\nLAT = Histogram('lat', 'l')\nN = Counter('lat_count', 'n')\n",
	"from prometheus_client import Counter\nif FLAG:\n    A = Counter('a', 'a')\nelse:\n    A = Counter('a', 'a')\n",
	"from prometheus_client import Counter, CollectorRegistry\nR = CollectorRegistry()\nJOBS = Counter('jobs', 'j', registry=R)\n",
	"from prometheus_client import Summary\nS = Summary('a', 's')\n",
	"from prometheus_client import Counter\nX = Counter('unique_%d', 'x')\n",
	"from prometheus_client import Counter\nX = Counter(NAME, 'x')\n",
}

// MP307 in a project derived from the last one (it keeps each unchanged
// file's hashed names and hashes the edited files again) must report what
// it reports in a project built afresh, edit after edit.
func TestDuplicateNamesFollowEdits(t *testing.T) {
	ctx := context.Background()
	paths := []string{"tests/test_metrics.py"}
	for i := 0; i < 40; i++ {
		paths = append(paths, fmt.Sprintf("app/m%02d.py", i))
	}
	rules := []*diagnostics.Rule{DuplicateMetricName}
	for seed := int64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewSource(seed))
		current := map[string]*project.File{}
		var prev *project.Project
		for step := 0; step < 80; step++ {
			edits := 1 + rng.Intn(3)
			if rng.Intn(10) == 0 {
				edits = 20
			}
			for ; edits > 0; edits-- {
				path := paths[rng.Intn(len(paths))]
				k := rng.Intn(len(claimVariants))
				if k == 0 {
					delete(current, path)
					continue
				}
				src := claimVariants[k]
				if strings.Contains(src, "%d") {
					src = fmt.Sprintf(src, step)
				}
				current[path] = &project.File{Path: path, Kind: project.KindPython, Src: []byte(src)}
			}
			files := func() []*project.File {
				var out []*project.File
				for _, f := range current {
					out = append(out, f)
				}
				return out
			}
			next := project.NewProjectFrom(ctx, prev, "/w", files(), config.Settings{})
			fresh := project.NewProject(ctx, "/w", files(), config.Settings{})
			got, want := describeFindings(diagnostics.Check(next, rules, nil)), describeFindings(diagnostics.Check(fresh, rules, nil))
			if got != want {
				t.Fatalf("seed %d step %d: derived project reports\n%s\nwant\n%s", seed, step, got, want)
			}
			prev = next
		}
	}
}

func describeFindings(ds []*diagnostics.Diagnostic) string {
	var b strings.Builder
	for _, f := range ds {
		fmt.Fprintf(&b, "%s:%d %s\n", f.Path, f.Span.Start, f.Message)
	}
	return b.String()
}
