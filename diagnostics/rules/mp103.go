package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
)

// UngatedMultiprocExporter reports multiprocess exporter classes constructed
// unconditionally in app code.
var UngatedMultiprocExporter = &diagnostics.Rule{
	Code:       "MP103",
	Name:       "ungated-multiproc-exporter",
	Severity:   diagnostics.Warning,
	Frameworks: []frameworks.Framework{frameworks.Flask},
	Title:      "Multiprocess exporter class constructed without a PROMETHEUS_MULTIPROC_DIR gate",
	Doc: "GunicornPrometheusMetrics, GunicornInternalPrometheusMetrics and the Multiprocess* classes check " +
		"PROMETHEUS_MULTIPROC_DIR in their constructor (also through for_app_factory()) and raise " +
		"ValueError when it does not name a directory. The app module is also imported by pytest and " +
		"`flask run`, where the variable is normally unset, so the tests and the dev server crash at import. " +
		"(The set-up checklist's claim that the exporter \"falls back to single-process mode\" is wrong: " +
		"it raises.) Gate the class on the variable, with PrometheusMetrics as the fallback; a try/except " +
		"ValueError around it counts as a gate too.",
	Before: `metrics = GunicornInternalPrometheusMetrics(app)`,
	After: `if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
    metrics = GunicornInternalPrometheusMetrics(app, defaults_prefix="flask", group_by="endpoint")
else:
    metrics = PrometheusMetrics(app, defaults_prefix="flask", group_by="endpoint", registry=CollectorRegistry())`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Replaces the assignment with the gated exporter snippet (for the Internal classes with plain " +
		"arguments), or wraps the user's call in the same gate with PrometheusMetrics and the same arguments " +
		"as the fallback. No fix when the exporter is not assigned by a simple statement.",
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		if standaloneOrTest(pass.Project, f) || pass.Project.Facts.IsConfig(f) {
			return
		}
		for _, c := range exporterCalls(f.Py) {
			class, factory, _ := exporterCtor(f.Py, c)
			if !multiprocExporters[class] {
				continue
			}
			if project.EnvGate(f, c).Gated() {
				continue
			}
			pass.Report(c.Span(), "%s raises ValueError when PROMETHEUS_MULTIPROC_DIR is unset (pytest, flask run); gate it on the variable with PrometheusMetrics as the fallback", class).
				AddFix(gatedExporterFix(pass, c, class, factory))
		}
	},
}
