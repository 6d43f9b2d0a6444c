package deploy

import (
	"fmt"
	"strings"
	"testing"
)

// summary renders what a model says, one fact per line, for comparison.
func summary(m *Model) string {
	var b strings.Builder
	for _, c := range m.Commands {
		fmt.Fprintf(&b, "cmd %s dir=%q unit=%q: %s\n", c.Phase, c.Dir, c.Unit, strings.Join(c.Args, " "))
	}
	for _, a := range m.Assigns {
		fmt.Fprintf(&b, "env %s %s %s=%s known=%v\n", a.Phase, a.How, a.Name, a.Value, a.Known)
	}
	for _, c := range m.Cleanups {
		fmt.Fprintf(&b, "clean %s %s %s\n", c.Phase, c.How, c.Target)
	}
	for _, c := range m.Copies {
		fmt.Fprintf(&b, "copy %s -> %s\n", strings.Join(c.Sources, ","), c.Dest)
	}
	for _, r := range m.EnvFiles {
		fmt.Fprintf(&b, "envfile %s dir=%q\n", r.Path, r.Dir)
	}
	for _, r := range m.Dockerfiles {
		fmt.Fprintf(&b, "dockerfile %s dir=%q\n", r.Path, r.Dir)
	}
	for _, x := range m.Builds {
		fmt.Fprintf(&b, "build %s context=%s dockerfile=%s\n", x.Unit, x.Context, x.Dockerfile)
	}
	for _, p := range m.Problems {
		fmt.Fprintf(&b, "problem line %d: %s\n", p.Line, p.Msg)
	}
	return b.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		src  string
		want string
	}{
		{"build-time rm is not a start-up clean-up", Dockerfile,
			"FROM python:3.12\nRUN rm -rf /tmp/library-scripts\nCMD gunicorn app:app\n",
			"cmd build dir=\"\" unit=\"\": rm -rf /tmp/library-scripts\ncmd start dir=\"\" unit=\"\": gunicorn app:app\nclean build rm /tmp/library-scripts\nclean start tmpfs /dev/shm\n"},
		{"Dockerfile here-document is read whole, build-time", Dockerfile,
			"# syntax=docker/dockerfile:1.4\nFROM python:3.12\nRUN <<-EOF\n\tpip install -r requirements.txt\n\trm -rf /root/.cache\nEOF\nCMD [\"gunicorn\", \"app:app\"]\n",
			"cmd start dir=\"\" unit=\"\": gunicorn app:app\nclean start tmpfs /dev/shm\n"},
		{"compose bash -c body with variables", Compose,
			"services:\n  web:\n    environment:\n      DIR: /tmp/m\n    command: bash -c \"rm -rf $$DIR && mkdir -p $$DIR && exec gunicorn -c conf.py app:app\"\n",
			"cmd start dir=\"\" unit=\"web\": rm -rf /tmp/m\ncmd start dir=\"\" unit=\"web\": mkdir -p /tmp/m\ncmd start dir=\"\" unit=\"web\": gunicorn -c conf.py app:app\nenv start compose DIR=/tmp/m known=true\nclean start rm /tmp/m\n"},
		{"compose string command is split without a shell", Compose,
			"services:\n  web:\n    command: gunicorn -w 2 app:create_app()\n",
			"cmd start dir=\"\" unit=\"web\": gunicorn -w 2 app:create_app()\n"},
		{"compose list command, env list, env_file, build, tmpfs", Compose,
			"services:\n  api:\n    build:\n      context: ./api\n      dockerfile: docker/web\n    command: [\"gunicorn\", \"-w\", \"4\", \"app:app\"]\n    environment:\n      - PROMETHEUS_MULTIPROC_DIR=/run/prom\n    env_file: [.env.prod]\n    tmpfs:\n      - /run/prom:size=64m\n",
			"cmd start dir=\"\" unit=\"api\": gunicorn -w 4 app:app\nenv start compose PROMETHEUS_MULTIPROC_DIR=/run/prom known=true\nclean start tmpfs /run/prom\nenvfile .env.prod dir=\"\"\nbuild api context=./api dockerfile=docker/web\n"},
		{"Dockerfile WORKDIR, COPY and exec-form CMD", Dockerfile,
			"FROM python:3.12 AS base\nWORKDIR /app\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/prom \\\n    WORKERS=4\nCOPY app/config/ ./config\nCOPY requirements.txt .\nFROM base\nCMD [\"gunicorn\", \"-c\", \"config/config.py\", \"app:app\"]\n",
			"cmd start dir=\"/app\" unit=\"\": gunicorn -c config/config.py app:app\nenv start Dockerfile ENV PROMETHEUS_MULTIPROC_DIR=/tmp/prom known=true\nenv start Dockerfile ENV WORKERS=4 known=true\nclean start tmpfs /dev/shm\ncopy app/config -> /app/config\ncopy requirements.txt -> /app\n"},
		{"shell default assignment and exec gunicorn", Shell,
			"#!/bin/sh\nset -e\n: ${PROMETHEUS_MULTIPROC_DIR:=/tmp}\nrm -f \"$PROMETHEUS_MULTIPROC_DIR\"/*.db\nexec gunicorn -c gunicorn.conf.py app:app\n",
			"cmd start dir=\"\" unit=\"\": rm -f /tmp/*.db\ncmd start dir=\"\" unit=\"\": gunicorn -c gunicorn.conf.py app:app\nenv start shell PROMETHEUS_MULTIPROC_DIR=/tmp known=true\nclean start rm /tmp/*.db\n"},
		{"shell unknown variable stays symbolic; cd and source", Shell,
			"cd /srv/app\n. ./.env\nrm -rf \"${PROMETHEUS_MULTIPROC_DIR}\"\ndocker build -f docker/web .\nX=1 gunicorn app:app\n",
			"cmd start dir=\"/srv/app\" unit=\"\": rm -rf ${PROMETHEUS_MULTIPROC_DIR}\ncmd start dir=\"/srv/app\" unit=\"\": docker build -f docker/web .\ncmd start dir=\"/srv/app\" unit=\"\": gunicorn app:app\nclean start rm ${PROMETHEUS_MULTIPROC_DIR}\nenvfile ./.env dir=\"/srv/app\"\ndockerfile docker/web dir=\"/srv/app\"\n"},
		{"find -delete empties its folder; pwd is the working directory", Shell,
			"cd /srv\nfind /tmp/prom -name '*.db' -delete\nexport PROMETHEUS_MULTIPROC_DIR=$(pwd)/tmp\nrm -rf `pwd`/tmp\n",
			"cmd start dir=\"/srv\" unit=\"\": find /tmp/prom -name *.db -delete\ncmd start dir=\"/srv\" unit=\"\": rm -rf /srv/tmp\nenv start shell PROMETHEUS_MULTIPROC_DIR=/srv/tmp known=true\nclean start find /tmp/prom/*.db\nclean start rm /srv/tmp\n"},
		{"find -name narrows what it deletes", Shell,
			"find \"$PROMETHEUS_MULTIPROC_DIR\" -maxdepth 1 -type f -name 'gauge_live*_*.db' -delete\nfind /tmp/p -delete\n",
			"cmd start dir=\"\" unit=\"\": find ${PROMETHEUS_MULTIPROC_DIR} -maxdepth 1 -type f -name gauge_live*_*.db -delete\ncmd start dir=\"\" unit=\"\": find /tmp/p -delete\nclean start find ${PROMETHEUS_MULTIPROC_DIR}/gauge_live*_*.db\nclean start find /tmp/p/*\n"},
		{"a quoted or unshelled glob reaches rm unexpanded: no clean-up", Shell,
			"D=/tmp/m\nrm -f \"$D/*\"\nrm -f $D/*.db\nsh -c 'rm -f \"/x/*\"'\n",
			"cmd start dir=\"\" unit=\"\": rm -f /tmp/m/*\ncmd start dir=\"\" unit=\"\": rm -f /tmp/m/*.db\ncmd start dir=\"\" unit=\"\": rm -f /x/*\nenv start shell D=/tmp/m known=true\nclean start rm /tmp/m/*.db\n"},
		{"exec form rm with a glob removes nothing it names", Dockerfile,
			"FROM python\nCMD [\"rm\", \"-rf\", \"/tmp/prom/*\"]\n",
			"cmd start dir=\"\" unit=\"\": rm -rf /tmp/prom/*\nclean start tmpfs /dev/shm\n"},
		{"supervisord program", Supervisord,
			"[supervisord]\nnodaemon=true\n\n[program:web]\ncommand=gunicorn -w 4 app:app ; comment\ndirectory=/srv/app\nenvironment=PROMETHEUS_MULTIPROC_DIR=\"/tmp/m\",X=\"1,2\"\n",
			"cmd start dir=\"/srv/app\" unit=\"web\": gunicorn -w 4 app:app\nenv start supervisord PROMETHEUS_MULTIPROC_DIR=/tmp/m known=true\nenv start supervisord X=1,2 known=true\n"},
		{"systemd ExecStartPre clean-up through Environment", Systemd,
			"[Unit]\nDescription=web\n\n[Service]\nEnvironment=\"DIR=/run/m\" WORKERS=4\nWorkingDirectory=/srv/app\nExecStartPre=/bin/rm -rf ${DIR}\nExecStart=/usr/bin/gunicorn -w ${WORKERS} app:app\nEnvironmentFile=-/etc/web.env\n",
			"cmd start dir=\"/srv/app\" unit=\"\": /bin/rm -rf /run/m\ncmd start dir=\"/srv/app\" unit=\"\": /usr/bin/gunicorn -w 4 app:app\nenv start systemd DIR=/run/m known=true\nenv start systemd WORKERS=4 known=true\nclean start rm /run/m\nenvfile /etc/web.env dir=\"\"\n"},
		{"kubernetes emptyDir and env", Kubernetes,
			"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      volumes:\n        - name: prom\n          emptyDir: {}\n      containers:\n        - name: web\n          command: [\"gunicorn\"]\n          args: [\"-w\", \"4\", \"app:app\"]\n          env:\n            - name: PROMETHEUS_MULTIPROC_DIR\n              value: /prom\n          volumeMounts:\n            - name: prom\n              mountPath: /prom\n---\napiVersion: v1\nkind: Service\n",
			"cmd start dir=\"\" unit=\"web\": gunicorn -w 4 app:app\nenv start kubernetes PROMETHEUS_MULTIPROC_DIR=/prom known=true\nclean start emptyDir /prom\n"},
		{"Procfile", Procfile,
			"# processes\nweb: PROMETHEUS_MULTIPROC_DIR=/tmp/m gunicorn app:app\nworker: python -m app.worker\n",
			"cmd start dir=\"\" unit=\"web\": gunicorn app:app\ncmd start dir=\"\" unit=\"worker\": python -m app.worker\n"},
		{".env", Dotenv,
			"# comment\nexport PROMETHEUS_MULTIPROC_DIR=/tmp/m\nQUOTED=\"a b\"\n",
			"env start dotenv PROMETHEUS_MULTIPROC_DIR=/tmp/m known=true\nenv start dotenv QUOTED=a b known=true\n"},
		{"broken compose names its line", Compose,
			"services:\n  web:\n    command: [unclosed\n",
			"problem line 2: compose: did not find expected ',' or ']'\n"},
		{"broken script names its line", Shell,
			"echo ok\nif then\n",
			"problem line 2: shell: `if` must be followed by a statement list\n"},
		{"YAML that is not a manifest says nothing", Kubernetes,
			"name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summary(Parse(tt.kind, []byte(tt.src))); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	got, err := Words(`gunicorn -c "conf dir/g.py" --bind='0.0.0.0:8000' a\ b app:create_app()`)
	want := []string{"gunicorn", "-c", "conf dir/g.py", "--bind=0.0.0.0:8000", "a b", "app:create_app()"}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q (%v), want %q", got, err, want)
	}
}

// A function that calls itself several times is run a bounded number of
// times: a script is read, not executed to the end.
func TestSelfCallingFunctionIsBounded(t *testing.T) {
	m := Parse(Shell, []byte("f() { f; f; f; f; f; f; f; f; f; f; }\nf\nexec gunicorn app:app\n"))
	if n := len(m.Commands); n == 0 || m.Commands[n-1].Args[0] != "gunicorn" {
		t.Errorf("the command after the function was not read: %v", m.Commands)
	}
}
