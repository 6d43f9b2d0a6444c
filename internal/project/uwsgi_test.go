package project

import (
	"context"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
)

func uwsgiProject(files map[string]string) *Project {
	var fs []*File
	for path, src := range files {
		fs = append(fs, &File{Path: path, Kind: Classify(path), Src: []byte(src)})
	}
	return NewProject(context.Background(), "/x", fs, config.Settings{})
}

const uwsgiApp = "from flask import Flask\nfrom prometheus_client import Counter\napp = Flask(__name__)\nC = Counter('c', 'c')\n"

// A uWSGI server's processes make the project multi-worker (uWSGI's
// default is one process); its env = lines reach the master; exec-asap
// empties the directory at start-up; a gunicorn.conf.py is never assumed.
func TestUwsgiFacts(t *testing.T) {
	tests := []struct {
		name                     string
		files                    map[string]string
		multi, envSet, cleans    bool
		uwsgi                    bool
		anchorFile, anchorPrefix string
	}{
		{"ini with four processes", map[string]string{"app.py": uwsgiApp,
			"deploy/uwsgi.ini": "[uwsgi]\nmodule = app:app\nprocesses = 4\nmaster = true\n"},
			true, false, false, true, "deploy/uwsgi.ini", "processes = 4"},
		{"ini with one process and no count", map[string]string{"app.py": uwsgiApp,
			"uwsgi.ini": "[uwsgi]\nmodule = app:app\nthreads = 8\n"},
			false, false, false, true, "uwsgi.ini", "[uwsgi]"},
		{"ini with env and exec-asap", map[string]string{"app.py": uwsgiApp,
			"app.ini": "[uwsgi]\nenv = PROMETHEUS_MULTIPROC_DIR=/tmp/m\nexec-asap = mkdir -p $(PROMETHEUS_MULTIPROC_DIR) && rm -f $(PROMETHEUS_MULTIPROC_DIR)/*.db\nworkers = $(WORKERS)\n"},
			true, true, true, true, "app.ini", "workers = $(WORKERS)"},
		{"command line in a Procfile", map[string]string{"app.py": uwsgiApp,
			"Procfile": "web: uwsgi --http :8000 --master -p 4 --module app:app\n"},
			true, false, false, true, "Procfile", "web: uwsgi"},
		{"command line with one process", map[string]string{"app.py": uwsgiApp,
			"Procfile": "web: uwsgi --http=:8000 --processes=1 --master --module app:app\n"},
			false, false, false, true, "Procfile", "web: uwsgi"},
		{"an ini of another tool is no server", map[string]string{"app.py": uwsgiApp,
			"pytest.ini": "[pytest]\naddopts = -q\n"},
			false, false, false, false, "app.py", "Flask("},
		{"Dockerfile ENV reaches the uWSGI master", map[string]string{"app.py": uwsgiApp,
			"Dockerfile": "FROM python\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/m\nCMD [\"uwsgi\", \"--ini\", \"uwsgi.yaml\"]\n",
			"uwsgi.yaml": "uwsgi:\n  module: app:app\n  processes: 2\n"},
			true, true, false, true, "uwsgi.yaml", "  processes: 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := uwsgiProject(tt.files)
			fs := p.Facts
			if fs.MultiWorker != tt.multi || fs.EnvVarSet() != tt.envSet || (len(fs.Uwsgi) > 0) != tt.uwsgi {
				t.Errorf("multi=%v envSet=%v uwsgi=%v, want %v %v %v", fs.MultiWorker, fs.EnvVarSet(), len(fs.Uwsgi) > 0, tt.multi, tt.envSet, tt.uwsgi)
			}
			if fs.CleansAtStart() != tt.cleans {
				t.Errorf("cleans at start = %v, want %v", fs.CleansAtStart(), tt.cleans)
			}
			at := fs.MissingAnchor()
			if at == nil || at.File.Path != tt.anchorFile || len(at.File.Text(at.Span)) < len(tt.anchorPrefix) || at.File.Text(at.Span)[:len(tt.anchorPrefix)] != tt.anchorPrefix {
				t.Errorf("anchor %v, want %s at %q", at, tt.anchorFile, tt.anchorPrefix)
			}
		})
	}
}
