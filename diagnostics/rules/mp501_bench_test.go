package rules

import (
	"context"
	"fmt"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// BenchmarkBusinessFix checks projects of n modules that each declare and
// use a business counter, with a per-request registry to wire the business
// module into: every module is a finding with a fix. ns/finding must stay
// flat from n=300 to n=3000 (each fix once walked every import, source and
// call of the project: 41× the time for 10× the modules).
func BenchmarkBusinessFix(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("modules=%d", n), func(b *testing.B) {
			p := project.NewProject(context.Background(), "/bench/shop", businessProjectFiles(n), config.Settings{})
			p.Metrics() // built once per project, not what is measured
			rules := []*diagnostics.Rule{BusinessCounterPerWorker}
			if got := diagnostics.Check(p, rules, nil); len(got) != n || len(got[0].Fixes) != 1 {
				b.Fatalf("%d findings (fixes of the first: %d), want %d with a fix each", len(got), len(got[0].Fixes), n)
			}
			b.ResetTimer()
			for b.Loop() {
				diagnostics.Check(p, rules, nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/finding")
		})
	}
}

// businessProjectFiles is a multiprocess Flask app with Redis and n modules
// app/mI.py, each with a business counter it increments, plus the metrics
// view that builds the per-request registry.
func businessProjectFiles(n int) []*project.File {
	texts := map[string]string{
		"requirements.txt": "flask\nprometheus_client\ngunicorn\nredis\n",
		"gunicorn.conf.py": "workers = 4\n",
		"app/__init__.py":  "from flask import Flask\n\napp = Flask(__name__)\n",
		"app/views.py": "from prometheus_client import CollectorRegistry, generate_latest, multiprocess\n\nfrom app import app\n\n\n" +
			"@app.route(\"/metrics\")\ndef metrics():\n    registry = CollectorRegistry()\n    multiprocess.MultiProcessCollector(registry)\n    return generate_latest(registry)\n",
	}
	for i := 0; i < n; i++ {
		texts[fmt.Sprintf("app/m%d.py", i)] = fmt.Sprintf("from prometheus_client import Counter\n\nORDERS_%d = Counter(\"orders_%d_total\", \"Orders\")\n\n\ndef place():\n    ORDERS_%d.inc()\n", i, i, i)
	}
	var files []*project.File
	for path, text := range texts {
		files = append(files, &project.File{Path: path, Kind: project.Classify(path), Src: []byte(text)})
	}
	return files
}
