package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// HTTPServerPerWorker reports metrics HTTP servers started in every worker.
var HTTPServerPerWorker = &diagnostics.Rule{
	Code:       "MP106",
	Name:       "http-server-per-worker",
	Severity:   diagnostics.Error,
	Frameworks: appFrameworks,
	Title:      "Metrics HTTP server started in every worker",
	Servers:    []string{"gunicorn", "uvicorn --workers"},
	Doc: "start_http_server()/start_wsgi_server() at module level of the app, in create_app, in a Django AppConfig.ready or in a post_fork " +
		"hook runs once per worker: the first worker binds the port and the others fail with \"Address already " +
		"in use\" (or, with SO_REUSEPORT, scrapes reach a random worker's default registry). The same holds for " +
		"the exporter's metrics.start_http_server() on PrometheusMetrics and GunicornPrometheusMetrics. Start the " +
		"server once, in the master: a gunicorn when_ready hook serving a registry with a MultiProcessCollector " +
		"(GunicornPrometheusMetrics.start_http_server_when_ready(port) does exactly that).\n\n" +
		"uvicorn --workers N (or uvicorn.run(\"main:app\", workers=N)): every spawned worker imports the app, so the " +
		"first binds the port and the others raise OSError at import and exit. uvicorn 0.17 never replaces them " +
		"and serves with one worker; from 0.30 its parent starts a new worker for each dead one, every half second, " +
		"and each dies the same way. uvicorn's parent runs no project code, so there is no when_ready to move the " +
		"server to: serve /metrics from the app with a per-scrape multiprocess registry (MP104's fix), or run the " +
		"metrics server as a process of its own beside uvicorn.",
	Before: `app = Flask(__name__)
start_http_server(9100)`,
	After: `# gunicorn.conf.py
def when_ready(server):
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(9100, registry=registry)`,
	FixDoc: "No automatic fix: moving the server to a when_ready hook means choosing its port and registry in the gunicorn config; the Before/After example shows the shape. Under uvicorn there is no hook to move it to.",
	Applies: func(p *project.Project) bool {
		return p.Facts.MultiWorker && (p.Facts.Gunicorn || p.Facts.UvicornOnly())
	},
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		p := pass.Project
		if standaloneOrTest(p, f) {
			return
		}
		m := f.Py
		isConfig := p.Facts.IsConfig(f)
		internal := internalExporterVars(m)
		for _, c := range m.Select(startsServerCalls) {
			q := c.Qualified()
			client := q == "prometheus_client.start_http_server" || q == "prometheus_client.start_wsgi_server" ||
				q == "prometheus_client.exposition.start_http_server" || q == "prometheus_client.exposition.start_wsgi_server"
			exporter := c.MethodName() == "start_http_server" && c.Recv == nil && exporterVar(m, c.BaseName()) && !internal[c.BaseName()]
			if !client && !exporter || underMainGuard(c) {
				continue
			}
			where := ""
			switch {
			case c.Scope == nil && !isConfig:
				where = "at module level"
			case c.Scope != nil && isConfig && outermost(c.Scope).Name == "post_fork":
				where = "in post_fork"
			case c.Scope != nil && !isConfig && isFactory(m, outermost(c.Scope)):
				where = "in " + outermost(c.Scope).Name + "()"
			case c.Scope != nil && isDjangoReady(p, f, outermost(c.Scope)):
				where = "in " + outermost(c.Scope).Class + ".ready()"
			}
			if where == "" {
				continue
			}
			name := strings.TrimPrefix(c.Func, c.BaseName()+".")
			if p.Facts.UvicornOnly() {
				pass.Report(c.Span(), "%s() %s runs in every uvicorn worker: the first binds the port and the others fail at import and exit; uvicorn has no master hook to start it once: serve /metrics from the app with a multiprocess registry, or run the metrics server as a separate process", name, where)
				continue
			}
			pass.Report(c.Span(), "%s() %s runs in every gunicorn worker: the port is bound once and the other workers fail or serve their own values; start it once in a when_ready hook with a multiprocess registry", name, where)
		}
	},
}

// isDjangoReady reports whether fn is an AppConfig.ready method, which
// Django runs in every process that calls django.setup(): each worker.
func isDjangoReady(p *project.Project, f *project.File, fn *python.FuncDef) bool {
	for _, r := range p.Facts.DjangoReady {
		if r.File == f && r.Func == fn {
			return true
		}
	}
	return false
}

func outermost(fn *python.FuncDef) *python.FuncDef {
	for fn.Parent != nil {
		fn = fn.Parent
	}
	return fn
}

// isFactory reports whether fn builds a Flask app (create_app and friends).
func isFactory(m *python.Module, fn *python.FuncDef) bool {
	for _, c := range callsIn(m, fn) {
		if c.Qualified() == "flask.Flask" {
			return true
		}
	}
	return fn.Name == "create_app" || fn.Name == "make_app"
}

// exporterVar reports whether name holds an exporter object in m.
func exporterVar(m *python.Module, name string) bool {
	for _, c := range exporterCalls(m) {
		if c.TargetName() == name {
			return true
		}
	}
	return false
}

// internalExporterVars are names bound only to *Internal* exporter objects,
// whose start_http_server does nothing (should_start_http_server is False).
func internalExporterVars(m *python.Module) map[string]bool {
	out := map[string]bool{}
	other := map[string]bool{}
	for _, c := range exporterCalls(m) {
		if c.TargetName() == "" {
			continue
		}
		if class, _, ok := exporterCtor(m, c); ok {
			if internalExporters[class] {
				out[c.TargetName()] = true
			} else {
				other[c.TargetName()] = true
			}
		}
	}
	for n := range other {
		delete(out, n)
	}
	return out
}

// underMainGuard reports a call inside `if __name__ == "__main__":`, which
// gunicorn never runs.
func underMainGuard(c *python.Call) bool {
	for _, cond := range c.Conds {
		if strings.Contains(cond.Text, "__main__") && !cond.Else {
			return true
		}
	}
	return false
}
