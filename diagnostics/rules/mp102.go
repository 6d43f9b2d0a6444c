package rules

import (
	"path"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// AppWithoutMetrics reports Flask apps in projects with no Prometheus code.
var AppWithoutMetrics = &diagnostics.Rule{
	Code:       "MP102",
	Name:       "app-without-metrics",
	Severity:   diagnostics.Info,
	Frameworks: []frameworks.Framework{frameworks.Flask}, // the block is Flask's
	Title:      "Flask app without Prometheus metrics",
	Doc: "The project builds a Flask app but no module imports prometheus_client or " +
		"prometheus_flask_exporter, so there is nothing to scrape. The action adds the metrics block that " +
		"is correct under multi-worker gunicorn from the start: with prometheus_flask_exporter the gated " +
		"exporter (GunicornInternalPrometheusMetrics when PROMETHEUS_MULTIPROC_DIR is set, PrometheusMetrics " +
		"on a private registry otherwise); with plain prometheus_client a generated prom_metrics.py serving " +
		"/metrics from a per-request multiprocess registry, with the exporter's request metric names.",
	Before: `app = Flask(__name__)
app.register_blueprint(shop)`,
	After: `app = Flask(__name__)
# Prometheus: ...
init_metrics(app)
app.register_blueprint(shop)`,
	Fix: diagnostics.FixUnsafe,
	FixDoc: "Inserts the flavour's app block right after `app = Flask(__name__)` (before any blueprint or route " +
		"registration) and merges its imports; the raw flavour also creates prom_metrics.py next to the app " +
		"module. Offered only when the app is assigned by a simple statement; an editor action, applied by --fix only with --unsafe-fixes.",
	Project: true,
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		for _, f := range p.PythonFiles() {
			if project.IsTestFile(f) {
				continue
			}
			if len(f.Py.ImportsFrom("prometheus_client")) > 0 || len(f.Py.ImportsFrom("prometheus_flask_exporter")) > 0 {
				return
			}
		}
		for _, app := range p.Facts.AppsOf(frameworks.Flask) { // the block is Flask's
			if project.IsTestFile(app.File) || p.Facts.Standalone[app.File.Path] {
				continue
			}
			pass.ReportIn(app.File, app.Call.Span(), "Flask app without Prometheus metrics: nothing in the project imports prometheus_client or prometheus_flask_exporter").
				AddFix(appBlockFix(p, app))
		}
	},
}

// appBlockFix inserts snippets.AppBlock after the app's construction.
func appBlockFix(p *project.Project, app *project.AppSite) diagnostics.Fix {
	f, c := app.File, app.Call
	if !simpleAssignment(f, c) {
		return diagnostics.Fix{}
	}
	indent := f.IndentOf(c.StatementSpan().Start)
	sp := snippetParams(p, f, indent)
	sp.AppVar = c.TargetName()
	sp.Redis = false
	pkg := f.ModuleName()
	if !strings.HasSuffix(f.Path, "__init__.py") {
		pkg = parentModule(pkg)
	}
	sp.Package = pkg
	imports, block, err := snippets.AppBlock(sp)
	if err != nil {
		return diagnostics.Fix{}
	}
	edits := diagnostics.AddImports(f, imports)
	at := f.LineEndOf(c.StatementSpan().End - 1)
	edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: block})
	// An action, not a --fix: it adds a feature rather than repairing a bug.
	fix := diagnostics.Fix{Title: "Add Prometheus metrics to the app (" + string(sp.Flavour) + " flavour)", Edits: edits, Unsafe: true}
	files, err := snippets.AppFiles(sp)
	if err != nil {
		return diagnostics.Fix{}
	}
	dir := path.Dir(f.Path)
	for name, content := range files {
		target := path.Join(dir, name)
		if p.File(target) != nil {
			continue // never overwrite the user's module
		}
		fix.Creates = append(fix.Creates, diagnostics.Create{Path: target, Content: content})
	}
	return fix
}

func parentModule(m string) string {
	if i := strings.LastIndexByte(m, '.'); i >= 0 {
		return m[:i]
	}
	return ""
}
