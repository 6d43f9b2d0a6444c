package project

import (
	"fmt"
	"github.com/multiprom/multiprom/internal/config"
	"strings"
	"testing"
)

// factsShapes are project shapes whose facts once cost time quadratic in
// their size n: each returns the files of a project of n items.
var factsShapes = []struct {
	name  string
	files func(n int) map[string]string
}{
	// n .env files and n modules: what loads .env was gathered per file.
	{"dotenv", func(n int) map[string]string {
		fs := map[string]string{"gunicorn.conf.py": "workers = 4\n"}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("env%d/.env", i)] = "PROMETHEUS_MULTIPROC_DIR=/tmp/x\n"
			fs[fmt.Sprintf("app/m%d.py", i)] = fmt.Sprintf("from prometheus_client import Counter\nC%d = Counter(\"c%d\", \"c\")\n", i, i)
		}
		return fs
	}},
	// One module of n gated calls: EnvGate split the file on every call.
	{"envgate", func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("import os\nfrom prometheus_client import CollectorRegistry, multiprocess\nMP = 'PROMETHEUS_MULTIPROC_DIR' in os.environ\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\ndef h%d():\n    r = CollectorRegistry()\n    try:\n        multiprocess.MultiProcessCollector(r)\n    except ValueError:\n        pass\n    if MP:\n        multiprocess.MultiProcessCollector(r)\n    return r\n", i)
		}
		return map[string]string{"gunicorn.conf.py": "workers = 4\n", "app/m.py": b.String()}
	}},
	// n services naming their config by an absolute image path.
	{"abscmds", func(n int) map[string]string {
		fs := map[string]string{}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("svc%d/run.sh", i)] = fmt.Sprintf("exec gunicorn -c /srv/app/svc%d/conf.py app:app\n", i)
			fs[fmt.Sprintf("svc%d/conf.py", i)] = "workers = 2\nthreads = 4\n"
		}
		return fs
	}},
	// n services with a config each, asked about by every file's rules.
	{"configs", func(n int) map[string]string {
		fs := map[string]string{}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("svc%d/gunicorn.conf.py", i)] = "workers = 4\n"
			fs[fmt.Sprintf("svc%d/app.py", i)] = "import os\nos.environ['PROMETHEUS_MULTIPROC_DIR'] = '/tmp/m'\n"
		}
		return fs
	}},
}

// BenchmarkFacts times the project facts, and the config questions rules
// ask for every file, at two sizes ten times apart: ns/item stays flat
// when nothing is quadratic in the items.
func BenchmarkFacts(b *testing.B) {
	for _, shape := range factsShapes {
		for _, n := range []int{300, 3000} {
			p := testProject(b, shape.files(n))
			b.Run(fmt.Sprintf("%s/n=%d", shape.name, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					fs := computeFacts(p, config.PyprojectInfo{})
					for _, f := range p.Files {
						fs.IsConfig(f)
					}
					for range fs.Configs {
						fs.HasCommandConfig()
						fs.LoadedConfigs()
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
			})
		}
	}
}
