package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// MarkDeadInWorkerExit reports mark_process_dead in worker_exit.
var MarkDeadInWorkerExit = &diagnostics.Rule{
	Code:     "MP203",
	Name:     "mark-dead-in-worker-exit",
	Severity: diagnostics.Warning,
	Title:    "mark_process_dead in worker_exit misses killed workers",
	Servers:  []string{"gunicorn"},
	Doc: "worker_exit(server, worker) runs inside the worker process as it shuts down cleanly. A worker killed " +
		"by the timeout (SIGKILL), the OOM killer or a crash never runs it, so its live* gauge files stay and " +
		"keep counting. child_exit runs in the master for every exit, clean or not: that is where " +
		"mark_process_dead belongs.",
	Before: `def worker_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)`,
	After: `def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Renames the hook to child_exit when it does nothing else and no child_exit exists; otherwise removes " +
		"the call from worker_exit and, when child_exit is missing, adds one.",
	Applies: func(p *project.Project) bool { return p.Facts.Gunicorn },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		p := pass.Project
		if !p.Facts.IsConfig(f) {
			return
		}
		h := f.Py.Func("worker_exit")
		if h == nil {
			return
		}
		for _, c := range callsIn(f.Py, h) {
			if !isMarkDead(f.Py, c) {
				continue
			}
			pass.Report(c.Span(), "mark_process_dead in worker_exit runs in the worker and is skipped for killed workers; call it from child_exit (runs in the master for every exit)").
				AddFix(moveToChildExitFix(p, f, h, c))
		}
	},
}

func moveToChildExitFix(p *project.Project, f *project.File, h *python.FuncDef, c *python.Call) diagnostics.Fix {
	if f.Text(c.StatementSpan()) != f.Text(c.Span()) || c.Scope != h {
		return diagnostics.Fix{}
	}
	child := f.Py.Func("child_exit")
	alone := onlyStatement(f, h, c.StatementSpan())
	if child == nil && alone && gunicornArity(h) == 2 {
		return diagnostics.Fix{Title: "Rename worker_exit to child_exit", Edits: []diagnostics.Edit{diagnostics.Replace(f, h.DefNameSpan(), "child_exit")}}
	}
	var edits []diagnostics.Edit
	if alone {
		if child == nil {
			return diagnostics.Fix{} // a worker_exit of the wrong arity: MP208 first
		}
		edits = append(edits, deleteFunc(f, h))
	} else {
		edits = append(edits, deleteLines(f, c.StatementSpan()))
	}
	if child == nil {
		// Before worker_exit, so the edit never touches the deleted lines.
		at := f.LineStartOf(h.Span.Start)
		edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: strings.TrimRight(snippets.ChildExitHook(snippetParams(p, f, "")), "\n") + "\n\n\n"})
	}
	return diagnostics.Fix{Title: "Move mark_process_dead to child_exit", Edits: edits}
}
