package project

import (
	"path"
	"slices"
	"strings"

	"github.com/multiprom/multiprom/internal/python"
)

// mainServerStarts are the calls that start a server of their own: a
// script that makes one under `if __name__ == "__main__":` is a process of
// its own, not part of the app gunicorn serves.
var mainServerStarts = []string{
	"prometheus_client.start_http_server", "prometheus_client.start_wsgi_server", "prometheus_client.exposition.start_http_server",
	"wsgiref.simple_server.make_server", "werkzeug.serving.run_simple", "uvicorn.run", "waitress.serve",
	"twisted.internet.reactor.run",
	// A batch job pushes its metrics and exits: a process of its own too.
	"prometheus_client.push_to_gateway", "prometheus_client.pushadd_to_gateway", "prometheus_client.exposition.push_to_gateway",
}

// mainServerScripts returns the Python files that start their own server
// when run as a script (under a __main__ guard: app.run(), make_server,
// start_http_server, ...), that no project module imports and that no
// known gunicorn command serves: examples and tools beside the app, each
// run on its own. Without a known command line, a file that makes a Flask
// app at module level may be the app gunicorn serves (app.run() under the
// guard is the usual way to run it in development): it is not one of them.
// A module a uvicorn command serves is not one either.
func mainServerScripts(p *Project, commands, uvicorn []*CommandLine) map[string]bool {
	served := map[*File]bool{}
	for _, c := range append(slices.Clip(commands), uvicorn...) {
		// The app is module:variable, or a bare module (gunicorn then
		// serves its `application`); a flag's value names no module file.
		for _, a := range c.Args[1:] {
			if strings.HasPrefix(a, "-") {
				continue
			}
			mod, _, _ := strings.Cut(strings.TrimPrefix(a, "python:"), ":")
			if f := p.ModuleFile(mod); f != nil {
				served[f] = true
			} else if d := path.Join(path.Dir(c.File.Path), c.Dir); c.Dir != "" && !path.IsAbs(c.Dir) && !strings.ContainsAny(d, "$.") {
				// `cd app && uvicorn main:app`: app/main.py.
				if f := p.ModuleFile(strings.ReplaceAll(d, "/", ".") + "." + mod); f != nil {
					served[f] = true
				}
			}
		}
	}
	imported := map[*File]bool{}
	for _, f := range p.PythonFiles() {
		for _, im := range f.Py.Imports {
			_, targets := p.importTargets(f, im)
			for _, t := range targets {
				if t != f {
					imported[t] = true
				}
			}
		}
	}
	out := map[string]bool{}
	for _, f := range p.PythonFiles() {
		if imported[f] || served[f] || IsTestFile(f) || len(commands) == 0 && makesModuleLevelApp(f) {
			continue
		}
		for _, c := range f.Py.Calls {
			q := c.Qualified()
			if underMainGuard(c.Conds) && startsServer(f, q, c.MethodName()) || c.Scope == nil && runsToItsEnd(q) {
				out[f.Path] = true
				break
			}
		}
	}
	return out
}

func underMainGuard(conds []python.Cond) bool {
	for _, c := range conds {
		t := strings.ReplaceAll(strings.ReplaceAll(c.Text, " ", ""), "'", `"`)
		if !c.Else && (t == `__name__=="__main__"` || t == `"__main__"==__name__`) {
			return true
		}
	}
	return false
}

func startsServer(f *File, qualified, method string) bool {
	for _, s := range mainServerStarts {
		if qualified == s {
			return true
		}
	}
	// app.run() of a Flask app, server.serve_forever() of any server.
	return method == "serve_forever" || method == "run" && f.Py.Qualify("Flask") == "flask.Flask"
}

func makesModuleLevelApp(f *File) bool {
	for _, c := range f.Py.CallsTo("flask.Flask") {
		if c.Scope == nil {
			return true
		}
	}
	return false
}

// runsToItsEnd reports a module-level call that makes the file a program
// of its own wherever it stands: a reactor's loop, a batch job's push.
func runsToItsEnd(qualified string) bool {
	switch qualified {
	case "twisted.internet.reactor.run", "prometheus_client.push_to_gateway", "prometheus_client.pushadd_to_gateway":
		return true
	}
	return false
}

// runsUvicornInPython reports a module that starts uvicorn itself
// (uvicorn.run under the main guard or at module level), outside tests.
func runsUvicornInPython(p *Project) bool {
	for _, f := range p.PythonFiles() {
		if IsTestFile(f) {
			continue
		}
		for _, c := range f.Py.CallsTo("uvicorn.run") {
			if c.Scope == nil || underMainGuard(c.Conds) {
				return true
			}
		}
	}
	return false
}
