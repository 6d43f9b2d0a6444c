package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// MultiprocDirNotCleaned reports a multiprocess directory that survives
// restarts.
var MultiprocDirNotCleaned = &diagnostics.Rule{
	Code:     "MP204",
	Name:     "multiproc-dir-not-cleaned",
	Severity: diagnostics.Warning,
	Title:    "PROMETHEUS_MULTIPROC_DIR is not emptied when gunicorn starts",
	Servers:  []string{"gunicorn", "uWSGI", "uvicorn --workers"},
	Doc: "prometheus_client never deletes the *.db files in PROMETHEUS_MULTIPROC_DIR. After a restart the new " +
		"workers' files join the old ones: counters resume from the previous run's totals plus the new ones " +
		"(MultiProcessCollector sums all files), gauges in mode \"all\" keep series of long-dead pids, and the " +
		"directory grows with every deploy. The prometheus_client docs require the directory to be wiped " +
		"between runs. Do it once per start: an on_starting hook in the gunicorn config, an entrypoint " +
		"`rm -rf` before exec gunicorn, systemd ExecStartPre, or a tmpfs mount. Not at module level of the " +
		"config: a HUP re-runs the config while the workers (and their files) live on.\n\n" +
		"uWSGI: `exec-asap = <command>` runs the command with /bin/sh in the master right after the configuration " +
		"is read — after `env =` lines are applied, before the app is loaded, before any fork — and again at each " +
		"reload that re-executes the master, when every worker is gone. exec-pre-app and hook-pre-app = exec:… " +
		"count too without lazy-apps; with lazy-apps they run in every worker as it loads the app, where an `rm` " +
		"would delete the live workers' files, so they do not count.\n\n" +
		"uvicorn --workers: its parent process runs no hook and no project code, and the app is imported in every " +
		"worker (where an rm would delete the files of workers already serving, and, from uvicorn 0.30, of the " +
		"workers alive when a dead one is replaced). Empty the directory before uvicorn starts: an rm or " +
		"find -delete in the start script, systemd ExecStartPre, or a tmpfs mount.",
	Before: `# gunicorn.conf.py
import os
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/metrics")`,
	After: `def on_starting(server):
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Adds an on_starting(server) hook that removes the previous run's *.db files (keeping the " +
		"master's own with preload_app), plus the variable preamble and child_exit where missing; creates " +
		"gunicorn.conf.py when there is none. No fix when an on_starting hook exists: add the clean-up to it. " +
		"For a uWSGI-served project it inserts `exec-asap = mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && rm -f " +
		"\"$PROMETHEUS_MULTIPROC_DIR\"/*.db` (and the env = line where missing) after the [uwsgi] line. " +
		"Under uvicorn --workers started from a shell script it inserts `mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && " +
		"rm -f \"$PROMETHEUS_MULTIPROC_DIR\"/*.db` (and the export where missing) on the line before the uvicorn " +
		"command; no fix for a command in a Dockerfile, compose file, Procfile or unit.",
	Project: true,
	Applies: func(p *project.Project) bool {
		return (gunicornMultiprocess(p) || uwsgiMultiprocess(p) || uvicornMultiprocess(p)) && dirUsed(p)
	},
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		if p.Facts.CleansAtStart() {
			return
		}
		if p.Facts.UvicornOnly() {
			at := p.Facts.MissingAnchor()
			if at == nil || cleansBeforeUvicornRun(p) {
				return
			}
			where := "in the start script before uvicorn (its parent process runs no hook)"
			if at.File.Kind == project.KindPython {
				where = "under the main guard before uvicorn.run (module-level code runs again in every spawned worker) or in the start script"
			}
			diag := showOnPython(p, pass.ReportIn(at.File, at.Span, "nothing empties PROMETHEUS_MULTIPROC_DIR before uvicorn starts: the previous run's *.db files are summed into this run's metrics; empty it %s", where))
			diag.AddFix(uvicornSetupFix(p))
			return
		}
		if uwsgiOnly(p) {
			if at := p.Facts.MissingAnchor(); at != nil {
				pass.ReportIn(at.File, at.Span, "nothing empties PROMETHEUS_MULTIPROC_DIR when uWSGI starts: the previous run's *.db files are summed into this run's metrics; add an exec-asap clean-up to the uWSGI configuration").AddFix(uwsgiSetupFix(p))
			}
			return
		}
		if cfg := p.Facts.Config(); cfg != nil {
			if h := cfg.Hook("on_starting"); h != nil {
				pass.ReportIn(cfg.File, h.DefNameSpan(), "on_starting does not empty PROMETHEUS_MULTIPROC_DIR: the previous run's *.db files are summed into this run's metrics; remove them here")
				return
			}
		}
		at := p.Facts.MissingAnchor()
		if at == nil {
			return
		}
		diag := showOnPython(p, pass.ReportIn(at.File, at.Span, "nothing empties PROMETHEUS_MULTIPROC_DIR when gunicorn starts: the previous run's *.db files are summed into this run's metrics"))
		if cfg := p.Facts.Config(); cfg == nil || cfg.Loaded {
			diag.AddFix(gunicornSetupFix(p))
		}
	},
}

// dirUsed reports whether some process really gets the directory: a set
// that reaches the gunicorn master, or one in app code (the workers use it).
// A set only in an unloaded config or an unread .env is MP205's business.
func dirUsed(p *project.Project) bool {
	for _, e := range p.Facts.EnvSets {
		if e.ReachesMaster || e.How == "app code" {
			return true
		}
	}
	return false
}
