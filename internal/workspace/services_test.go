package workspace

import (
	"sort"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/project"
)

// files makes the files of a workspace as a scan loads them: a Dockerfile
// that a compose build names (web/docker/web) is read as one.
func files(m map[string]string) []*project.File {
	var out []*project.File
	for p, src := range m {
		k := project.Classify(p)
		if strings.HasSuffix(p, "docker/web") {
			k = project.KindDockerfile
		}
		out = append(out, &project.File{Path: p, Kind: k, Src: []byte(src)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// describe renders services as "dir: file file ..." lines.
func describe(svcs []*Service) string {
	var b strings.Builder
	for _, s := range svcs {
		var ps []string
		for _, f := range s.Files {
			ps = append(ps, f.Path)
		}
		sort.Strings(ps)
		b.WriteString("[" + s.Dir + "] " + strings.Join(ps, " ") + "\n")
	}
	return b.String()
}

func TestFind(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no server start: one service at the root", map[string]string{
			"app.py": "", "requirements.txt": "flask\n"},
			"[] app.py requirements.txt\n"},
		{"an entrypoint in docker/ belongs to the service around it", map[string]string{
			"Dockerfile":           "FROM python\nENTRYPOINT [\"docker/entrypoint.sh\"]\nCMD gunicorn app:app\n",
			"docker/entrypoint.sh": "#!/bin/sh\nexec gunicorn app:app\n",
			"app.py":               ""},
			"[] Dockerfile app.py docker/entrypoint.sh\n"},
		{"a root compose file builds two services and goes to both, with its env file", map[string]string{
			"docker-compose.yml":   "services:\n  api:\n    build: ./api\n    env_file: api.env\n  web:\n    build:\n      context: web\n      dockerfile: docker/web\n",
			"api.env":              "X=1\n",
			"api/Dockerfile":       "FROM python\nCMD [\"gunicorn\", \"app:app\"]\n",
			"api/app.py":           "",
			"web/docker/web":       "FROM python\nCMD gunicorn -w 4 wsgi:app\n",
			"web/wsgi.py":          "",
			"tools/lint.py":        "",
			"requirements-dev.txt": "pytest\n",
		},
			"[api] ../api.env ../docker-compose.yml ../requirements-dev.txt Dockerfile app.py\n[web] ../docker-compose.yml ../requirements-dev.txt docker/web wsgi.py\n"},
		{"uWSGI: a folder with a uWSGI ini is a service, so is a Procfile running uwsgi; another tool's ini is not", map[string]string{
			"shop/uwsgi.ini":  "[uwsgi]\nmodule = app:app\nprocesses = 4\n",
			"shop/app.py":     "",
			"api/Procfile":    "web: uwsgi --http :8000 -p 4 --module api:app\n",
			"api/api.py":      "",
			"tools/tox.ini":   "[tox]\nenvlist = py311\n",
			"tools/script.py": ""},
			"[api] Procfile api.py\n[shop] app.py uwsgi.ini\n"},
		{"an image named *.Containerfile assembles the uWSGI ini and the supervisord program it COPYs into one service", map[string]string{
			"web.Containerfile":              "FROM python\nCOPY app /srv/app\nCOPY tools/configs/uwsgi.ini /etc/app/uwsgi.ini\nCOPY tools/configs/supervisord.conf /etc/supervisor/supervisord.conf\nCMD supervisord -n\n",
			"tools/configs/uwsgi.ini":        "[uwsgi]\nmount = /=app.wsgi:application\nlazy-apps = true\n",
			"tools/configs/supervisord.conf": "[program:uwsgi]\ncommand = uwsgi /etc/app/uwsgi.ini\n",
			"app/wsgi.py":                    ""},
			"[] app/wsgi.py tools/configs/supervisord.conf tools/configs/uwsgi.ini web.Containerfile\n"},
		{"a uWSGI ini that mounts its app (mount = /=pkg.wsgi:application) serves from the app's folder", map[string]string{
			"deploy/uwsgi.ini": "[uwsgi]\nmount = /=shop.wsgi:application\nprocesses = 4\n",
			"shop/wsgi.py":     ""},
			"[] deploy/uwsgi.ini shop/wsgi.py\n"},
		{"nested: a Procfile service inside a gunicorn.conf.py one", map[string]string{
			"gunicorn.conf.py":        "workers = 2\n",
			"app.py":                  "",
			"worker/Procfile":         "web: gunicorn tasks:app\n",
			"worker/tasks.py":         "",
			"worker/requirements.txt": "celery\n",
			"requirements.txt":        "flask\n"},
			"[] app.py gunicorn.conf.py requirements.txt\n[worker] Procfile requirements.txt tasks.py\n"},
		{"an image that COPYs a supervisord program and a gunicorn config from two folders is one service", map[string]string{
			"web/Dockerfile":                      "FROM python\nWORKDIR /srv\nENV PROMETHEUS_MULTIPROC_DIR=/tmp\nCOPY ./setup/misc/supervisord.rds.conf /etc/supervisor/supervisord.conf\nCOPY ./server/starter.py ./server/gunicorn.conf.py /srv/\nENTRYPOINT [\"supervisord\", \"-c\", \"/etc/supervisor/supervisord.conf\"]\n",
			"web/setup/misc/supervisord.rds.conf": "[program:gunicorn]\ncommand=gunicorn starter:app\ndirectory=/srv\n",
			"web/server/gunicorn.conf.py":         "workers = 4\n",
			"web/server/starter.py":               "",
			"other/gunicorn.conf.py":              "workers = 2\n"},
			"[other] gunicorn.conf.py\n[web] Dockerfile server/gunicorn.conf.py server/starter.py setup/misc/supervisord.rds.conf\n"},
		{"a Dockerfile that copies the whole context joins nothing", map[string]string{
			"Dockerfile":           "FROM python\nCOPY . /app\nCMD python main.py\n",
			"api/gunicorn.conf.py": "workers = 4\n",
			"api/app.py":           ""},
			"[api] ../Dockerfile app.py gunicorn.conf.py\n"},
		{"a deploy file outside every service goes to the one service in the deepest folder it shares", map[string]string{
			"facilitator/app/envs/prod/gunicorn.conf.py":  "workers = 2\n",
			"facilitator/devops/files/docker-compose.yml": "services:\n  app:\n    image: facilitator\n    environment:\n      - PROMETHEUS_MULTIPROC_DIR=/m\n",
			"validator/app/envs/prod/gunicorn.conf.py":    "workers = 2\n",
			"validator/app/envs/dev/gunicorn.conf.py":     "workers = 1\n",
			"validator/envs/docker-compose.yml":           "services:\n  app:\n    image: validator\n",
			"ops/docker-compose.yml":                      "services:\n  app:\n    image: x\n"},
			"[facilitator/app/envs/prod] ../../../devops/files/docker-compose.yml gunicorn.conf.py\n[validator/app/envs/dev] gunicorn.conf.py\n[validator/app/envs/prod] gunicorn.conf.py\n"},
		{"a unit in a deploy folder serves the app module it names, from the folder above", map[string]string{
			"contrib/app.service": "[Service]\nExecStart=/opt/venv/bin/gunicorn --config /opt/app/gunicorn.py app:app\n",
			"contrib/gunicorn.py": "workers = 5\n",
			"app.py":              ""},
			"[] app.py contrib/app.service contrib/gunicorn.py\n"},
		{"a script that only prints gunicorn's path starts nothing", map[string]string{
			"tools/upgrade.sh": "#!/bin/sh\necho \"start it with:\"\necho \"  /opt/venv/bin/gunicorn\"\n",
			"app.py":           ""},
			"[] app.py tools/upgrade.sh\n"},
		{"a Dockerfile whose COPY sources are at the root is built from the root and assembles what it copies", map[string]string{
			"app/envs/prod/Dockerfile":       "FROM python\nWORKDIR /root/src\nCOPY ./app/src/ ./app/envs/prod/gunicorn.conf.py /root/src/\nCMD [\"gunicorn\", \"-c\", \"gunicorn.conf.py\"]\n",
			"app/envs/prod/gunicorn.conf.py": "workers = 4\n",
			"app/src/gunicorn.conf.py":       "",
			"app/src/project/wsgi.py":        ""},
			"[] app/envs/prod/Dockerfile app/envs/prod/gunicorn.conf.py app/src/gunicorn.conf.py app/src/project/wsgi.py\n"},
		{"a Dockerfile's context is where most of its COPY sources are (uv.lock is not scanned)", map[string]string{
			"app/envs/prod/Dockerfile":    "FROM python\nWORKDIR /root/src\nCOPY pyproject.toml uv.lock ./\nCOPY ./app/src/ ./app/envs/prod/entrypoint.sh /root/src/\nCMD [\"./entrypoint.sh\"]\n",
			"app/envs/prod/entrypoint.sh": "#!/bin/sh\nexec gunicorn -c gunicorn.conf.py\n",
			"app/src/gunicorn.conf.py":    "workers = 4\n",
			"app/src/project/wsgi.py":     "",
			"pyproject.toml":              "[project]\nname = \"x\"\n"},
			"[] app/envs/prod/Dockerfile app/envs/prod/entrypoint.sh app/src/gunicorn.conf.py app/src/project/wsgi.py pyproject.toml\n"},
		{"a uWSGI configuration in a deploy folder serves the module it names, from the folder holding both", map[string]string{
			"contrib/uwsgi.ini": "[uwsgi]\nmaster = true\nchdir = site\nmodule = site.wsgi\n",
			"site/site/wsgi.py": "",
			"site/site/urls.py": ""},
			"[] contrib/uwsgi.ini site/site/urls.py site/site/wsgi.py\n"},
		{"images built from the root that each copy one example in serve that example", map[string]string{
			"examples/a/Dockerfile": "FROM python\nADD . /tmp/latest\nRUN pip install /tmp/latest\nADD examples/a/server.py examples/a/config.py /var/flask/\nWORKDIR /var/flask\nCMD gunicorn -c config.py -w 4 server:app\n",
			"examples/a/server.py":  "",
			"examples/a/config.py":  "",
			"examples/b/Dockerfile": "FROM python\nADD . /tmp/latest\nADD examples/b/server.py /var/flask/\nWORKDIR /var/flask\nCMD uwsgi --http :4000 --module server:app --master --processes 4\n",
			"examples/b/server.py":  "",
			"pkg/__init__.py":       "",
			"tests/test_pkg.py":     ""},
			"[examples/a] Dockerfile config.py server.py\n[examples/b] Dockerfile server.py\n"},
		{"a build-time gunicorn install is no server start", map[string]string{
			"svc/Dockerfile": "FROM python\nRUN pip install gunicorn\nCMD python main.py\n",
			"svc/main.py":    ""},
			"[] svc/Dockerfile svc/main.py\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describe(Find(files(tt.files))); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRelTo(t *testing.T) {
	for _, tt := range []struct{ dir, p, want string }{
		{"api", "api/app.py", "app.py"},
		{"api", "docker-compose.yml", "../docker-compose.yml"},
		{"services/api", "services/web/x.env", "../web/x.env"},
		{"services/api", "ops/k8s.yaml", "../../ops/k8s.yaml"},
	} {
		if got := relTo(tt.dir, tt.p); got != tt.want {
			t.Errorf("relTo(%q, %q) = %q, want %q", tt.dir, tt.p, got, tt.want)
		}
		if back := Join(tt.dir, relTo(tt.dir, tt.p)); back != tt.p {
			t.Errorf("Join(%q, relTo) = %q, want %q", tt.dir, back, tt.p)
		}
	}
}

// A root compose file that builds several services is in each of their
// projects, and each sees only its own compose services: web's environment
// is not api's. The file is parsed and split by service once (a view per
// service, project.File.AtUnits), not once per service (bench/README.md,
// row 7).
func TestSharedComposeFileGivesEachServiceItsOwnPart(t *testing.T) {
	svcs := Find(files(map[string]string{
		"docker-compose.yml": "services:\n  api:\n    build: ./api\n  web:\n    build: ./web\n    environment:\n      PROMETHEUS_MULTIPROC_DIR: /tmp/m\n",
		"api/Dockerfile":     "FROM python\nCMD [\"gunicorn\", \"app:app\"]\n",
		"web/Dockerfile":     "FROM python\nCMD [\"gunicorn\", \"app:app\"]\n",
	}))
	got := map[string]string{}
	for _, s := range svcs {
		for _, f := range s.Files {
			if f.Path != "../docker-compose.yml" {
				continue
			}
			m := f.Deploy()
			var parts []string
			for _, b := range m.Builds {
				parts = append(parts, "build "+b.Unit)
			}
			for _, a := range m.Assigns {
				parts = append(parts, "env "+a.Name)
			}
			got[s.Dir] = strings.Join(parts, ", ")
		}
	}
	if got["api"] != "build api" || got["web"] != "build web, env PROMETHEUS_MULTIPROC_DIR" {
		t.Errorf("the compose file as each service sees it: %q", got)
	}
}
