package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// PathCardinality reports exporter request metrics labelled by raw path.
var PathCardinality = &diagnostics.Rule{
	Code:       "MP108",
	Name:       "path-cardinality",
	Severity:   diagnostics.Warning,
	Frameworks: []frameworks.Framework{frameworks.Flask},
	Title:      "Exporter labels request metrics by URL path (unbounded series)",
	Doc: "prometheus_flask_exporter's group_by defaults to 'path': the request duration histogram gets one " +
		"label value per distinct URL, so /users/1, /users/2 … each create a full set of buckets. In " +
		"multiprocess mode every series is also a slot in every worker's file, so files and scrape time grow " +
		"with traffic. group_by='endpoint' (the view function) or 'url_rule' is bounded. A lambda as group_by " +
		"is an error: the exporter names the label after the function's __name__, \"<lambda>\", which " +
		"prometheus_client rejects with ValueError at start-up.",
	Before: `metrics = PrometheusMetrics(app)`,
	After:  `metrics = PrometheusMetrics(app, group_by="endpoint")`,
	Fix:    diagnostics.FixSafe,
	FixDoc: "Adds group_by=\"endpoint\", or replaces group_by='path' or a lambda with it.",
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		if project.IsTestFile(f) {
			return
		}
		for _, c := range exporterCalls(f.Py) {
			if c.HasSplat() {
				continue
			}
			if a := c.Keyword("export_defaults"); a != nil && a.Value.Text == "False" {
				continue // no default request metrics
			}
			if a := c.Keyword("group_by_endpoint"); a != nil && a.Value.Text == "True" {
				continue
			}
			fix := func(a *python.Arg) diagnostics.Fix {
				if a == nil {
					return diagnostics.Fix{Title: `Group request metrics by endpoint`, Edits: []diagnostics.Edit{diagnostics.AddKeyword(f, c, "group_by", `"endpoint"`)}}
				}
				return diagnostics.Fix{Title: `Group request metrics by endpoint`, Edits: []diagnostics.Edit{diagnostics.Replace(f, a.Value.Span(), `"endpoint"`)}}
			}
			a := c.Keyword("group_by")
			switch {
			case a == nil:
				pass.Report(c.Span(), "exporter without group_by labels request durations by URL path (the default): one series per distinct URL; use group_by=\"endpoint\"").AddFix(fix(nil))
			case a.Value.IsStr() && a.Value.Str() == "path":
				pass.Report(a.Span(), "group_by='path' labels request durations by URL path: one series per distinct URL; use group_by=\"endpoint\"").AddFix(fix(a))
			case a.Value.Kind() == "lambda":
				pass.Report(a.Span(), "group_by=lambda names the label \"<lambda>\", which prometheus_client rejects with ValueError at start-up; use group_by=\"endpoint\" or a named function").
					SetSeverity(diagnostics.Error).AddFix(fix(a))
			}
		}
	},
}
