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

// A supervisord program runs `uwsgi /etc/wisdom/uwsgi.ini` in an image that
// COPYs deploy/app-uwsgi.ini there: the ini's options are that server's,
// one server, not two. The image's ENV UWSGI_PROCESSES=10 is its processes
// option (uWSGI reads UWSGI_* variables as options), unless the ini sets
// processes itself: uWSGI reads the environment first, and the last setting
// wins (Debian's uWSGI 2.0.21 spawns 3 workers under UWSGI_PROCESSES=3 for an
// ini without processes, 2 for one with processes = 2).
func TestUwsgiEnvAndImageConfig(t *testing.T) {
	files := func(ini string) map[string]string {
		return map[string]string{"app.py": uwsgiApp,
			"wisdom.Containerfile": "FROM python\nENV PROMETHEUS_MULTIPROC_DIR=/var/run/m\nENV UWSGI_PROCESSES=10\n" +
				"COPY deploy/app-uwsgi.ini /etc/wisdom/uwsgi.ini\nCOPY conf/supervisord.conf /etc/supervisor/supervisord.conf\nCMD supervisord -n\n",
			"conf/supervisord.conf": "[program:uwsgi]\ncommand = /venv/bin/uwsgi /etc/wisdom/uwsgi.ini\n",
			"deploy/app-uwsgi.ini":  ini,
		}
	}
	tests := []struct {
		name, ini, procFile, procText string
		procs                         int
	}{
		{"processes from the image's environment", "[uwsgi]\nmodule = app:app\nmax-requests = 1000   ; recycle\n", "wisdom.Containerfile", "ENV UWSGI_PROCESSES=10", 10},
		{"the ini's processes wins", "[uwsgi]\nmodule = app:app\nprocesses = 2\n", "deploy/app-uwsgi.ini", "processes = 2", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := uwsgiProject(files(tt.ini)).Facts
			if len(fs.Uwsgi) != 1 || fs.Uwsgi[0].File.Path != "deploy/app-uwsgi.ini" {
				t.Fatalf("servers: %d, want the ini's alone", len(fs.Uwsgi))
			}
			u := fs.Uwsgi[0]
			n, expr, o := u.Processes()
			if n != tt.procs || expr || o == nil {
				t.Fatalf("processes %d expr=%v, want %d", n, expr, tt.procs)
			}
			if f := u.FileOf(*o); f.Path != tt.procFile || f.Text(o.Span) != tt.procText {
				t.Errorf("processes set at %s %q, want %s %q", f.Path, f.Text(o.Span), tt.procFile, tt.procText)
			}
			if !fs.MultiWorker || !fs.Multiprocess {
				t.Errorf("multi=%v multiprocess=%v, want both", fs.MultiWorker, fs.Multiprocess)
			}
		})
	}
}
