package project

import (
	"sort"
	"strings"
	"testing"
)

// Which Python files run as their own process, not as gunicorn's app.
func TestStandalone(t *testing.T) {
	const flaskApp = "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == \"__main__\":\n    app.run()\n"
	const exporterScript = "from prometheus_client import start_http_server, Counter\nC = Counter('c', 'c')\n\nif __name__ == '__main__':\n    start_http_server(8000)\n"
	const wsgirefScript = "from wsgiref.simple_server import make_server\nfrom prometheus_client import make_wsgi_app\n\nif __name__ == '__main__':\n    make_server('', 8000, make_wsgi_app()).serve_forever()\n"
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"scripts beside the served app run on their own", map[string]string{
			"Procfile": "web: gunicorn -w 4 app:app\n", "app.py": flaskApp,
			"examples/exporter.py": exporterScript, "examples/wsgi_demo.py": wsgirefScript},
			"examples/exporter.py examples/wsgi_demo.py"},
		{"gunicorn serves a bare module's application", map[string]string{
			"Procfile":  "web: gunicorn -c config.py -w 4 -b 0.0.0.0:4000 server\n",
			"server.py": "from flask import Flask\napplication = Flask(__name__)\n\nif __name__ == \"__main__\":\n    application.run()\n"},
			""},
		{"a batch job that pushes its metrics runs on its own", map[string]string{
			"Procfile": "web: gunicorn -w 4 app:app\n", "app.py": flaskApp,
			"jobs/nightly.py": "from prometheus_client import CollectorRegistry, Gauge, push_to_gateway\nr = CollectorRegistry()\nGauge('done', 'd', registry=r).set(1)\npush_to_gateway('pg:9091', job='nightly', registry=r)\n"},
			"jobs/nightly.py"},
		{"a script the app imports is part of it", map[string]string{
			"Procfile": "web: gunicorn -w 4 app:app\n", "app.py": flaskApp + "import helpers\n",
			"helpers.py": exporterScript},
			""},
		{"without a command line, a module-level Flask app may be gunicorn's", map[string]string{
			"gunicorn.conf.py": "workers = 4\n", "app.py": flaskApp},
			""},
		{"a deploy command runs a module", map[string]string{
			"Procfile": "web: gunicorn app:app\nworker: python -m jobs.run\n", "app.py": flaskApp, "jobs/__init__.py": "", "jobs/run.py": "import os\n"},
			"jobs/run.py"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProject(t, tt.files)
			var got []string
			for path, is := range p.Facts.Standalone {
				if is {
					got = append(got, path)
				}
			}
			sort.Strings(got)
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("standalone = %q, want %q", g, tt.want)
			}
		})
	}
}

// gunicorn -e/--env NAME=value sets the variable for the master.
func TestGunicornEnvFlag(t *testing.T) {
	p := testProject(t, map[string]string{
		"Procfile": "web: gunicorn -w 4 --env PROMETHEUS_MULTIPROC_DIR=/tmp/m -e X=1 app:app\n",
		"app.py":   "from flask import Flask\napp = Flask(__name__)\n",
	})
	var sets []string
	for _, e := range p.Facts.EnvSets {
		sets = append(sets, e.How+" "+e.Value+" "+map[bool]string{true: "master", false: "workers"}[e.ReachesMaster])
	}
	if strings.Join(sets, ";") != "gunicorn --env /tmp/m master" {
		t.Errorf("env sets = %q", sets)
	}
}
