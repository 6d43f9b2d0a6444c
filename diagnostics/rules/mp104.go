package rules

import (
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// DefaultRegistryExposition reports exposition of the per-process default
// registry in a multiprocess project.
var DefaultRegistryExposition = &diagnostics.Rule{
	Code:       "MP104",
	Name:       "default-registry-exposition",
	Severity:   diagnostics.Error,
	Frameworks: []frameworks.Framework{frameworks.Flask, frameworks.FastAPI, frameworks.Starlette},
	Title:      "Metrics are exposed from the default registry, which holds one worker's values",
	Doc: "generate_latest(), make_wsgi_app() and make_asgi_app() (mounted in FastAPI or Starlette: " +
		"app.mount(\"/metrics\", make_asgi_app())) default to prometheus_client.REGISTRY, the registry of " +
		"the one process that answers the scrape. Under gunicorn (any worker class, uvicorn's included) each scrape lands on a random worker: " +
		"counters jump between workers' values and appear to reset, rate() shows phantom traffic and " +
		"histograms miss buckets. In multiprocess mode the values live in files; a fresh " +
		"CollectorRegistry with a MultiProcessCollector sums them on every scrape. The default registry " +
		"served only where PROMETHEUS_MULTIPROC_DIR is unset (the fallback branch of a gate on it) is " +
		"not reported: that branch runs in one process.",
	Before: `@app.route("/metrics")
def metrics():
    return generate_latest()`,
	After: `@app.route("/metrics")
def metrics():
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Builds a per-request CollectorRegistry with a MultiProcessCollector (and the process/platform/GC collectors) and exposes that instead; it falls back to the default registry when PROMETHEUS_MULTIPROC_DIR is unset (flask run, uvicorn without --workers, pytest). " +
		"For make_asgi_app()/make_wsgi_app() the registry is built once, before the app, and passed as registry=: its MultiProcessCollector reads the files at every scrape.",
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		if standaloneOrTest(pass.Project, pass.File) {
			return // pytest and scripts run on their own are one process, never a worker
		}
		f := pass.File
		m := f.Py
		for _, c := range m.Select(exposeDefaultCalls) {
			if project.EnvGate(f, c).WhenUnset {
				continue // the single-process fallback: the default registry is all there is
			}
			switch c.Qualified() {
			case "prometheus_client.generate_latest", "prometheus_client.exposition.generate_latest":
				arg := c.Positional(0)
				if kw := c.Keyword("registry"); kw != nil {
					arg = kw.Value
				}
				if arg != nil && !isDefaultRegistry(m, arg) {
					continue
				}
				pass.Report(c.Span(), "%s() exposes the default registry: under gunicorn each scrape shows one worker's values; expose a per-request registry with a MultiProcessCollector", c.Func).
					AddFix(perRequestRegistryFix(pass, c, false))
			case "prometheus_client.make_wsgi_app", "prometheus_client.make_asgi_app",
				"prometheus_client.exposition.make_wsgi_app", "prometheus_client.exposition.make_asgi_app":
				arg := c.Positional(0)
				if kw := c.Keyword("registry"); kw != nil {
					arg = kw.Value
				}
				if arg != nil && !isDefaultRegistry(m, arg) {
					continue
				}
				pass.Report(c.Span(), "%s() serves the default registry: under gunicorn each scrape shows one worker's values; pass registry= a registry with a MultiProcessCollector", c.Func).
					AddFix(perRequestRegistryFix(pass, c, true))
			}
		}
	},
}

// exposeDefaultCalls are the exposition calls that default to the
// default registry.
var exposeDefaultCalls = python.ExactCallees(
	"prometheus_client.generate_latest", "prometheus_client.exposition.generate_latest",
	"prometheus_client.make_wsgi_app", "prometheus_client.make_asgi_app",
	"prometheus_client.exposition.make_wsgi_app", "prometheus_client.exposition.make_asgi_app",
)

func isDefaultRegistry(m *python.Module, e *python.Expr) bool {
	q := m.Qualify(strings.TrimSpace(e.Text))
	return q == "prometheus_client.REGISTRY" || q == "prometheus_client.registry.REGISTRY" || q == "REGISTRY"
}

// perRequestRegistryFix inserts the registry block before the statement that
// holds the call and passes the registry to it.
func perRequestRegistryFix(pass *diagnostics.Pass, c *python.Call, keyword bool) diagnostics.Fix {
	f := pass.File
	varName := freeName(f, c, "registry")
	lineStart := f.LineStartOf(c.StatementSpan().Start)
	if strings.TrimSpace(f.Text(source.Span{Start: lineStart, End: c.StatementSpan().Start})) != "" {
		// The statement shares its line (`def f(): return generate_latest()`,
		// `a; b`): the block would land before the line, outside the
		// statement's suite, and break the file (found by FuzzFix). No fix.
		return diagnostics.Fix{}
	}
	indent := f.IndentOf(c.StatementSpan().Start)
	sp := snippetParams(pass.Project, f, indent)
	sp.ASGI = len(f.Py.ImportsFrom("fastapi")) > 0 || len(f.Py.ImportsFrom("starlette")) > 0
	registryBlock := snippets.PerRequestRegistry
	if keyword { // make_*_app: one registry for the long-lived metrics app
		registryBlock = snippets.MetricsAppRegistry
	}
	imports, block := registryBlock(sp, varName)
	edits := diagnostics.AddImports(f, imports)
	edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: lineStart, End: lineStart}, NewText: block})
	if keyword || c.Keyword("registry") != nil {
		if kw := c.Keyword("registry"); kw != nil {
			edits = append(edits, diagnostics.Replace(f, kw.Value.Span(), varName))
		} else if pos := c.Positional(0); pos != nil {
			edits = append(edits, diagnostics.Replace(f, pos.Span(), varName))
		} else {
			edits = append(edits, diagnostics.AddKeyword(f, c, "registry", varName))
		}
	} else {
		edits = append(edits, diagnostics.Replace(f, source.Span{Start: c.ArgListSpan().Start, End: c.ArgListSpan().End}, "("+varName+")"))
	}
	return diagnostics.Fix{Title: "Expose a per-request multiprocess registry", Edits: edits}
}

// freeName returns want, or want with a suffix, when the name is already
// assigned in the call's scope to something else.
func freeName(f *project.File, c *python.Call, want string) string {
	taken := func(n string) bool {
		for _, a := range f.Py.Assigns {
			if a.Scope == c.Scope && a.Target == n {
				return true
			}
		}
		return false
	}
	for _, cand := range []string{want, "multiproc_" + want, want + "_"} {
		if !taken(cand) {
			return cand
		}
	}
	return want + "_mp"
}
