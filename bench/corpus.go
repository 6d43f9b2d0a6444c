package bench

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Corpus describes a generated Flask/prometheus project.
type Corpus struct {
	Modules int // app modules (each about LinesPer lines)
	// Noise adds files the prefilter must judge: keyword-free modules that
	// import app modules or use their metrics, plain utilities, settings
	// files, a config named only by a Procfile -c.
	Noise bool
}

// LinesPer is the approximate size of one generated app module.
const LinesPer = 200

// Generate writes the project under dir and returns the number of lines.
func Generate(dir string, c Corpus) (int, error) {
	lines := 0
	write := func(rel, text string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		lines += strings.Count(text, "\n")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		return nil
	}
	files := map[string]string{
		"requirements.txt": "flask==2.2.2\nprometheus-client==0.16.0\ngunicorn==20.1.0\nredis==4.3.4\n",
		"gunicorn.conf.py": "import os\n\nbind = \"0.0.0.0:8000\"\nworkers = 4\n\n\ndef on_starting(server):\n    pass\n",
		"app/__init__.py":  appInit(c.Modules),
		"app/metrics.py":   "from prometheus_client import Counter, Gauge\n\nSHARED_TOTAL = Counter(\"shared_total\", \"Shared\")\nSHARED_LIVE = Gauge(\"shared_live\", \"Shared gauge\")\n",
		"wsgi.py":          "from app import create_app\n\napplication = create_app()\n",
	}
	for i := 0; i < c.Modules; i++ {
		files[fmt.Sprintf("app/views/mod%04d.py", i)] = appModule(i)
	}
	files["app/views/__init__.py"] = ""
	if c.Noise {
		for rel, text := range noiseFiles(c.Modules) {
			files[rel] = text
		}
	}
	for rel, text := range files {
		if err := write(rel, text); err != nil {
			return 0, err
		}
	}
	return lines, nil
}

func appInit(n int) string {
	var b strings.Builder
	b.WriteString("from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    from app.views import mod%04d\n    app.register_blueprint(mod%04d.bp)\n", i, i)
	}
	b.WriteString("    return app\n")
	return b.String()
}

// PythonBytes is the size of the Python source under dir: what a corpus
// of twice the modules must double.
func PythonBytes(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(p) != ".py" {
			return err
		}
		info, err := e.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("python bytes: %w", err)
	}
	return n, nil
}

// appModule is one blueprint with metrics: some gauges lack a mode (MP301
// fires), some are counted up and down from another module, a few use
// invalid modes (MP302), and the module exposes nothing itself.
//
// Every name that carries the module's number carries it in four digits
// (moduleID), so that each module has the same length whatever its number:
// a corpus of 2,000 modules is then exactly twice one of 1,000 (with the
// numbers unpadded it was 2.018 times as many bytes, and every timing
// "at twice the corpus" was at 2.018 times).
func appModule(i int) string {
	id := moduleID(i)
	var b strings.Builder
	fmt.Fprintf(&b, "\"\"\"Views %s.\"\"\"\nimport time\n\nfrom flask import Blueprint, jsonify, request\nfrom prometheus_client import Counter, Gauge, Histogram\n\nfrom app.metrics import SHARED_TOTAL, SHARED_LIVE\n", id)
	prev := moduleID(i - 1)
	if i > 0 {
		fmt.Fprintf(&b, "from app.views.mod%s import IN_PROGRESS_%s\n", prev, prev)
	}
	fmt.Fprintf(&b, "\nbp = Blueprint(\"mod%s\", __name__)\n\n", id)
	fmt.Fprintf(&b, "REQUESTS_%s = Counter(\"mod%s_requests_total\", \"Requests\", [\"endpoint\", \"method\"])\n", id, id)
	fmt.Fprintf(&b, "LATENCY_%s = Histogram(\"mod%s_request_duration_seconds\", \"Latency\", [\"endpoint\"])\n", id, id)
	fmt.Fprintf(&b, "IN_PROGRESS_%s = Gauge(\"mod%s_in_progress\", \"In progress\")\n", id, id)
	mode := "livesum"
	if i%50 == 7 {
		mode = "livesumm"
	}
	fmt.Fprintf(&b, "QUEUE_%s = Gauge(\"mod%s_queue\", \"Queue\", multiprocess_mode=%q)\n\n", id, id, mode)
	for r := 0; r < 12; r++ {
		fmt.Fprintf(&b, "\n@bp.route(\"/m%s/r%d\", methods=[\"GET\", \"POST\"])\ndef view_%s_%d():\n", id, r, id, r)
		fmt.Fprintf(&b, "    start = time.time()\n    IN_PROGRESS_%s.inc()\n    try:\n", id)
		fmt.Fprintf(&b, "        REQUESTS_%s.labels(endpoint=\"r%d\", method=request.method).inc()\n", id, r)
		b.WriteString("        SHARED_TOTAL.inc()\n")
		if i > 0 {
			fmt.Fprintf(&b, "        IN_PROGRESS_%s.inc()\n        IN_PROGRESS_%s.dec()\n", prev, prev)
		}
		fmt.Fprintf(&b, "        payload = {\"module\": \"%s\", \"route\": %d, \"items\": [x * 2 for x in range(10) if x %% 3]}\n", id, r)
		b.WriteString("        if request.args.get(\"slow\"):\n            time.sleep(0.01)\n")
		fmt.Fprintf(&b, "        QUEUE_%s.set(len(payload[\"items\"]))\n        return jsonify(payload)\n", id)
		fmt.Fprintf(&b, "    finally:\n        IN_PROGRESS_%s.dec()\n        LATENCY_%s.labels(endpoint=\"r%d\").observe(time.time() - start)\n", id, id, r)
	}
	return b.String()
}

// moduleID is module i's number in four digits: every module of a corpus
// under 10,000 modules has names of the same length.
func moduleID(i int) string { return fmt.Sprintf("%04d", i) }

// noiseFiles are the cases the prefilter must not get wrong.
func noiseFiles(n int) map[string]string {
	out := map[string]string{
		// Keyword-free importer of an app module (import chains).
		"app/wsgi_chain.py": "from app.views import mod0000\n\nhandler = mod0000.bp\n",
		// Uses a metric of another module without naming any library.
		"app/tasks/cleanup.py": "from app.metrics import SHARED_LIVE\n\n\ndef run():\n    SHARED_LIVE.inc()\n    SHARED_LIVE.dec()\n",
		// Re-export through a keyword-free package init.
		"app/tasks/__init__.py": "from app.views.mod0000 import QUEUE_0000 as Q\n",
		"app/tasks/use_q.py":    "from app.tasks import Q\n\n\ndef tick():\n    Q.inc()\n",
		// Plain utilities.
		"app/util/strings.py":  "def slug(s):\n    return s.lower().replace(\" \", \"-\")\n",
		"app/util/timeouts.py": "def f():\n    timeout = 3\n    user = \"x\"\n    return timeout, user\n",
		// A settings file by content only (two top-level settings).
		"deploy/settings_like.py": "workers = 2\nthreads = 4\n",
		// Odd indentation that tree-sitter puts at module level.
		"deploy/odd_indent.py": "import os\n    workers = 3\n    bind = \"x\"\n",
		// A config named only by the Procfile's -c, holding only a hook.
		"deploy/hooks_only.py": "def child_exit(server, worker):\n    pass\n",
		"Procfile":             "web: gunicorn -c deploy/hooks_only.py wsgi:application\n",
		// Env gate without any library name.
		"app/gate.py": "import os\n\nif os.environ.get(\"SERVER_SOFTWARE\", \"\").startswith(\"gunicorn\"):\n    MODE = 1\n",
		// A run-separately script named by python in a shell file.
		"scripts/job.py": "import sys\n\nprint(sys.argv)\n",
		"scripts/run.sh": "#!/bin/sh\npython scripts/job.py\n",
	}
	for i := 0; i < n/10+1; i++ {
		out[fmt.Sprintf("lib/plain%03d.py", i)] = fmt.Sprintf("import os\nimport json\n\n\ndef load_%d(path, timeout=5):\n    with open(path) as f:\n        return json.load(f)\n", i)
	}
	return out
}

// BigModule is one relevant module of about n lines: blueprint routes that
// use prometheus metrics, with a comment line in every block for edits.
func BigModule(n int) string {
	var b strings.Builder
	b.WriteString("from flask import Blueprint, request\nfrom prometheus_client import Counter, Gauge\n\nbp = Blueprint(\"big\", __name__)\n")
	b.WriteString("HITS = Counter(\"big_hits_total\", \"Hits\", [\"route\"])\nBUSY = Gauge(\"big_busy\", \"Busy\")\n\n")
	for i := 0; strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, "\n# note %d\n@bp.route(\"/r%d\")\ndef route_%d():\n    BUSY.inc()\n    try:\n        HITS.labels(route=\"r%d\").inc()\n        return {\"n\": %d, \"q\": request.args.get(\"q\")}\n    finally:\n        BUSY.dec()\n", i, i, i, i, i)
	}
	return b.String()
}
