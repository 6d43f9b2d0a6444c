package rules

import (
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// ExporterNeverExposed reports GunicornPrometheusMetrics without the
// when_ready hook that serves it, and path= passed to classes that drop it.
var ExporterNeverExposed = &diagnostics.Rule{
	Code:       "MP110",
	Name:       "exporter-never-exposed",
	Severity:   diagnostics.Error,
	Frameworks: []frameworks.Framework{frameworks.Flask},
	Title:      "GunicornPrometheusMetrics is never exposed",
	Servers:    []string{"gunicorn"},
	Doc: "GunicornPrometheusMetrics (and MultiprocessPrometheusMetrics) remove the path= argument and register " +
		"no /metrics route on the app: its metrics are served only by a separate HTTP server that a gunicorn " +
		"when_ready hook starts with GunicornPrometheusMetrics.start_http_server_when_ready(port). Without that " +
		"hook nothing serves them and Prometheus scrapes a 404. Passing path= to these classes is silently " +
		"ignored (a warning); GunicornInternalPrometheusMetrics is the class that serves path on the app.",
	Before: `metrics = GunicornPrometheusMetrics(app, path="/metrics")`,
	After:  `metrics = GunicornInternalPrometheusMetrics(app, path="/metrics")`,
	Fix:    diagnostics.FixSafe,
	FixDoc: "Switches the module to GunicornInternalPrometheusMetrics (the app serves /metrics itself; " +
		"mark_process_dead_on_child_exit is inherited). Adding a when_ready hook instead is the other way out; " +
		"it needs a port, so it is not automatic.",
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		p := pass.Project
		if standaloneOrTest(p, f) || p.Facts.IsConfig(f) {
			return
		}
		for _, c := range exporterCalls(f.Py) {
			class, _, _ := exporterCtor(f.Py, c)
			if class != "GunicornPrometheusMetrics" && class != "MultiprocessPrometheusMetrics" {
				continue
			}
			if class == "GunicornPrometheusMetrics" && !whenReadyServes(p) {
				note := ""
				if c.Keyword("path") != nil {
					note = " (its path= is ignored)"
				}
				pass.Report(c.Span(), "GunicornPrometheusMetrics adds no /metrics route%s and no gunicorn when_ready hook calls start_http_server_when_ready: nothing serves these metrics", note).
					AddFix(switchToInternalFix(f, class))
				continue
			}
			if a := c.Keyword("path"); a != nil {
				pass.Report(a.Span(), "%s ignores path=: it adds no route to the app; use GunicornInternalPrometheusMetrics to serve %s on the app", class, a.Value.Text).
					SetSeverity(diagnostics.Warning).AddFix(switchToInternalFix(f, class))
			}
		}
	},
}

// whenReadyServes reports whether a gunicorn config's when_ready hook calls
// start_http_server_when_ready (or start_http_server on the exporter class).
func whenReadyServes(p *project.Project) bool {
	for _, cfg := range p.Facts.Configs {
		h := cfg.Hook("when_ready")
		if h == nil {
			continue
		}
		for _, c := range callsIn(cfg.File.Py, h) {
			if c.MethodName() == "start_http_server_when_ready" || c.MethodName() == "start_http_server" {
				return true
			}
		}
	}
	return false
}

func switchToInternalFix(f *project.File, class string) diagnostics.Fix {
	re := regexp.MustCompile(`\b` + class + `\b`)
	internal := strings.Replace(class, "PrometheusMetrics", "InternalPrometheusMetrics", 1)
	var edits []diagnostics.Edit
	src := string(f.Src)
	for _, loc := range re.FindAllStringIndex(src, -1) {
		if inCommentOrString(src, loc[0]) {
			continue
		}
		edits = append(edits, diagnostics.Replace(f, source.Span{Start: loc[0], End: loc[1]}, internal))
	}
	return diagnostics.Fix{Title: "Use " + internal + " (serves the metrics path on the app)", Edits: edits}
}

// inCommentOrString is a line-local check: a '#' or an odd number of quotes
// before the offset on its line.
func inCommentOrString(src string, off int) bool {
	start := strings.LastIndexByte(src[:off], '\n') + 1
	line := src[start:off]
	return strings.Contains(line, "#") || strings.Count(line, `"`)%2 == 1 || strings.Count(line, `'`)%2 == 1
}
