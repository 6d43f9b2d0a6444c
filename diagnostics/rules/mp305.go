package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// CustomCollectorMultiproc reports collectors registered on the default
// registry of a multiprocess project.
var CustomCollectorMultiproc = &diagnostics.Rule{
	Code:     "MP305",
	Name:     "custom-collector-multiproc",
	Severity: diagnostics.Warning,
	Title:    "Custom collector on the default registry is not in the multiprocess scrape",
	Doc: "A collector registered with REGISTRY.register(...) lives in the registry of each worker process. " +
		"A multiprocess scrape builds a fresh CollectorRegistry with a MultiProcessCollector, which reads " +
		"only the workers' value files: the collector is never asked, and its metrics are missing (or, " +
		"when the default registry is exposed, they come from whichever worker answered). Register it on " +
		"the per-request registry instead, next to the MultiProcessCollector, so it runs once per scrape.",
	Before: `REGISTRY.register(QueueCollector())`,
	After: `@app.route("/metrics")
def metrics():
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(QueueCollector())
    return generate_latest(registry)`,
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		m := pass.File.Py
		for _, c := range m.Select(defaultRegisterCalls) {
			arg := c.Positional(0)
			if arg == nil || onEnvUnsetBranch(pass.File, c) {
				continue
			}
			if arg.Kind() == "call" && strings.Contains(arg.Text, "MultiProcessCollector(") {
				continue // MP107's business
			}
			hint := "register it on the per-request registry next to the MultiProcessCollector"
			if at := perRequestRegistrySite(pass.Project); at != "" {
				hint = "register it on the per-request registry (" + at + ")"
			}
			pass.Report(c.Span(), "%s is registered on the default registry: a multiprocess scrape reads only the workers' files and never calls it; %s", strings.TrimSpace(arg.Text), hint)
		}
	},
}

// perRequestRegistrySite names the function that builds a registry with a
// MultiProcessCollector, "" if none.
func perRequestRegistrySite(p *project.Project) string {
	for _, f := range p.PythonFiles() {
		for _, c := range f.Py.Select(anyCollectorCalls) {
			if c.Scope != nil {
				if a := c.Positional(0); a != nil {
					return "in " + c.Scope.Name + "() at " + where(f, c.Span().Start) + ", on " + strings.TrimSpace(a.Text)
				}
			}
		}
	}
	return ""
}
