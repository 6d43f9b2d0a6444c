// Package rules holds multiprom's rule catalogue: one file per rule, each a
// *diagnostics.Rule value, all listed in All (table.go).
package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deps"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// multiprocess is the Applies gate of rules about multiprocess projects.
// appFrameworks are the frameworks whose app code the exposition rules
// read and whose idiom their fixes keep (a Flask route, a FastAPI or
// Starlette mount, a Django view or AppConfig.ready, a Falcon resource).
var appFrameworks = []frameworks.Framework{frameworks.Flask, frameworks.FastAPI, frameworks.Starlette, frameworks.Django, frameworks.Falcon}

func multiprocess(p *project.Project) bool { return p.Facts.Multiprocess }

// gunicornMultiprocess gates gunicorn rules: they need evidence of gunicorn.
// A project that uWSGI serves, with gunicorn only in its requirements, is
// not gunicorn's (see uwsgiOnly).
func gunicornMultiprocess(p *project.Project) bool {
	return p.Facts.Gunicorn && p.Facts.Multiprocess && !uwsgiOnly(p)
}

// serverName names the server that runs the project's workers, for
// messages: "uWSGI" or "uvicorn" where one of them serves and gunicorn does
// not, else "gunicorn" (also when no server is known).
func serverName(p *project.Project) string {
	switch {
	case uwsgiOnly(p):
		return "uWSGI"
	case p.Facts.UvicornOnly():
		return "uvicorn"
	}
	return "gunicorn"
}

// snippetParams describes the project for the snippets the fixes insert.
func snippetParams(p *project.Project, f *project.File, indent string) snippets.Params {
	sp := snippets.Params{
		Flavour:     snippets.Flavour(p.Facts.Flavour),
		AppTag:      p.Facts.AppTag,
		MetricsPath: p.Settings.MetricsPath,
		Redis:       p.Facts.Redis && p.BusinessModule() != nil,
		Indent:      indent,
	}
	for _, e := range p.Facts.EnvSets {
		if e.Value != "" && !strings.ContainsAny(e.Value, "$`") {
			sp.MultiprocDir = e.Value
			break
		}
	}
	if sp.MultiprocDir == "" {
		// One directory per checkout: two projects with the same name on one
		// host must not share (and wipe) each other's files.
		sum := sha256.Sum256([]byte(p.Root))
		sp.MultiprocDir = snippets.DefaultMultiprocDir(p.Facts.AppTag) + "-" + hex.EncodeToString(sum[:3])
	}
	if f != nil {
		mod := f.ModuleName()
		if i := strings.IndexByte(mod, '.'); i >= 0 {
			mod = mod[:i]
		}
		sp.Package = mod
	}
	return sp
}

// gunicornSetupFix brings the gunicorn config to the multiprocess set-up:
// env var at the very top, an on_starting clean-up and a child_exit hook —
// each only when missing — or creates gunicorn.conf.py with all of them.
// MP201, MP204 and MP205 share it, so fix-all applies it once.
func gunicornSetupFix(p *project.Project) diagnostics.Fix {
	sp := snippetParams(p, nil, "")
	cfg := p.Facts.Config()
	if cfg == nil {
		workers := ""
		if w := p.Facts.Workers; w.Known && !w.Expr && w.Max > 0 {
			workers = strconv.Itoa(w.Max)
		}
		return diagnostics.Fix{
			Title:   "Create gunicorn.conf.py with the multiprocess set-up",
			Creates: []diagnostics.Create{{Path: "gunicorn.conf.py", Content: snippets.GunicornConfig(sp, workers)}},
		}
	}
	f := cfg.File
	var edits []diagnostics.Edit
	if !p.Facts.EnvVarSet() {
		at := diagnostics.TopInsertPoint(f)
		edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: snippets.GunicornPreamble(sp) + "\n"})
	}
	var hooks []string
	if cfg.Hook("on_starting") == nil && !p.Facts.CleansAtStart() {
		hooks = append(hooks, snippets.OnStartingHook(sp))
	}
	if cfg.Hook("child_exit") == nil {
		hooks = append(hooks, snippets.ChildExitHook(sp))
	}
	if len(hooks) > 0 {
		edits = append(edits, diagnostics.AppendToFile(f, strings.Join(trimAll(hooks), "\n\n\n")))
	}
	return diagnostics.Fix{Title: "Set up " + f.Path + " for prometheus_client multiprocess mode", Edits: edits}
}

func trimAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strings.TrimRight(x, "\n")
	}
	return out
}

// liveGaugeExists reports whether any Gauge uses a live* mode, an exporter's
// included (MP201's severity: the child_exit hook only clears live* files).
func liveGaugeExists(p *project.Project) bool {
	for _, u := range asgiExporterUses(p) {
		if u.LiveGauge {
			return true
		}
	}
	for _, f := range p.PythonFiles() {
		for _, decl := range f.MetricDecls() {
			if decl.Type != "Gauge" {
				continue
			}
			if a := decl.Keyword("multiprocess_mode"); a != nil && a.Value.IsStr() && strings.HasPrefix(a.Value.Str(), "live") {
				if _, valid := deps.ModeSince(a.Value.Str()); valid {
					return true
				}
			}
		}
	}
	return false
}

// clientMultiProcessCollector matches prometheus_client's
// MultiProcessCollector, by qualified callee.
func clientMultiProcessCollector(q string) bool {
	return strings.HasPrefix(q, "prometheus_client") && strings.HasSuffix(q, "MultiProcessCollector")
}

// anyMultiProcessCollector matches a MultiProcessCollector from anywhere.
func anyMultiProcessCollector(q string) bool { return strings.HasSuffix(q, "MultiProcessCollector") }

// startsServer matches the callees that start a metrics HTTP server
// (prometheus_client's and an exporter object's start_http_server).
func startsServer(q string) bool {
	return strings.HasSuffix(q, "start_http_server") || strings.HasSuffix(q, "start_wsgi_server")
}

// multiprocCandidate matches the callees that can put a project in
// multiprocess mode: prometheus_client's MultiProcessCollector and
// prometheus_flask_exporter's classes.
func multiprocCandidate(q string) bool {
	return clientMultiProcessCollector(q) || strings.HasPrefix(q, "prometheus_flask_exporter.")
}

// The callee queries of the rules, made once: a module remembers each
// query's answer (see Module.Select).
var (
	clientCollectorCalls    = python.QualifiedCallees(clientMultiProcessCollector)
	anyCollectorCalls       = python.QualifiedCallees(anyMultiProcessCollector)
	startsServerCalls       = python.QualifiedCallees(startsServer)
	multiprocCandidateCalls = python.QualifiedCallees(multiprocCandidate)
	exporterModuleCalls     = python.QualifiedCallees(func(q string) bool { return strings.HasPrefix(q, "prometheus_flask_exporter.") })
	gatewayCalls            = python.QualifiedCallees(func(q string) bool { return strings.HasSuffix(q, "_to_gateway") })
	defaultRegisterCalls    = python.ExactCallees("prometheus_client.REGISTRY.register", "prometheus_client.registry.REGISTRY.register", "prometheus_client.core.REGISTRY.register")
	registerCalls           = python.MethodsNamed("register")
	whenReadyCalls          = python.MethodsNamed("start_http_server_when_ready")
	setFunctionCalls        = python.MethodsNamed("set_function")
	removeClearCalls        = python.MethodsNamed("remove", "clear")
)
