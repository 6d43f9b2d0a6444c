package deploy

import (
	"fmt"
	"strings"
	"testing"
)

func optionSummary(src string, m *Model) string {
	var b strings.Builder
	for _, o := range m.Options {
		fmt.Fprintf(&b, "opt %s=%s @%q\n", o.Name, o.Value, src[o.Span.Start:o.Span.End])
	}
	return b.String() + summary(m)
}

func TestParseUwsgi(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"ini keeps repeated env lines, dashes and no inline comments",
			"[uwsgi]\nhttp = 127.0.0.1:8000\nenv = A=1\nprocesses = 4\nmaster = true\nenv = PROMETHEUS_MULTIPROC_DIR=/tmp/m ; not a comment\nlazy_apps\nno_orphans = 1\n\n[other]\nprocesses = 9\n",
			"opt http=127.0.0.1:8000 @\"http = 127.0.0.1:8000\"\n" +
				"opt env=A=1 @\"env = A=1\"\n" +
				"opt processes=4 @\"processes = 4\"\n" +
				"opt master=true @\"master = true\"\n" +
				"opt env=PROMETHEUS_MULTIPROC_DIR=/tmp/m ; not a comment @\"env = PROMETHEUS_MULTIPROC_DIR=/tmp/m ; not a comment\"\n" +
				"opt no-orphans=1 @\"no_orphans = 1\"\n" +
				"env start uWSGI env A=1 known=true\n" +
				"env start uWSGI env PROMETHEUS_MULTIPROC_DIR=/tmp/m ; not a comment known=true\n"},
		{"exec-asap clean-up through the env the file sets, $(VAR) form",
			"[uwsgi]\nenv = PROMETHEUS_MULTIPROC_DIR=/tmp/m\nexec-asap = rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)\n",
			"opt env=PROMETHEUS_MULTIPROC_DIR=/tmp/m @\"env = PROMETHEUS_MULTIPROC_DIR=/tmp/m\"\n" +
				"opt exec-asap=rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR) @\"exec-asap = rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)\"\n" +
				"cmd start dir=\"\" unit=\"\": rm -rf /tmp/m\ncmd start dir=\"\" unit=\"\": mkdir -p /tmp/m\n" +
				"env start uWSGI env PROMETHEUS_MULTIPROC_DIR=/tmp/m known=true\nclean start rm /tmp/m\n"},
		{"pre-app runs in every worker with lazy-apps: no start-up clean-up",
			"[uwsgi]\nlazy-apps = true\nhook-pre-app = exec:rm -rf /tmp/m\n",
			"opt lazy-apps=true @\"lazy-apps = true\"\nopt hook-pre-app=exec:rm -rf /tmp/m @\"hook-pre-app = exec:rm -rf /tmp/m\"\n"},
		{"pre-app runs once in the master without lazy-apps",
			"[uwsgi]\nhook-pre-app = exec:rm -rf /tmp/m\n",
			"opt hook-pre-app=exec:rm -rf /tmp/m @\"hook-pre-app = exec:rm -rf /tmp/m\"\ncmd start dir=\"\" unit=\"\": rm -rf /tmp/m\nclean start rm /tmp/m\n"},
		{"an ini of another tool says nothing", "[pytest]\naddopts = -q\n", ""},
		{"yaml with a list and a repeated key",
			"uwsgi:\n  processes: 4\n  env:\n    - A=1\n    - B=2\n  master: true\n",
			"opt processes=4 @\"  processes: 4\"\nopt env=A=1 @\"    - A=1\"\nopt env=B=2 @\"    - B=2\"\nopt master=true @\"  master: true\"\n" +
				"env start uWSGI env A=1 known=true\nenv start uWSGI env B=2 known=true\n"},
		{"yaml repeats a key as uWSGI's own reader allows",
			"uwsgi:\n  env: A=1\n  env: B=2\n",
			"opt env=A=1 @\"  env: A=1\"\nopt env=B=2 @\"  env: B=2\"\nenv start uWSGI env A=1 known=true\nenv start uWSGI env B=2 known=true\n"},
		{"yaml without uwsgi says nothing", "name: CI\n", ""},
	}
	cmd := Parse(Procfile, []byte("web: uwsgi --master --env PROMETHEUS_MULTIPROC_DIR=/tmp/m --env=A=1 -p 4 --module app:app\n"))
	want := "cmd start dir=\"\" unit=\"web\": uwsgi --master --env PROMETHEUS_MULTIPROC_DIR=/tmp/m --env=A=1 -p 4 --module app:app\n" +
		"env start uWSGI --env PROMETHEUS_MULTIPROC_DIR=/tmp/m known=true\nenv start uWSGI --env A=1 known=true\n"
	if got := summary(cmd); got != want {
		t.Errorf("uwsgi --env: got\n%s\nwant\n%s", got, want)
	}
	srv := UwsgiServers(cmd)
	if len(srv) != 1 || !srv[0].MultiWorker() || srv[0].Lazy() {
		t.Errorf("uwsgi -p 4 without lazy-apps: got %+v", srv)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := optionSummary(tt.src, Parse(Uwsgi, []byte(tt.src))); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// A command line names its configuration alone or with --ini, as uWSGI
// loads it; UWSGI_<OPTION> variables are options (uWSGI 2.0.21 with
// UWSGI_PROCESSES=3 spawns 3 workers for an ini without processes, and the
// ini's processes = 2 when it has one); number options read their leading
// digits, as uWSGI's strtol does, so an ini's "; comment" after a number
// does not hide it.
func TestUwsgiCommandFilesEnvAndNumbers(t *testing.T) {
	m := Parse(Supervisord, []byte("[program:uwsgi]\ncommand = /venv/bin/uwsgi /etc/app/uwsgi.ini --yaml extra.yml --ini=more.ini\n"))
	srv := UwsgiServers(m)
	if len(srv) != 1 || srv[0].Command == nil || srv[0].Command.Unit != "uwsgi" {
		t.Fatalf("servers: %+v", srv)
	}
	var files []string
	for _, o := range srv[0].ConfigFiles() {
		files = append(files, o.Name+"="+o.Value)
	}
	if got := strings.Join(files, " "); got != "ini=/etc/app/uwsgi.ini yaml=extra.yml ini=more.ini" {
		t.Errorf("config files: %s", got)
	}
	for name, want := range map[string]string{"UWSGI_PROCESSES": "processes", "UWSGI_MAX_REQUESTS": "max-requests", "UWSGI_RELOADS": "", "UWSGI_": "", "PROCESSES": ""} {
		if got, _ := UwsgiEnvOption(name); got != want {
			t.Errorf("UwsgiEnvOption(%s) = %q, want %q", name, got, want)
		}
	}
	ini := UwsgiServers(Parse(Uwsgi, []byte("[uwsgi]\nprocesses = 4                 ; four workers\n")))
	if n, expr, _ := ini[0].Processes(); n != 4 || expr {
		t.Errorf("processes with a trailing comment: %d expr=%v, want 4", n, expr)
	}
	if n, ok := UwsgiInt("$(WORKERS)"); ok {
		t.Errorf("UwsgiInt($(WORKERS)) = %d, want not a number", n)
	}
}
