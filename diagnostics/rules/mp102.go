package rules

import (
	"fmt"
	"path"
	"slices"
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
	Frameworks: mp102Frameworks,
	Title:      "Web app without Prometheus metrics",
	Doc: "The project builds a Flask, FastAPI or Starlette app but no module imports prometheus_client or " +
		"an exporter built on it, so there is nothing to scrape. The action adds the metrics block that " +
		"is correct under multi-worker gunicorn from the start: with prometheus_flask_exporter the gated " +
		"exporter (GunicornInternalPrometheusMetrics when PROMETHEUS_MULTIPROC_DIR is set, PrometheusMetrics " +
		"on a private registry otherwise); with plain prometheus_client a generated prom_metrics.py serving " +
		"/metrics from a per-request multiprocess registry, with the exporter's request metric names. A FastAPI or " +
		"Starlette app gets make_asgi_app() mounted at /metrics, serving a registry with a MultiProcessCollector " +
		"when PROMETHEUS_MULTIPROC_DIR is set (the default registry otherwise).",
	Before: `app = Flask(__name__)
app.register_blueprint(shop)`,
	After: `app = Flask(__name__)
# Prometheus: ...
init_metrics(app)
app.register_blueprint(shop)`,
	Fix: diagnostics.FixUnsafe,
	FixDoc: "Inserts the flavour's app block right after `app = Flask(__name__)` (before any blueprint or route " +
		"registration) and merges its imports; the raw flavour also creates prom_metrics.py next to the app " +
		"module; after `app = FastAPI()`/`Starlette()` it inserts the registry and `app.mount(\"/metrics\", make_asgi_app(registry=...))`. " +
		"Offered only when the app is assigned by a simple statement; an editor action, applied by --fix only with --unsafe-fixes.",
	Project: true,
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		for _, f := range p.PythonFiles() {
			if project.IsTestFile(f) {
				continue
			}
			if importsPrometheus(f) {
				return
			}
		}
		for _, app := range p.Facts.Apps {
			if project.IsTestFile(app.File) || p.Facts.Standalone[app.File.Path] {
				continue
			}
			if !slices.Contains(mp102Frameworks, app.Framework) {
				continue // the blocks are Flask's and ASGI apps' (Django's idiom is django-prometheus in settings; a Falcon App has no mount)
			}
			diag := pass.ReportIn(app.File, app.Call.Span(), "%s app without Prometheus metrics: nothing in the project imports prometheus_client or an exporter", app.Framework.Title())
			if app.Framework == frameworks.Flask {
				diag.AddFix(appBlockFix(p, app))
			} else {
				diag.AddFix(asgiAppBlockFix(p, app))
			}
		}
	},
}

// importsPrometheus reports whether the module imports prometheus_client or
// an exporter built on it.
func importsPrometheus(f *project.File) bool {
	for _, mod := range append([]string{"prometheus_client", "prometheus_flask_exporter"}, frameworks.ASGIExporterModules...) {
		if len(f.Py.ImportsFrom(mod)) > 0 {
			return true
		}
	}
	return false
}

// appBlockFix inserts snippets.AppBlock after the app's construction.
func appBlockFix(p *project.Project, app *project.AppSite) diagnostics.Fix {
	f, c := app.File, app.Call
	sp, ok := appBlockParams(p, app)
	if !ok {
		return diagnostics.Fix{}
	}
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

// appBlockParams are the snippet parameters of a block inserted after the
// app's construction; false when it is not a simple `app = Cls(...)`.
func appBlockParams(p *project.Project, app *project.AppSite) (snippets.Params, bool) {
	f, c := app.File, app.Call
	if !simpleAssignment(f, c) {
		return snippets.Params{}, false
	}
	sp := snippetParams(p, f, f.IndentOf(c.StatementSpan().Start))
	sp.AppVar = c.TargetName()
	sp.Redis = false
	return sp, true
}

// asgiAppBlockFix inserts, after a FastAPI/Starlette app's construction, a
// registry for the metrics app (MP104's, built once) and the mount of
// make_asgi_app at the metrics path.
func asgiAppBlockFix(p *project.Project, app *project.AppSite) diagnostics.Fix {
	f, c := app.File, app.Call
	sp, ok := appBlockParams(p, app)
	if !ok {
		return diagnostics.Fix{}
	}
	sp.ASGI = true
	indent := sp.Indent
	registry := freeName(f, c, "metrics_registry")
	imports, block := snippets.MetricsAppRegistry(sp, registry)
	imports = append(imports, "from prometheus_client import make_asgi_app")
	path := p.Settings.MetricsPath
	if path == "" {
		path = "/metrics"
	}
	block += fmt.Sprintf("%s%s.mount(%q, make_asgi_app(registry=%s))\n", indent, c.TargetName(), path, registry)
	at := f.LineEndOf(c.StatementSpan().End - 1)
	edits := append(diagnostics.AddImports(f, imports), diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: block})
	return diagnostics.Fix{Title: "Add Prometheus metrics to the app (make_asgi_app at " + path + ")", Edits: edits, Unsafe: true}
}

// mp102Frameworks are the frameworks whose apps MP102 reports: those its
// fixes know how to instrument.
var mp102Frameworks = []frameworks.Framework{frameworks.Flask, frameworks.FastAPI, frameworks.Starlette}
