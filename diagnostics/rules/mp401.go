package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
)

// InvalidMetricName reports names prometheus_client rejects.
var InvalidMetricName = &diagnostics.Rule{
	Code:     "MP401",
	Name:     "invalid-metric-name",
	Severity: diagnostics.Error,
	Title:    "Metric name is not a valid Prometheus name",
	Doc: "prometheus_client joins namespace, subsystem, name and unit with \"_\" and raises ValueError(\"Invalid " +
		"metric name\") at construction — at import time, so the app does not start — unless the result " +
		"matches [a-zA-Z_:][a-zA-Z0-9_:]*. Dashes, dots, spaces and a leading digit are the usual culprits.",
	Before: `LATENCY = Histogram("http-request-duration-seconds", "Latency")`,
	After:  `LATENCY = Histogram("http_request_duration_seconds", "Latency")`,
	Run: func(pass *diagnostics.Pass) {
		for _, decl := range namedDecls(pass.Project, pass.File) {
			full, _ := decl.FullName()
			if validMetricName(full) {
				continue
			}
			pass.Report(nameSpan(decl), "metric name %q is not valid (it must match [a-zA-Z_:][a-zA-Z0-9_:]*): prometheus_client raises ValueError: Invalid metric name", full)
		}
	},
}
