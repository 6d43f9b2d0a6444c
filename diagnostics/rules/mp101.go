package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
)

// SingleProcessExporter reports PrometheusMetrics in a multi-worker project.
var SingleProcessExporter = &diagnostics.Rule{
	Code:       "MP101",
	Name:       "single-process-exporter",
	Severity:   diagnostics.Warning,
	Frameworks: []frameworks.Framework{frameworks.Flask},
	Title:      "PrometheusMetrics under multi-worker gunicorn exposes one worker's metrics per scrape",
	Doc: "prometheus_flask_exporter's PrometheusMetrics serves the registry of the process that answers the " +
		"request. Under gunicorn with several workers each scrape reaches a random worker, so request " +
		"counters jump between workers' values and look like resets to rate(). It aggregates only if " +
		"PROMETHEUS_MULTIPROC_DIR happens to be set before prometheus_client is imported, and even then " +
		"its /metrics shows only the answering worker's registry. The multiprocess classes " +
		"(GunicornInternalPrometheusMetrics) read every worker's files. They raise ValueError when the " +
		"variable is unset, so code that also runs under pytest or `flask run` gates them on it; " +
		"PrometheusMetrics in the fallback branch of such a gate is not reported.",
	Before: `metrics = PrometheusMetrics(app)`,
	After: `if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
    metrics = GunicornInternalPrometheusMetrics(app, defaults_prefix="flask", group_by="endpoint")
else:
    metrics = PrometheusMetrics(app, defaults_prefix="flask", group_by="endpoint", registry=CollectorRegistry())
metrics.info("app_info", "Application info", application="shop")`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Replaces the assignment with the gated exporter snippet (GunicornInternalPrometheusMetrics when " +
		"PROMETHEUS_MULTIPROC_DIR is set, else PrometheusMetrics on a private registry, plus app_info). When the " +
		"call passes arguments the snippet would change, it keeps them and only adds the gate. No fix when " +
		"the exporter is not assigned by a simple `name = PrometheusMetrics(...)` statement.",
	Applies: func(p *project.Project) bool { return p.Facts.MultiWorker },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		if standaloneOrTest(pass.Project, f) || pass.Project.Facts.IsConfig(f) {
			return
		}
		for _, c := range exporterCalls(f.Py) {
			class, factory, _ := exporterCtor(f.Py, c)
			if !singleProcessExporters[class] {
				continue
			}
			g := project.EnvGate(f, c)
			if g.WhenUnset || g.Handled {
				continue
			}
			pass.Report(c.Span(), "%s serves only the answering worker's metrics under multi-worker %s; use GunicornInternalPrometheusMetrics when PROMETHEUS_MULTIPROC_DIR is set", class, serverName(pass.Project)).
				AddFix(gatedExporterFix(pass, c, class, factory))
		}
	},
}
