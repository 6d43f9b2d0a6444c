package rules

import (
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// InternalExporterHTTPServer reports start_http_server_when_ready on the
// Internal classes, where it only warns.
var InternalExporterHTTPServer = &diagnostics.Rule{
	Code:       "MP111",
	Name:       "internal-exporter-http-server",
	Severity:   diagnostics.Warning,
	Frameworks: []frameworks.Framework{frameworks.Flask},
	Title:      "start_http_server_when_ready on an Internal exporter class does nothing",
	Servers:    []string{"gunicorn"},
	Doc: "GunicornInternalPrometheusMetrics and MultiprocessInternalPrometheusMetrics serve /metrics from the " +
		"app itself. Their start_http_server_when_ready() is overridden to do nothing but emit a UserWarning " +
		"(\"… should not be called\"), so a when_ready hook calling it starts no server: a scrape config " +
		"pointing at that port gets connection refused.",
	Before: `def when_ready(server):
    GunicornInternalPrometheusMetrics.start_http_server_when_ready(9200)`,
	After:  `# (no when_ready hook: the app serves /metrics)`,
	Fix:    diagnostics.FixSafe,
	FixDoc: "Removes the call (and the hook when nothing else is left in it).",
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		m := f.Py
		internal := internalExporterVars(m)
		for _, c := range m.Select(whenReadyCalls) {
			q := m.Qualify(c.BaseName())
			class := q[strings.LastIndexByte(q, '.')+1:]
			if !internalExporters[class] && !internal[c.BaseName()] {
				continue
			}
			pass.Report(c.Span(), "%s.start_http_server_when_ready() does nothing but warn: the Internal class serves the metrics path on the app", class).
				AddFix(removeCallFix(f, c))
		}
	},
}

// removeCallFix deletes the statement holding the call, or the whole
// function when nothing but imports would remain in it.
func removeCallFix(f *project.File, c *python.Call) diagnostics.Fix {
	if f.Text(c.StatementSpan()) != f.Text(c.Span()) {
		return diagnostics.Fix{}
	}
	if c.Scope != nil && c.Scope.IsModuleLevel() && onlyStatement(f, c.Scope, c.StatementSpan()) {
		return diagnostics.Fix{Title: "Remove " + c.Scope.Name + " (it only made the no-op call)", Edits: []diagnostics.Edit{deleteFunc(f, c.Scope)}}
	}
	if c.Scope != nil && onlyStatement(f, c.Scope, c.StatementSpan()) {
		return diagnostics.Fix{}
	}
	return diagnostics.Fix{Title: "Remove the no-op call", Edits: []diagnostics.Edit{deleteLines(f, c.StatementSpan())}}
}
