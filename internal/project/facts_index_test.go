package project

import (
	"context"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/python"
)

// testProject builds a project from path → source; the kind comes from the
// path unless the path carries a "kind:" prefix ("other:app/conf.py").
func testProject(t testing.TB, files map[string]string) *Project {
	t.Helper()
	var fs []*File
	for rel, src := range files {
		kind := Classify(rel)
		if r, ok := strings.CutPrefix(rel, "other:"); ok {
			rel, kind = r, KindOther
		}
		fs = append(fs, &File{Path: rel, Kind: kind, Src: []byte(src)})
	}
	return NewProject(context.Background(), "/w", fs, config.Settings{})
}

// resolveConfigPath picks, for an absolute -c value, the longest Python
// file path that ends the value after a slash; a shorter path, a path cut
// inside a component and a non-Python file of the right path never win.
func TestResolveConfigPathAbsolute(t *testing.T) {
	p := testProject(t, map[string]string{
		"conf.py":                    "workers = 2\n",
		"app/conf.py":                "workers = 2\n",
		"srv/app/conf.py":            "workers = 2\n",
		"pp/other.py":                "workers = 2\n",
		"other:deep/srv/app/conf.py": "workers = 2\n",
		"svc/run.sh":                 "gunicorn -c /srv/app/conf.py app:app\n",
		"app/pkg/__init__.py":        "",
	})
	cmd := p.Facts.Commands[0]
	for _, c := range []struct{ v, want string }{
		{"/srv/app/conf.py", "srv/app/conf.py"},
		{"/deep/srv/app/conf.py", "srv/app/conf.py"}, // the longer match is not Python
		{"/opt/app/conf.py", "app/conf.py"},
		{"/opt/x/conf.py", "conf.py"},
		{"/opt/xapp/conf.py", "conf.py"}, // "app/conf.py" ends it, but not after a slash
		{"/app/pp/other.py", "pp/other.py"},
		{"/app//pp/./other.py", "pp/other.py"}, // cleaned first
		{"/opt/none.py", ""},
		{"/", ""},
		{"file:/x/srv/app/conf.py", "srv/app/conf.py"},
		{"python:app.pkg", "app/pkg/__init__.py"},
		{"../conf.py", "conf.py"}, // relative: tried against the command's directory, then the root
	} {
		got := ""
		if f := resolveConfigPath(p, cmd, c.v); f != nil {
			got = f.Path
		}
		if got != c.want {
			t.Errorf("resolveConfigPath(%q) = %q, want %q", c.v, got, c.want)
		}
	}
}

// The config index answers as a walk over Configs would, for configs,
// files that are not configs and files of no project.
func TestConfigIndexMatchesWalk(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no command": {
			"gunicorn.conf.py": "workers = 2\n", "settings/gunicorn_conf.py": "workers = 3\n",
			"app.py": "from flask import Flask\napp = Flask(__name__)\n", "tests/gunicorn.conf.py": "workers = 1\n",
		},
		"named by -c": {
			"Procfile": "web: gunicorn -c conf/prod.py app:app\n", "conf/prod.py": "workers = 4\nthreads = 2\n",
			"gunicorn.conf.py": "workers = 2\n", "cfg/s.py": "workers = 2\nthreads = 2\n", "app.py": "x = 1\n",
		},
		"no -c": {
			"Procfile": "web: gunicorn app:app\n", "gunicorn_conf.py": "workers = 4\nthreads = 2\n", "app.py": "x = 1\n",
		},
		"GUNICORN_CMD_ARGS": {
			"Dockerfile": "ENV GUNICORN_CMD_ARGS=\"-c /app/conf.py\"\nCMD gunicorn app:app\n", "conf.py": "workers = 2\nthreads = 2\n",
			"gunicorn.conf.py": "bind = ':80'\n",
		},
		"no config": {"app.py": "x = 1\n"},
	} {
		p := testProject(t, files)
		fs := p.Facts
		walk := *fs
		walk.configs = configIndex{} // as a Facts not made by computeFacts: answered by walking
		if !fs.configs.built {
			t.Fatalf("%s: config index not built", name)
		}
		outsider := &File{Path: "gunicorn.conf.py", Kind: KindPython}
		for _, f := range append(append([]*File{}, p.Files...), outsider, nil) {
			if got, want := fs.ConfigFor(f), walk.ConfigFor(f); got != want {
				t.Errorf("%s: ConfigFor(%v) = %v, want %v", name, f, got, want)
			}
			if got, want := fs.IsConfig(f), walk.IsConfig(f); got != want {
				t.Errorf("%s: IsConfig(%v) = %v, want %v", name, f, got, want)
			}
		}
		if got, want := fs.HasCommandConfig(), walk.HasCommandConfig(); got != want {
			t.Errorf("%s: HasCommandConfig = %v, want %v", name, got, want)
		}
		got, want := fs.LoadedConfigs(), walk.LoadedConfigs()
		if len(got) != len(want) || (got == nil) != (want == nil) {
			t.Fatalf("%s: LoadedConfigs = %v, want %v", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: LoadedConfigs[%d] = %v, want %v", name, i, got[i], want[i])
			}
		}
		if len(got) > 0 {
			_ = append(got, nil) // must not write into the shared slice
			if again := fs.LoadedConfigs(); cap(again) != len(again) {
				t.Errorf("%s: LoadedConfigs has room to append into", name)
			}
		}
	}
}

// A .env file reaches gunicorn only when something loads it; compose and
// systemd name it by any text that holds its base name.
func TestDotenvReachesMaster(t *testing.T) {
	const set = "PROMETHEUS_MULTIPROC_DIR=/tmp/m\n"
	for _, c := range []struct {
		name  string
		files map[string]string
		want  map[string]bool // env file → ReachesMaster
	}{
		{"nothing loads", map[string]string{".env": set, "prod.env": set}, map[string]bool{".env": false, "prod.env": false}},
		{"Procfile reads ./.env", map[string]string{".env": set, "prod.env": set, "Procfile": "web: gunicorn app:app\n"},
			map[string]bool{".env": true, "prod.env": false}},
		{"compose env_file", map[string]string{"a/.env": set, "prod.env": set, "dev.env": set,
			"docker-compose.yml": "services:\n  web:\n    env_file: config/prod.env\n"},
			map[string]bool{"a/.env": true, "prod.env": true, "dev.env": false}},
		{"compose without env_file", map[string]string{".env": set, "prod.env": set,
			"compose.yaml": "services:\n  web:\n    command: cat prod.env\n"},
			map[string]bool{".env": false, "prod.env": false}},
		{"systemd EnvironmentFile", map[string]string{"prod.env": set, "d.env": set, "x.env": set,
			"app.service": "[Service]\nEnvironmentFile=-/etc/app/prod.env\nEnvironment=X=x.env\n"},
			map[string]bool{"prod.env": true, "d.env": false, "x.env": false}}, // the unit loads prod.env: "d.env" only ends its name
		{"texts do not run together", map[string]string{"prod.env": set,
			"a.service": "[Service]\nEnvironmentFile=/etc/pro\n", "b.service": "[Service]\nEnvironmentFile=d.env\n"},
			map[string]bool{"prod.env": false}},
		{"sourced by a script", map[string]string{"config/prod.env": set, "prod.env.bak.env": set,
			"run.sh": "#!/bin/sh\nset -a\n. ./config/prod.env\nexec gunicorn app:app\n"},
			map[string]bool{"config/prod.env": true, "prod.env.bak.env": false}},
		{"sourced by a Dockerfile CMD", map[string]string{"prod.env": set, "other.env": set,
			"Dockerfile": "FROM python:3.12\nRUN echo hi \\\n  && source /app/other.env\nCMD . /app/prod.env && exec gunicorn app:app\n"},
			map[string]bool{"prod.env": true, "other.env": false}}, // a RUN sources it while building, not in the server's environment
		{"load_dotenv in the config", map[string]string{"prod.env": set,
			"gunicorn.conf.py": "from dotenv import load_dotenv\nload_dotenv()\nworkers = 2\n"},
			map[string]bool{"prod.env": true}},
		{"load_dotenv in app code", map[string]string{"prod.env": set,
			"app.py": "from dotenv import load_dotenv\nload_dotenv()\n"},
			map[string]bool{"prod.env": false}},
	} {
		p := testProject(t, c.files)
		got := map[string]bool{}
		for _, e := range p.Facts.EnvSets {
			if e.How == "dotenv" {
				got[e.File.Path] = e.ReachesMaster
			}
		}
		for path, want := range c.want {
			if r, ok := got[path]; !ok || r != want {
				t.Errorf("%s: %s reaches the master: %v (found %v), want %v", c.name, path, r, ok, want)
			}
		}
	}
}

// EnvGate reads the lines around the call the same way whatever the line
// endings, and follows a bare name to its first module-level assignment
// that tests the variable.
func TestEnvGate(t *testing.T) {
	const imp = "import os\nfrom prometheus_client import multiprocess, CollectorRegistry\n"
	for _, c := range []struct {
		name, src string
		want      Gate
	}{
		{"ungated", imp + "def f():\n    multiprocess.MultiProcessCollector(r)\n", Gate{}},
		{"if set", imp + "def f():\n    if 'PROMETHEUS_MULTIPROC_DIR' in os.environ:\n        multiprocess.MultiProcessCollector(r)\n", Gate{WhenSet: true}},
		{"else branch", imp + "def f():\n    if 'PROMETHEUS_MULTIPROC_DIR' in os.environ:\n        pass\n    else:\n        multiprocess.MultiProcessCollector(r)\n", Gate{WhenUnset: true}},
		{"name", imp + "MP = 'PROMETHEUS_MULTIPROC_DIR' in os.environ\ndef f():\n    if MP:\n        multiprocess.MultiProcessCollector(r)\n", Gate{WhenSet: true}},
		{"negated name", imp + "MP = 'PROMETHEUS_MULTIPROC_DIR' not in os.environ\ndef f():\n    if MP:\n        multiprocess.MultiProcessCollector(r)\n", Gate{WhenUnset: true}},
		{"first telling assignment wins", imp + "MP = False\nMP = 'PROMETHEUS_MULTIPROC_DIR' not in os.environ\nMP = 'PROMETHEUS_MULTIPROC_DIR' in os.environ\ndef f():\n    if MP:\n        multiprocess.MultiProcessCollector(r)\n", Gate{WhenUnset: true}},
		{"local assignment is no gate", imp + "def f():\n    MP = 'PROMETHEUS_MULTIPROC_DIR' in os.environ\n    if MP:\n        multiprocess.MultiProcessCollector(r)\n", Gate{}},
		{"early return", imp + "def f():\n    if not os.environ.get('PROMETHEUS_MULTIPROC_DIR'):\n        # fallback\n        return None\n    multiprocess.MultiProcessCollector(r)\n", Gate{WhenSet: true}},
		{"early return when set", imp + "def f():\n    if os.environ.get('prometheus_multiproc_dir'):\n        return None\n\n    multiprocess.MultiProcessCollector(r)\n", Gate{WhenUnset: true}},
		{"try except ValueError", imp + "def f():\n    try:\n        multiprocess.MultiProcessCollector(r)\n    except ValueError:\n        pass\n", Gate{Handled: true}},
		{"try else except", imp + "def f():\n    try:\n        multiprocess.MultiProcessCollector(r)\n    # note\n    except KeyError:\n        pass\n    except Exception:\n        pass\n", Gate{Handled: true}},
		{"try except other", imp + "def f():\n    try:\n        multiprocess.MultiProcessCollector(r)\n    except KeyError:\n        pass\n", Gate{}},
		{"in except", imp + "def f():\n    try:\n        pass\n    except ValueError:\n        multiprocess.MultiProcessCollector(r)\n", Gate{Handled: true}},
		{"last line, no newline", imp + "try:\n    multiprocess.MultiProcessCollector(r)\nexcept:\n    pass", Gate{Handled: true}},
	} {
		for _, eol := range []string{"\n", "\r\n"} {
			p := testProject(t, map[string]string{"app.py": strings.ReplaceAll(c.src, "\n", eol)})
			f := p.File("app.py")
			var call *python.Call
			for _, k := range f.Py.Select(appOrMultiprocCalls) {
				if multiprocCallee(k.Qualified()) {
					call = k
				}
			}
			if call == nil {
				t.Fatalf("%s: no call found", c.name)
			}
			if got := EnvGate(f, call); got != c.want {
				t.Errorf("%s (%q line ends): EnvGate = %+v, want %+v", c.name, eol, got, c.want)
			}
		}
	}
}
