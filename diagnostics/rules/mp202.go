package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// ChildExitWithoutMarkDead reports a child_exit hook that does not mark the
// worker dead.
var ChildExitWithoutMarkDead = &diagnostics.Rule{
	Code:     "MP202",
	Name:     "child-exit-without-mark-dead",
	Severity: diagnostics.Error,
	Title:    "child_exit hook does not call mark_process_dead",
	Servers:  []string{"gunicorn"},
	Doc: "gunicorn calls child_exit(server, worker) in the master after a worker exits, however it died. It is " +
		"the one place that sees every dead worker, and prometheus_client needs " +
		"multiprocess.mark_process_dead(worker.pid) there to delete the worker's live* gauge files; otherwise " +
		"livesum/livemax gauges keep counting workers that no longer exist. A child_exit that calls neither " +
		"mark_process_dead nor the exporter's mark_process_dead_on_child_exit (directly or through a helper in " +
		"the same file) leaves them behind.",
	Before: `def child_exit(server, worker):
    server.log.info("worker %s exited", worker.pid)`,
	After: `def child_exit(server, worker):
    server.log.info("worker %s exited", worker.pid)
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Appends the flavour's mark-dead call (imported inside the hook) to the hook body.",
	Applies: gunicornMultiprocess,
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		if !pass.Project.Facts.IsConfig(f) {
			return
		}
		h := f.Py.Func("child_exit")
		if h == nil || gunicornArity(h) != 2 || hookMarksDead(f.Py, h) {
			return
		}
		pass.Report(h.DefNameSpan(), "child_exit does not call mark_process_dead(worker.pid): live* gauge files of dead workers stay and keep counting").
			AddFix(insertMarkDeadFix(pass.Project, f, h))
	},
}

// markDeadLines is the flavour's mark-dead call with its import.
func markDeadLines(p *project.Project, workerVar string) []string {
	if p.Facts.Flavour == "exporter" {
		return []string{
			"from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics",
			"",
			"GunicornPrometheusMetrics.mark_process_dead_on_child_exit(" + workerVar + ".pid)",
		}
	}
	return []string{"from prometheus_client import multiprocess", "", "multiprocess.mark_process_dead(" + workerVar + ".pid)"}
}

func insertMarkDeadFix(p *project.Project, f *project.File, h *python.FuncDef) diagnostics.Fix {
	if strings.TrimSpace(f.Text(source.Span{Start: f.LineStartOf(h.BodyBlockSpan().Start), End: h.BodyBlockSpan().Start})) != "" {
		// A one-line suite (`def child_exit(server, worker): pass`): lines
		// added after it would land at module level, and fix-all re-added
		// them every round (found by FuzzFix). No fix.
		return diagnostics.Fix{}
	}
	worker := "worker"
	if len(h.Params) > 1 && h.Params[1].Name != "" {
		worker = h.Params[1].Name
	}
	var b strings.Builder
	for _, l := range markDeadLines(p, worker) {
		if l != "" {
			b.WriteString(h.BodyIndent + l)
		}
		b.WriteString("\n")
	}
	if strings.TrimSpace(f.Text(h.BodyBlockSpan())) == "pass" {
		return diagnostics.Fix{Title: "Call mark-dead in child_exit", Edits: []diagnostics.Edit{diagnostics.Replace(f, h.BodyBlockSpan(), strings.TrimPrefix(strings.TrimSuffix(b.String(), "\n"), h.BodyIndent))}}
	}
	at := f.LineEndOf(h.BodyBlockSpan().End - 1)
	text := b.String()
	if at == len(f.Src) && len(f.Src) > 0 && f.Src[len(f.Src)-1] != '\n' {
		text = "\n" + text
	}
	return diagnostics.Fix{Title: "Call mark-dead in child_exit", Edits: []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text}}}
}
