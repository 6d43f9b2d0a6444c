package snippets

import (
	"strings"
	"testing"
)

// TestRawCreateAppTwice: under pytest/flask run (no PROMETHEUS_MULTIPROC_DIR) the raw block must
// survive create_app() twice in one process — the metric objects are module-level, so no
// "Duplicated timeseries" — and both apps must count their requests and serve /metrics from the
// default registry.
func TestRawCreateAppTwice(t *testing.T) {
	needPython(t, "flask", "prometheus_client")
	dir := demoProject(t, Params{Flavour: Raw, AppTag: "demo"})
	out := runPython(t, dir, baseEnv(), `
import demoapp
a = demoapp.create_app()
b = demoapp.create_app()
for app in (a, b):
    c = app.test_client()
    assert c.get("/").status_code == 200
    assert c.get("/boom").status_code == 500
body = b.test_client().get("/metrics").get_data(as_text=True)
print(body)
`)
	for _, want := range []string{
		`flask_http_request_total{method="GET",status="200"} 2.0`,
		`flask_http_request_total{method="GET",status="500"} 2.0`,
		`flask_http_request_duration_seconds_count{endpoint="boom",method="GET",status="500"} 2.0`,
		`flask_http_requests_in_progress 0.0`,
		`app_info{application="demo"} 1.0`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, out)
		}
	}
}

// fakeExporter mimics prometheus_flask_exporter 0.23 just enough to test the gate in the
// exporter block: the real package cannot be installed here (no PyPI). Like the real classes,
// PrometheusMetrics declares its default metrics on its registry (so two instances on one
// registry raise "Duplicated timeseries") and GunicornInternalPrometheusMetrics raises
// ValueError unless PROMETHEUS_MULTIPROC_DIR names a directory. It proves only the gating logic,
// not the real library's behaviour.
var fakeExporter = map[string]string{
	"prometheus_flask_exporter/__init__.py": `
from prometheus_client import REGISTRY, Counter


class PrometheusMetrics:
    def __init__(self, app, path="/metrics", defaults_prefix="flask", group_by="path", registry=REGISTRY):
        self.app, self.path, self.registry, self.group_by = app, path, registry, group_by
        Counter(defaults_prefix + "_http_request_total", "fake", ["method", "status"], registry=registry)
        app.config["METRICS_CLASS"] = type(self).__name__

    def info(self, name, description, **labels):
        from prometheus_client import Gauge

        Gauge(name, description, list(labels), registry=self.registry).labels(**labels).set(1)
`,
	"prometheus_flask_exporter/multiprocess.py": `
import os

from prometheus_client import CollectorRegistry

from . import PrometheusMetrics


class GunicornInternalPrometheusMetrics(PrometheusMetrics):
    def __init__(self, app, path="/metrics", **kwargs):
        if not os.path.isdir(os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")):
            raise ValueError("env PROMETHEUS_MULTIPROC_DIR must be set and be a directory")
        super().__init__(app, path=path, registry=CollectorRegistry(), **kwargs)


class GunicornPrometheusMetrics(GunicornInternalPrometheusMetrics):
    @classmethod
    def mark_process_dead_on_child_exit(cls, pid):
        pass
`,
}

// TestExporterGate: with the fake exporter, create_app() twice without the env var uses
// PrometheusMetrics on private registries (no exception); with the env var naming a directory
// the Gunicorn class is chosen; with it naming nothing the Gunicorn class's ValueError surfaces
// (the gate does not hide a misconfigured deployment).
func TestExporterGate(t *testing.T) {
	needPython(t, "flask", "prometheus_client")
	dir := demoProject(t, Params{Flavour: Exporter, AppTag: "demo"})
	writeFiles(t, dir, fakeExporter)
	out := runPython(t, dir, baseEnv(), `
import demoapp
a = demoapp.create_app()
b = demoapp.create_app()
print(a.config["METRICS_CLASS"], b.config["METRICS_CLASS"])
`)
	if strings.TrimSpace(out) != "PrometheusMetrics PrometheusMetrics" {
		t.Errorf("without the env var: got %q", out)
	}
	// Control: the fake does reproduce the failure the private registry avoids.
	out = runPython(t, dir, baseEnv(), `
from flask import Flask
from prometheus_flask_exporter import PrometheusMetrics
PrometheusMetrics(Flask("a"))
try:
    PrometheusMetrics(Flask("b"))
except ValueError as e:
    print("Duplicated" in str(e))
`)
	if strings.TrimSpace(out) != "True" {
		t.Errorf("fake exporter control: two instances on the default registry should collide, got %q", out)
	}
	mp := t.TempDir()
	out = runPython(t, dir, baseEnv("PROMETHEUS_MULTIPROC_DIR="+mp), `
import demoapp
print(demoapp.create_app().config["METRICS_CLASS"], demoapp.create_app().config["METRICS_CLASS"])
`)
	if strings.TrimSpace(out) != "GunicornInternalPrometheusMetrics GunicornInternalPrometheusMetrics" {
		t.Errorf("with the env var: got %q", out)
	}
	out = runPython(t, dir, baseEnv("PROMETHEUS_MULTIPROC_DIR="+mp+"/missing"), `
import demoapp
try:
    demoapp.create_app()
except ValueError as e:
    print("ValueError")
`)
	if strings.TrimSpace(out) != "ValueError" {
		t.Errorf("env var naming no directory: got %q, want the Gunicorn class's ValueError", out)
	}
}
