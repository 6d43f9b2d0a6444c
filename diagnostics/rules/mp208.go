package rules

import (
	"fmt"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// hookParams are gunicorn's parameter names for each server hook.
var hookParams = map[string][]string{
	"on_starting": {"server"}, "on_reload": {"server"}, "when_ready": {"server"},
	"pre_fork": {"server", "worker"}, "post_fork": {"server", "worker"}, "post_worker_init": {"worker"},
	"worker_int": {"worker"}, "worker_abort": {"worker"}, "pre_exec": {"server"},
	"pre_request": {"worker", "req"}, "post_request": {"worker", "req", "environ", "resp"},
	"child_exit": {"server", "worker"}, "worker_exit": {"server", "worker"},
	"nworkers_changed": {"server", "new_value", "old_value"}, "on_exit": {"server"},
	"ssl_context": {"config", "default_ssl_context_factory"},
}

// BadHook reports hooks gunicorn rejects and child_exit marking the wrong pid.
var BadHook = &diagnostics.Rule{
	Code:     "MP208",
	Name:     "bad-hook",
	Severity: diagnostics.Error,
	Title:    "gunicorn hook with the wrong arity, or child_exit marking the wrong pid dead",
	Servers:  []string{"gunicorn"},
	Doc: "gunicorn validates each server hook in the config when it loads it: util.get_arity counts the " +
		"positional parameters (defaults included; *args, **kwargs and keyword-only ones not) and anything but " +
		"the fixed arity raises TypeError(\"Value must have an arity of: N\"), so gunicorn does not start " +
		"(post_request also accepts 2 or 3). In child_exit, which runs in the master, os.getpid() and " +
		"server.pid are the master's pid: mark_process_dead deletes nothing (or the master's own files) and " +
		"the dead worker's live* gauges keep counting. Use worker.pid.",
	Before: `def child_exit(worker):
    multiprocess.mark_process_dead(os.getpid())`,
	After: `def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Rewrites the signature with gunicorn's parameter names when the hook's own names are among them, " +
		"or makes extra defaulted parameters keyword-only; replaces the pid argument with worker.pid.",
	Applies: func(p *project.Project) bool { return p.Facts.Gunicorn },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		if pass.Project.Facts.ConfigFor(f) == nil {
			return
		}
		m := f.Py
		for _, fn := range m.Funcs {
			if !fn.IsModuleLevel() {
				continue
			}
			want, ok := frameworks.GunicornHooks[fn.Name]
			if !ok || m.Func(fn.Name) != fn {
				continue
			}
			got := gunicornArity(fn)
			if got == want || fn.Name == "post_request" && got >= 2 && got <= 4 {
				continue
			}
			pass.Report(fn.ParamListSpan(), "gunicorn hook %s takes %d positional parameter(s), not %d: gunicorn refuses the config with TypeError at start-up", fn.Name, want, got).
				AddFix(signatureFix(f, fn, want))
		}
		if h := m.Func("child_exit"); h != nil && gunicornArity(h) == 2 {
			server, worker := h.Params[0].Name, h.Params[1].Name
			for _, c := range callsIn(m, h) {
				if !isMarkDead(m, c) {
					continue
				}
				arg := c.Positional(0)
				if arg == nil {
					continue
				}
				t := strings.ReplaceAll(arg.Text, " ", "")
				if t == "os.getpid()" || m.Qualify(strings.TrimSuffix(t, "()")) == "os.getpid" || t == server+".pid" {
					pass.Report(arg.Span(), "%s in child_exit is the master's pid, not the dead worker's: use %s.pid", arg.Text, worker).
						AddFix(diagnostics.Fix{Title: "Mark " + worker + ".pid dead", Edits: []diagnostics.Edit{diagnostics.Replace(f, arg.Span(), worker+".pid")}})
				}
			}
		}
	},
}

// signatureFix rebuilds the parameter list when that cannot break the body.
func signatureFix(f *project.File, fn *python.FuncDef, want int) diagnostics.Fix {
	canon := hookParams[fn.Name]
	if len(canon) != want {
		return diagnostics.Fix{}
	}
	var positional []python.Param
	for _, p := range fn.Params {
		if p.Kind == "*" {
			break
		}
		if p.Kind == "" {
			positional = append(positional, p)
		}
	}
	// Too many, but the extras have defaults: make them keyword-only.
	if len(positional) > want {
		extra := positional[want:]
		allDefault := true
		for _, p := range extra {
			allDefault = allDefault && p.HasDefault
		}
		noStar := true
		for _, p := range fn.Params {
			if p.Kind == "*" || p.Kind == "/" {
				noStar = false
			}
		}
		if allDefault && noStar {
			params := f.Text(fn.ParamListSpan())
			idx := strings.Index(params, extra[0].Name)
			if idx > 0 {
				at := fn.ParamListSpan().Start + idx
				return diagnostics.Fix{Title: "Make " + extra[0].Name + " keyword-only", Edits: []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: "*, "}}}
			}
		}
	}
	// The hook's names are gunicorn's (in any subset): write gunicorn's list.
	known := map[string]bool{}
	for _, n := range canon {
		known[n] = true
	}
	for _, p := range fn.Params {
		if p.Kind != "" || !known[p.Name] || p.HasDefault {
			return diagnostics.Fix{}
		}
	}
	return diagnostics.Fix{Title: fmt.Sprintf("Use gunicorn's signature %s(%s)", fn.Name, strings.Join(canon, ", ")),
		Edits: []diagnostics.Edit{diagnostics.Replace(f, fn.ParamListSpan(), "("+strings.Join(canon, ", ")+")")}}
}
