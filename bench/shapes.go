package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A Shape is a project layout that stresses one project-level part of a
// check: a population (files, configs, calls in one module, fixes) that a
// quadratic loop would compare with itself. The all-relevant corpus
// (Generate) grows every population a little; each shape grows one a lot.
// An audit in the eighth session found each of these 15–90× slower at ten
// times the size before it was fixed (bench/RESULTS.md).
type Shape struct {
	Name string
	What string // the population that grows
	// Fix: time the fixes too (check --diff): the shape stresses fix-all.
	Fix   bool
	files func(n int) map[string]string
}

const (
	shapeReqs      = "flask==2.2.2\nprometheus-client==0.16.0\ngunicorn==20.1.0\n"
	shapeReqsRedis = shapeReqs + "redis==4.3.4\n"
	shapeConf      = "import os\n\nbind = \"0.0.0.0:8000\"\nworkers = 4\n\n\ndef on_starting(server):\n    pass\n"
)

// Shapes are the layouts mpbench times at two sizes.
var Shapes = []Shape{
	{"gauges-one-file", "Gauges without a mode in one module, all fixed (--diff)", true, func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("from prometheus_client import Gauge\n\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "G%d = Gauge(\"g%d\", \"G\")\n", i, i)
		}
		b.WriteString("\n\ndef f():\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    G%d.inc()\n", i)
		}
		return map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf, "app/m.py": b.String()}
	}},
	{"import-chain", "modules without a library name, each importing the previous one (relevance spreads a link per round)", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf, "pkg/__init__.py": "",
			"pkg/c0.py": "from prometheus_client import Counter\n\nX = Counter(\"x\", \"x\")\n"}
		for i := 1; i < n; i++ {
			fs[fmt.Sprintf("pkg/c%d.py", i)] = fmt.Sprintf("from pkg import c%d\n\n\ndef h%d():\n    return c%d\n", i-1, i, i-1)
		}
		return fs
	}},
	{"scripts", "irrelevant modules and as many shell scripts (does a deploy file name the module?)", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("lib/u%d.py", i)] = fmt.Sprintf("def u%d(x):\n    return x + %d\n", i, i)
			fs[fmt.Sprintf("scripts/s%d.sh", i)] = fmt.Sprintf("#!/bin/sh\necho hello %d\nls -la /var/tmp/thing%d\n", i, i)
		}
		return fs
	}},
	{"dotenv", ".env files setting the directory, and as many modules", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("env%d/.env", i)] = "PROMETHEUS_MULTIPROC_DIR=/tmp/x\n"
			fs[fmt.Sprintf("app/m%d.py", i)] = fmt.Sprintf("from prometheus_client import Counter\n\nC%d = Counter(\"c%d\", \"c\")\n", i, i)
		}
		return fs
	}},
	{"collectors-one-file", "MultiProcessCollector calls in one module (is each behind an env gate?)", false, func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("from prometheus_client import CollectorRegistry, multiprocess\n\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\ndef h%d():\n    r = CollectorRegistry()\n    multiprocess.MultiProcessCollector(r)\n    return r\n", i)
		}
		return map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf, "app/m.py": b.String()}
	}},
	{"services", "services, each with its gunicorn.conf.py and app (a monorepo)", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("svc%d/gunicorn.conf.py", i)] = shapeConf
			fs[fmt.Sprintf("svc%d/app.py", i)] = fmt.Sprintf("from flask import Flask\nfrom prometheus_client import Counter\n\napp = Flask(__name__)\nC%d = Counter(\"c%d\", \"c\")\n", i, i)
		}
		return fs
	}},
	{"image-paths", "services whose script names its config by an absolute image path", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("svc%d/run.sh", i)] = fmt.Sprintf("#!/bin/sh\nexec gunicorn -c /srv/app/svc%d/conf.py app:app\n", i)
			fs[fmt.Sprintf("svc%d/conf.py", i)] = "workers = 2\nthreads = 4\n"
			fs[fmt.Sprintf("svc%d/app.py", i)] = "from flask import Flask\nfrom prometheus_client import Counter\n\napp = Flask(__name__)\n"
		}
		return fs
	}},
	{"settings-files", "settings-like modules that no command line loads", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("cfg/s%d.py", i)] = "workers = 2\nthreads = 4\n"
		}
		return fs
	}},
	{"env-sets", "modules that each set the directory in app code", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("app/m%d.py", i)] = fmt.Sprintf("import os\nos.environ.setdefault(\"PROMETHEUS_MULTIPROC_DIR\", \"/tmp/m%d\")\nfrom prometheus_client import Counter\n\nC%d = Counter(\"c%d\", \"c\")\n", i, i, i)
		}
		return fs
	}},
	{"preload-chain", "modules that set the directory after importing the previous one, under preload_app", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqs, "gunicorn.conf.py": shapeConf + "preload_app = True\n", "app/__init__.py": ""}
		for i := 0; i < n; i++ {
			prev := ""
			if i > 0 {
				prev = fmt.Sprintf("from app import m%d\n", i-1)
			}
			fs[fmt.Sprintf("app/m%d.py", i)] = fmt.Sprintf("%simport prometheus_client\nimport os\nos.environ.setdefault(\"PROMETHEUS_MULTIPROC_DIR\", \"/tmp/m\")\n", prev)
		}
		return fs
	}},
	{"business-counters", "modules with a business counter under Redis (MP501 and its fix)", false, func(n int) map[string]string {
		fs := map[string]string{"requirements.txt": shapeReqsRedis, "gunicorn.conf.py": shapeConf, "app/__init__.py": ""}
		for i := 0; i < n; i++ {
			fs[fmt.Sprintf("app/m%d.py", i)] = fmt.Sprintf("from prometheus_client import Counter\n\nORDERS_%d = Counter(\"orders_%d_total\", \"Orders\")\n\n\ndef place():\n    ORDERS_%d.inc()\n", i, i, i)
		}
		return fs
	}},
}

// GenerateShape writes shape s at size n under dir (removed first).
func GenerateShape(dir string, s Shape, n int) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("generate %s: %w", s.Name, err)
	}
	for rel, text := range s.files(n) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("generate %s: %w", s.Name, err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return fmt.Errorf("generate %s: %w", s.Name, err)
		}
	}
	return nil
}
