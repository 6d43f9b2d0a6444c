package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/snippets"
)

// MissingChildExit reports a multiprocess gunicorn project whose config does
// not mark dead workers.
var MissingChildExit = &diagnostics.Rule{
	Code:     "MP201",
	Name:     "missing-child-exit",
	Severity: diagnostics.Info, // an error when a live* gauge exists
	Title:    "gunicorn config has no child_exit hook to mark dead workers",
	Servers:  []string{"gunicorn", "uWSGI"},
	Doc: "When a worker exits (max_requests, a timeout, a crash, kill -9) its metric files stay in " +
		"PROMETHEUS_MULTIPROC_DIR. multiprocess.mark_process_dead(pid), called from gunicorn's child_exit " +
		"hook in the master, deletes that pid's live* gauge files so livesum/livemax gauges stop counting a " +
		"dead worker (an in-progress gauge stays stuck otherwise). It only touches live* files, so without " +
		"live* gauges this is advice; with them it is a bug.\n\n" +
		"uWSGI has no equivalent: no hook runs in the master when a worker dies that Python code can use. The " +
		"master reaps and respawns workers in C; the uwsgi module's Python callbacks (uwsgi.atexit, " +
		"uwsgi.post_fork_hook and uwsgidecorators' @postfork, signal handlers, mules) run in workers or mules, and " +
		"uwsgi.atexit runs only in a worker that exits gracefully (not one killed by harakiri, SIGKILL or the OOM " +
		"killer), with the same flaw as gunicorn's worker_exit (MP203). What works is the replacement: uWSGI " +
		"forks a new worker as soon as one dies, and that worker can mark dead every pid with live* gauge files " +
		"that uwsgi.workers() no longer lists. In a uWSGI-served project the rule reports when no app code " +
		"calls mark_process_dead. Not exact: between the death and the respawn (normally well under a second; " +
		"longer when uWSGI throttles a worker that keeps dying) the dead worker still counts, and a mule or " +
		"spooler process that writes live* gauges is not in uwsgi.workers(), so its files would be deleted.\n\n" +
		"Not reported under uWSGI when app code names the files by worker id instead of pid " +
		"(`prometheus_client.values.ValueClass = MultiProcessValue(process_identifier=uwsgi.worker_id)`): the " +
		"worker uWSGI forks in a dead one's slot has its id and opens its files, so no file of a dead process " +
		"is left to mark. The new worker starts from the values the dead one left (counters go on, as they " +
		"should; a live* gauge the dead worker left raised, such as an in-progress count, stays raised until the " +
		"new worker sets it), and between the death and the respawn the dead worker still counts.\n\n" +
		"uvicorn --workers has no equivalent either, and the rule does not report there: its parent process runs " +
		"no project code. uvicorn 0.17 (Debian bookworm) never replaces a dead worker: the service runs with one " +
		"worker fewer and the dead one's live* files count until the next start. From 0.30 the parent checks its " +
		"workers every half second and starts a new one for each that died or stopped answering, with no hook " +
		"before or after; SIGHUP restarts them all and SIGTTOU stops one, again with no hook. Nothing calls " +
		"mark_process_dead, so a live* gauge counts a dead worker's last value as its non-live mode does, until " +
		"the directory is emptied at the next start (MP204).",
	Before: `# gunicorn.conf.py
workers = 4`,
	After: `# gunicorn.conf.py
workers = 4


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Adds child_exit(server, worker) calling the flavour's mark-dead function (and, where missing, the PROMETHEUS_MULTIPROC_DIR preamble and an on_starting clean-up); creates gunicorn.conf.py when the project has none. " +
		"Under uWSGI it appends to the app module (uWSGI's module or wsgi-file, else the module that builds the Flask app) a function the replacement worker runs: at import with lazy-apps, else through uwsgi.post_fork_hook, chained to one already set.",
	Project: true,
	Applies: func(p *project.Project) bool { return gunicornMultiprocess(p) || uwsgiMultiprocess(p) },
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		if uwsgiOnly(p) {
			if p.Facts.FilesByWorkerID == nil {
				uwsgiMissingMarkDead(pass)
			}
			return
		}
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
		diag := showOnPython(p, pass.ReportIn(at.File, at.Span, "%s", msg))
		if liveGaugeExists(p) {
			diag.SetSeverity(diagnostics.Error)
			diag.Message += ", and live* gauges keep counting them"
		} else {
			diag.Message += " (live* gauges would keep counting them)"
		}
		diag.AddFix(gunicornSetupFix(p))
	},
}

// uwsgiMissingMarkDead reports a uWSGI-served project where no code marks
// dead workers, and offers the replacement-worker hook (see the rule's Doc).
func uwsgiMissingMarkDead(pass *diagnostics.Pass) {
	p := pass.Project
	for _, f := range p.PythonFiles() {
		if !standaloneOrTest(p, f) && strings.Contains(string(f.Src), "mark_process_dead") {
			return
		}
	}
	at := p.Facts.MissingAnchor()
	if at == nil {
		return
	}
	diag := pass.ReportIn(at.File, at.Span, "uWSGI has no child_exit: nothing marks a dead worker's files, and no replacement worker does it either")
	if liveGaugeExists(p) {
		diag.SetSeverity(diagnostics.Error)
		diag.Message += "; live* gauges keep counting dead workers"
	} else {
		diag.Message += " (live* gauges would keep counting them)"
	}
	if f := uwsgiAppFile(p); f != nil {
		diag.AddFix(diagnostics.Fix{Title: "Mark dead uWSGI workers from the worker that replaces them", Edits: []diagnostics.Edit{diagnostics.AppendToFile(f, snippets.UwsgiMarkDead())}})
	}
}

// uwsgiAppFile is the module uWSGI loads as the app: its module, wsgi-file
// or mount's app (pkg.mod, pkg.mod:callable or a path), else the module
// that builds the app.
func uwsgiAppFile(p *project.Project) *project.File {
	for _, u := range p.Facts.Uwsgi {
		for _, app := range u.AppModules() {
			mod, _, _ := strings.Cut(app, ":")
			if f := p.ModuleFile(mod); f != nil {
				return f
			}
			if f := p.File(app); f != nil {
				return f
			}
		}
	}
	if len(p.Facts.Apps) > 0 {
		return p.Facts.Apps[0].File
	}
	return nil
}
