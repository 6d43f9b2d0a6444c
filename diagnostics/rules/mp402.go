package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
)

// InvalidLabelName reports label names prometheus_client rejects.
var InvalidLabelName = &diagnostics.Rule{
	Code:     "MP402",
	Name:     "invalid-label-name",
	Severity: diagnostics.Error,
	Title:    "Label name is invalid or reserved",
	Doc: "prometheus_client validates label names at construction and raises ValueError (so the module " +
		"fails to import) for a name not matching [a-zA-Z_][a-zA-Z0-9_]*, a name starting with \"__\" " +
		"(reserved for Prometheus' internal use), \"le\" on a Histogram (its bucket label), \"quantile\" on " +
		"a Summary, and an Enum label equal to the Enum's own name (its state label).",
	Before: `LATENCY = Histogram("request_duration_seconds", "Latency", ["le", "http-method"])`,
	After:  `LATENCY = Histogram("request_duration_seconds", "Latency", ["bound", "http_method"])`,
	Run: func(pass *diagnostics.Pass) {
		for _, decl := range pass.Project.Metrics().DeclsIn(pass.File) {
			name, _ := decl.NameArg()
			for _, l := range declLabels(decl) {
				why := ""
				switch {
				case !validLabelName(l.Name):
					why = "is not a valid label name (it must match [a-zA-Z_][a-zA-Z0-9_]*)"
				case strings.HasPrefix(l.Name, "__"):
					why = "starts with \"__\", which is reserved for Prometheus' internal use"
				case l.Name == "le" && decl.Type == "Histogram":
					why = "is reserved on a Histogram (the bucket bound)"
				case l.Name == "quantile" && decl.Type == "Summary":
					why = "is reserved on a Summary"
				case decl.Type == "Enum" && name != "" && l.Name == name:
					why = "is the Enum's own name, which it uses as the state label"
				default:
					continue
				}
				pass.Report(l.Span, "label %q %s: prometheus_client raises ValueError when %s is created", l.Name, why, declLabel(decl))
			}
		}
	},
}
