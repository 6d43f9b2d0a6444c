package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/python"
)

// PushgatewayMultiproc reports pushes from a multiprocess app.
var PushgatewayMultiproc = &diagnostics.Rule{
	Code:     "MP310",
	Name:     "pushgateway-multiproc",
	Severity: diagnostics.Warning,
	Title:    "Pushing to a Pushgateway from gunicorn workers",
	Doc: "prometheus_client's multiprocess mode does not support the Pushgateway: each worker pushes only " +
		"what its own process holds, under the same job/grouping key, so the workers overwrite one " +
		"another and the gateway shows whichever pushed last. A long-running web app should be scraped " +
		"(a /metrics endpoint with a MultiProcessCollector); the Pushgateway is for batch jobs. A module " +
		"that a command line runs as its own process (python -m pkg.job, python job.py) is not " +
		"reported.",
	Before: `@app.route("/import")
def run_import():
    push_to_gateway("gateway:9091", job="import", registry=registry)`,
	After:   `# expose /metrics with a per-request registry + MultiProcessCollector and let Prometheus scrape it`,
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		m := f.Py
		if runsAsOwnProcess(pass.Project, f) {
			return
		}
		for _, c := range m.Select(gatewayCalls) {
			switch c.Qualified() {
			case "prometheus_client.push_to_gateway", "prometheus_client.pushadd_to_gateway",
				"prometheus_client.exposition.push_to_gateway", "prometheus_client.exposition.pushadd_to_gateway":
				pass.Report(c.Span(), "%s() from a multiprocess app: each worker pushes only its own values under the same grouping key and overwrites the others; expose /metrics and let Prometheus scrape it", pushName(c))
			}
		}
	},
}

func pushName(c *python.Call) string {
	if c.MethodName() != "" {
		return c.MethodName()
	}
	return c.Func
}
