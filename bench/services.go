package bench

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A services workspace (GenerateServices) is a monorepo of n services,
// services/s0000 … , each a small Flask app with prometheus metrics that
// gunicorn serves: even services start it from a Dockerfile, odd ones from
// a Procfile, and each has its gunicorn.conf.py and requirements.txt. A
// root docker-compose.yml builds every fourth service (those hold a
// Dockerfile). internal/workspace.Find sees exactly n services; mpbench
// times `multiprom check` of n and 2n, which the service model must keep
// linear.
//
// Every name that carries a service's number carries it in four digits, so
// each service has the same files and bytes whatever its number: a
// workspace of 2n services is then exactly twice one of n but for the
// compose file's first line (ComposeHeader), which every workspace has once.

// ComposeHeader is the first line of the root docker-compose.yml, the only
// bytes a services workspace does not have once per service or per
// service the compose file builds.
const ComposeHeader = "services:\n"

// ComposeEvery is how often the root compose file builds a service: it
// builds services 0, ComposeEvery, 2×ComposeEvery, …
const ComposeEvery = 4

// GenerateServices writes a workspace of n services (n ≤ 10,000) under dir,
// removed first.
func GenerateServices(dir string, n int) error {
	if n > 10000 {
		return fmt.Errorf("generate services: %d services: the numbers have four digits", n)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("generate services: %w", err)
	}
	write := func(rel, text string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("generate services: %w", err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return fmt.Errorf("generate services: %w", err)
		}
		return nil
	}
	var compose strings.Builder
	compose.WriteString(ComposeHeader)
	for i := 0; i < n; i++ {
		for rel, text := range serviceFiles(i) {
			if err := write(rel, text); err != nil {
				return err
			}
		}
		if i%ComposeEvery == 0 {
			id := moduleID(i)
			fmt.Fprintf(&compose, "  s%s:\n    build: ./services/s%s\n    ports:\n      - \"8000\"\n    environment:\n      SERVICE_ID: \"%s\"\n", id, id, id)
		}
	}
	return write("docker-compose.yml", compose.String())
}

// serviceDir is service i's folder, relative to the workspace root.
func serviceDir(i int) string { return "services/s" + moduleID(i) }

// serviceFiles are the files of service i, relative to the workspace root.
func serviceFiles(i int) map[string]string {
	id, d := moduleID(i), serviceDir(i)
	fs := map[string]string{
		d + "/requirements.txt": "flask==2.2.2\nprometheus-client==0.16.0\ngunicorn==20.1.0\n",
		d + "/gunicorn.conf.py": "import os\n\nbind = \"0.0.0.0:8000\"\nworkers = 4\n\n\ndef on_starting(server):\n    pass\n",
		d + "/metrics.py": fmt.Sprintf("from prometheus_client import Counter, Gauge, Histogram\n\n"+
			"REQUESTS = Counter(\"s%s_requests_total\", \"Requests\", [\"endpoint\"])\n"+
			"LATENCY = Histogram(\"s%s_request_duration_seconds\", \"Latency\", [\"endpoint\"])\n"+
			"IN_PROGRESS = Gauge(\"s%s_in_progress\", \"In progress\")\n"+
			"QUEUE = Gauge(\"s%s_queue\", \"Queue\", multiprocess_mode=\"livesum\")\n", id, id, id, id),
		d + "/app.py": fmt.Sprintf("import time\n\nfrom flask import Flask, jsonify\n\nfrom metrics import IN_PROGRESS, LATENCY, QUEUE, REQUESTS\n\n"+
			"app = Flask(\"s%s\")\n\n\n"+
			"@app.route(\"/s%s/items\")\ndef items():\n    start = time.time()\n    IN_PROGRESS.inc()\n    try:\n"+
			"        REQUESTS.labels(endpoint=\"items\").inc()\n        QUEUE.set(3)\n        return jsonify({\"service\": \"s%s\"})\n"+
			"    finally:\n        IN_PROGRESS.dec()\n        LATENCY.labels(endpoint=\"items\").observe(time.time() - start)\n", id, id, id),
	}
	if i%2 == 0 {
		fs[d+"/Dockerfile"] = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"gunicorn\", \"-c\", \"gunicorn.conf.py\", \"app:app\"]\n"
	} else {
		fs[d+"/Procfile"] = "web: gunicorn -c gunicorn.conf.py app:app\n"
	}
	return fs
}

// TreeSize is the number of files under dir and their bytes.
func TreeSize(dir string) (files int, bytes int64, err error) {
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err == nil {
			files++
			bytes += info.Size()
		}
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("tree size: %w", err)
	}
	return files, bytes, nil
}
