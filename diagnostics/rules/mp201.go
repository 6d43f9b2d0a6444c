package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
)

// MissingChildExit reports a multiprocess gunicorn project whose config does
// not mark dead workers.
var MissingChildExit = &diagnostics.Rule{
	Code:     "MP201",
	Name:     "missing-child-exit",
	Severity: diagnostics.Info, // an error when a live* gauge exists
	Title:    "gunicorn config has no child_exit hook to mark dead workers",
	Doc: "When a worker exits (max_requests, a timeout, a crash, kill -9) its metric files stay in " +
		"PROMETHEUS_MULTIPROC_DIR. multiprocess.mark_process_dead(pid), called from gunicorn's child_exit " +
		"hook in the master, deletes that pid's live* gauge files so livesum/livemax gauges stop counting a " +
		"dead worker (an in-progress gauge stays stuck otherwise). It only touches live* files, so without " +
		"live* gauges this is advice; with them it is a bug.\n\n" +
		"uWSGI has no equivalent, and this rule does not report uWSGI-served projects: no hook runs in the " +
		"master when a worker dies that Python code can use. The master reaps and respawns workers in C; the " +
		"uwsgi module's Python callbacks (uwsgi.atexit, uwsgidecorators' @postfork, signal handlers, mules) run " +
		"in workers or mules, and uwsgi.atexit runs only in a worker that exits gracefully (not one killed by " +
		"harakiri, SIGKILL or the OOM killer), with the same flaw as gunicorn's worker_exit (MP203). No fix " +
		"makes uWSGI exact here: a dead worker's live* gauge files stay until the next start (which the exec-asap " +
		"clean-up of MP204 empties). The closest substitute is code in the replacement worker — an @postfork " +
		"function, or module level with lazy-apps — that calls mark_process_dead for every pid with files in " +
		"the directory that uwsgi.workers() no longer lists (skipping uwsgi.masterpid()); it runs only when a " +
		"worker is respawned, so a gauge counts a dead worker until then.",
	Before: `# gunicorn.conf.py
workers = 4`,
	After: `# gunicorn.conf.py
workers = 4


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Adds child_exit(server, worker) calling the flavour's mark-dead function (and, where missing, the PROMETHEUS_MULTIPROC_DIR preamble and an on_starting clean-up); creates gunicorn.conf.py when the project has none.",
	Project: true,
	Applies: gunicornMultiprocess,
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		if cfg := p.Facts.Config(); cfg != nil && cfg.Hook("child_exit") != nil {
			return
		}
		at := p.Facts.MissingAnchor()
		if at == nil {
			return
		}
		msg := "no gunicorn child_exit hook calls mark_process_dead: files of dead workers stay"
		if cfg := p.Facts.Config(); cfg == nil {
			msg = "no gunicorn config with a child_exit hook: files of dead workers stay"
		}
		diag := pass.ReportIn(at.File, at.Span, "%s", msg)
		if liveGaugeExists(p) {
			diag.SetSeverity(diagnostics.Error)
			diag.Message += ", and live* gauges keep counting them"
		} else {
			diag.Message += " (live* gauges would keep counting them)"
		}
		diag.AddFix(gunicornSetupFix(p))
	},
}
