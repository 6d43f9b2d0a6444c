package codeactions

import (
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/project"
	"gopkg.in/yaml.v3"
)

// deployTwice applies the deploy action and checks that a second run proposes no edit and
// nothing but the creates of files Scan does not read (the CLI skips those when they exist).
func deployTwice(t *testing.T, files map[string]string) (map[string]string, SetupAction) {
	t.Helper()
	p := projectFiles(t, files)
	a := DeployAction(p)
	out := applied(t, p, a.Fix)
	again := DeployAction(projectFiles(t, out))
	if len(again.Fix.Edits) != 0 {
		t.Errorf("second run edits again: %+v", again.Fix.Edits)
	}
	for _, c := range again.Fix.Creates {
		if _, exists := out[c.Path]; !exists || project.Classify(c.Path) != project.KindOther {
			t.Errorf("second run creates %s", c.Path)
		}
	}
	return out, a
}

// A project with no deploy files gets the scrape config and the three snippets; promtool
// accepts the config, the compose snippet is YAML, and no snippet reads as a deploy file (an
// unmerged snippet must not make the variable look set).
func TestDeployCreatesSnippets(t *testing.T) {
	out, a := deployTwice(t, filesOfArchive(rawShop))
	if a.Kind != KindDeploy || len(a.Fix.Edits) != 0 {
		t.Fatalf("action %+v", a)
	}
	for _, path := range []string{PrometheusConfigPath, DockerSnippetPath, ComposeSnippetPath, SystemdSnippetPath("demo")} {
		if out[path] == "" {
			t.Fatalf("%s not created; have %v", path, keys(out))
		}
		if path != PrometheusConfigPath && project.Classify(path) != project.KindOther {
			t.Errorf("%s is read as a deploy file", path)
		}
	}
	promtoolCheck(t, out[PrometheusConfigPath])
	// The port gunicorn binds; the directory the gunicorn config already names.
	mustContain(t, PrometheusConfigPath, out[PrometheusConfigPath], `"localhost:8080"`, `application: "demo"`)
	mustContain(t, DockerSnippetPath, out[DockerSnippetPath], "ENV PROMETHEUS_MULTIPROC_DIR=/run/shop/prom", "rm -rf", "shop:create_app()")
	mustContain(t, "systemd snippet", out[SystemdSnippetPath("demo")], "Environment=PROMETHEUS_MULTIPROC_DIR=/run/shop/prom", "ExecStartPre=/bin/rm -rf")
	var compose struct {
		Services map[string]struct {
			Environment map[string]string
			Tmpfs       []string
		}
	}
	if err := yaml.Unmarshal([]byte(out[ComposeSnippetPath]), &compose); err != nil {
		t.Fatalf("compose snippet: %v", err)
	}
	if web := compose.Services["web"]; web.Environment[project.EnvVar] != "/run/shop/prom" || len(web.Tmpfs) != 1 {
		t.Errorf("compose snippet %+v", compose)
	}
	q := projectFiles(t, out)
	if len(q.Facts.EnvSets) != 1 { // only the gunicorn config's setdefault
		t.Errorf("snippets count as setting the variable: %+v", q.Facts.EnvSets)
	}
}

func filesOfArchive(a string) map[string]string {
	m := map[string]string{}
	for _, part := range strings.Split(a, "\n-- ")[1:] {
		name, body, _ := strings.Cut(part, " --\n")
		m[name] = body
	}
	return m
}

// The exporter project's own Dockerfile and compose file are edited, not replaced: an ENV line
// in the final stage before CMD, and environment + tmpfs on the service that is built; the
// facts then see the variable set in both.
func TestDeployEditsDockerfileAndCompose(t *testing.T) {
	out, a := deployTwice(t, filesOfArchive(exporterCatalog))
	for _, c := range a.Fix.Creates {
		if c.Path != PrometheusConfigPath {
			t.Errorf("created %s although the project has deploy files", c.Path)
		}
	}
	promtoolCheck(t, out[PrometheusConfigPath])
	mustContain(t, PrometheusConfigPath, out[PrometheusConfigPath], `"web:5000"`, `job_name: "catalog"`)

	df := out["Dockerfile"]
	env := strings.Index(df, "ENV PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc-catalog\n")
	if env < 0 || env < strings.LastIndex(df, "FROM ") || env > strings.Index(df, `CMD ["gunicorn"`) {
		t.Errorf("Dockerfile:\n%s", df)
	}
	if !strings.HasPrefix(df, "FROM python:3.11 AS build\nRUN pip wheel -w /wheels flask\nCMD [\"echo\", \"build stage\"]\n") {
		t.Errorf("build stage changed:\n%s", df)
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string
			Tmpfs       []string
			Ports       []string
		}
	}
	if err := yaml.Unmarshal([]byte(out["docker-compose.yml"]), &compose); err != nil {
		t.Fatalf("compose: %v\n%s", err, out["docker-compose.yml"])
	}
	web := compose.Services["web"]
	if web.Environment[project.EnvVar] != "/tmp/prometheus-multiproc-catalog" || web.Environment["LOG_LEVEL"] != "info" ||
		len(web.Tmpfs) != 1 || web.Tmpfs[0] != "/tmp/prometheus-multiproc-catalog" || len(web.Ports) != 1 {
		t.Errorf("compose web = %+v\n%s", web, out["docker-compose.yml"])
	}
	if _, ok := compose.Services["redis"]; !ok || compose.Services["redis"].Environment != nil {
		t.Errorf("redis service touched:\n%s", out["docker-compose.yml"])
	}
	q := projectFiles(t, out)
	how := map[string]bool{}
	for _, e := range q.Facts.EnvSets {
		how[e.How] = e.ReachesMaster
	}
	if !how["Dockerfile ENV"] || !how["compose"] {
		t.Errorf("facts after the edit: %+v", q.Facts.EnvSets)
	}
}

func TestDeployComposeLayouts(t *testing.T) {
	cases := map[string]string{
		"list env":   "services:\n  app:\n    command: gunicorn -w 4 app:app\n    environment:\n      - A=1\n",
		"no env":     "services:\n  app:\n    image: x\n    command: [\"gunicorn\", \"app:app\"]\n",
		"no newline": "services:\n  app:\n    command: gunicorn app:app\n    environment:\n      A: \"1\"",
		"crlf":       "services:\r\n  app:\r\n    command: gunicorn app:app\r\n    environment:\r\n      A: \"1\"\r\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			out, _ := deployTwice(t, map[string]string{"app.py": "from flask import Flask\napp = Flask(__name__)\n", "compose.yaml": src})
			if !composeSetsVar([]byte(out["compose.yaml"]), "app") {
				t.Errorf("variable not set:\n%s", out["compose.yaml"])
			}
			if strings.Contains(src, "\r\n") && strings.Count(out["compose.yaml"], "\n") != strings.Count(out["compose.yaml"], "\r\n") {
				t.Errorf("line endings mixed: %q", out["compose.yaml"])
			}
		})
	}
	// Flow style is left to the user, with a note.
	p := projectFiles(t, map[string]string{"compose.yaml": "services:\n  app: {command: gunicorn app:app, environment: {A: 1}}\n"})
	a := DeployAction(p)
	if len(a.Fix.Edits) != 0 || len(a.Notes) == 0 || !strings.Contains(strings.Join(a.Notes, "\n"), "by hand") {
		t.Errorf("flow style: %+v", a)
	}
}

func TestDeploySystemdUnit(t *testing.T) {
	unit := "[Unit]\nDescription=shop\n\n[Service]\nUser=shop\nWorkingDirectory=/srv/shop\nExecStart=/srv/shop/venv/bin/gunicorn -w 4 -b 127.0.0.1:9000 shop:app\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n"
	out, a := deployTwice(t, map[string]string{"shop.service": unit, "shop/__init__.py": "from flask import Flask\napp = Flask(__name__)\n"})
	want := "[Unit]\nDescription=shop\n\n[Service]\nEnvironment=PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc-demo\nUser=shop\nWorkingDirectory=/srv/shop\n" +
		"# multiprom: start every run with an empty multiprocess directory.\nExecStartPre=/bin/rm -rf /tmp/prometheus-multiproc-demo\nExecStartPre=/bin/mkdir -p /tmp/prometheus-multiproc-demo\n" +
		"ExecStart=/srv/shop/venv/bin/gunicorn -w 4 -b 127.0.0.1:9000 shop:app\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n"
	if out["shop.service"] != want {
		t.Errorf("unit:\n%s", out["shop.service"])
	}
	mustContain(t, PrometheusConfigPath, out[PrometheusConfigPath], `"localhost:9000"`)
	if len(a.Notes) == 0 {
		t.Errorf("no note that nothing wipes the directory at gunicorn start")
	}
	q := projectFiles(t, out)
	if !q.Facts.EnvVarSet() {
		t.Errorf("facts: variable not set after the edit")
	}
}

// GunicornPrometheusMetrics serves metrics on its own port from when_ready: that is the target.
func TestDeployTargetExporterPort(t *testing.T) {
	p := projectFiles(t, map[string]string{
		"gunicorn.conf.py": "bind = \"0.0.0.0:8000\"\nworkers = 4\n\n\ndef when_ready(server):\n    from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics\n    GunicornPrometheusMetrics.start_http_server_when_ready(9200)\n",
		"app.py":           "from flask import Flask\nfrom prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics\napp = Flask(__name__)\n",
	})
	if got := scrapeTarget(p); got != "localhost:9200" {
		t.Errorf("target %q", got)
	}
}

// SetupActions offers the three steps in order and ApplySetup never creates a file twice.
func TestSetupActionsAll(t *testing.T) {
	p := projectOf(t, exporterCatalog)
	as := SetupActions(p)
	var kinds []string
	for _, a := range as {
		kinds = append(kinds, a.Kind)
	}
	if strings.Join(kinds, " ") != KindDashboard+" "+KindRequirements+" "+KindDeploy {
		t.Fatalf("kinds %v", kinds)
	}
	out := applied(t, p, as[0].Fix, as[1].Fix, as[2].Fix)
	mustContain(t, "pyproject.toml", out["pyproject.toml"], `"prometheus-flask-exporter==0.23.0",`+"\n"+`    "prometheus_client>=0.19.0",`)
	if out["grafana/catalog-dashboard.json"] == "" {
		t.Errorf("no dashboard")
	}
}
