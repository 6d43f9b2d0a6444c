package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
)

// metricTypeWords are the type names promlint refuses in metric names.
var metricTypeWords = []string{"counter", "gauge", "summary", "histogram", "gauge_histogram"}

// MetricNameStyle reports names against promtool's style checks.
var MetricNameStyle = &diagnostics.Rule{
	Code:     "MP405",
	Name:     "metric-name-style",
	Severity: diagnostics.Info,
	Title:    "Metric name style: camelCase, a type word, or _total on a non-counter",
	Doc: "promtool check metrics (and Prometheus' naming guide) wants snake_case metric and label names, " +
		"no metric type in the name (_counter, _gauge, _histogram, _summary: the type is metadata), and " +
		"_total only on counters, where it means \"a running total\" and is what rate() expects. " +
		"prometheus_client adds _total to Counter samples itself, so Counter(\"x_total\") is fine.",
	Before: `ActiveUsers = Gauge("activeUsers_gauge_total", "Active users")`,
	After:  `ACTIVE_USERS = Gauge("active_users", "Active users")`,
	Run: func(pass *diagnostics.Pass) {
		for _, decl := range namedDecls(pass.Project, pass.File) {
			full, _ := decl.FullName()
			var problems []string
			if camelCase(full) {
				problems = append(problems, "is camelCase (use snake_case)")
			}
			lower := strings.ToLower(full)
			for _, t := range metricTypeWords {
				if strings.Contains(lower, "_"+t+"_") || strings.HasSuffix(lower, "_"+t) {
					problems = append(problems, "includes the type word \""+t+"\"")
					break
				}
			}
			if decl.Type != "Counter" && strings.HasSuffix(full, "_total") {
				problems = append(problems, "ends in _total but is a "+decl.Type+" (_total marks counters)")
			}
			if len(problems) > 0 {
				pass.Report(nameSpan(decl), "metric name %q %s", full, strings.Join(problems, ", "))
			}
			for _, l := range declLabels(decl) {
				if camelCase(l.Name) {
					pass.Report(l.Span, "label name %q is camelCase: use snake_case", l.Name)
				}
			}
		}
	},
}
