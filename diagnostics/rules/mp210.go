package rules

import (
	"strconv"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/project"
)

// RecycledWorkersGrowFiles reports max_requests in multiprocess projects.
var RecycledWorkersGrowFiles = &diagnostics.Rule{
	Code:     "MP210",
	Name:     "recycled-workers-grow-files",
	Severity: diagnostics.Info,
	Title:    "max_requests recycles workers, and each leaves its metric files behind",
	Servers:  []string{"gunicorn", "uWSGI"},
	Doc: "In multiprocess mode every worker pid writes its own *.db files, and prometheus_client keeps the " +
		"files of dead workers (counters must not go backwards; mark_process_dead removes only live* gauge " +
		"files). max_requests restarts each worker after N requests, so a busy server accumulates files without " +
		"bound until the next restart, and every scrape reads all of them: scrapes slow down and memory grows. " +
		"Raise max_requests a lot, or restart (and clean the directory) periodically.\n\n" +
		"uWSGI recycles workers the same way with max-requests, max-worker-lifetime, reload-on-rss and " +
		"reload-on-as; each is reported in a uWSGI-served multiprocess project, unless app code names the " +
		"files by uWSGI worker id instead of pid (`MultiProcessValue(process_identifier=uwsgi.worker_id)`): a " +
		"recycled worker's replacement takes its id and reuses its files, so recycling adds none.",
	Before:  `max_requests = 1000`,
	After:   `max_requests = 100000  # and a periodic restart that empties PROMETHEUS_MULTIPROC_DIR`,
	FixDoc:  "No automatic fix: the right recycling interval depends on the app's leak rate and traffic.",
	Project: true,
	Applies: func(p *project.Project) bool { return gunicornMultiprocess(p) || uwsgiMultiprocess(p) },
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		for _, u := range p.Facts.Uwsgi {
			if p.Facts.FilesByWorkerID != nil {
				break
			}
			for _, name := range []string{"max-requests", "max-worker-lifetime", "reload-on-rss", "reload-on-as"} {
				if o, ok := u.Option(name); ok {
					if n, ok := deploy.UwsgiInt(o.Value); ok && n > 0 {
						pass.ReportIn(u.FileOf(o), o.Span, "%s = %d: every recycled uWSGI worker leaves its metric files in PROMETHEUS_MULTIPROC_DIR, and scrapes read them all", name, n)
						return
					}
				}
			}
		}
		for _, c := range p.Facts.LoadedConfigs() {
			if a := c.Setting("max_requests"); a != nil && a.Value != nil {
				if n, err := strconv.Atoi(a.Value.Text); err == nil && n > 0 {
					pass.ReportIn(c.File, a.Span, "max_requests = %d: every recycled worker leaves its metric files in PROMETHEUS_MULTIPROC_DIR, and scrapes read them all", n)
					return
				}
			}
		}
		for _, c := range append(append([]*project.CommandLine{}, p.Facts.Commands...), p.Facts.CmdArgs...) {
			if v, ok := c.Flag("", "--max-requests"); ok {
				if n, err := strconv.Atoi(v); err == nil && n > 0 {
					showOnPython(p, pass.ReportIn(c.File, c.Span, "--max-requests %d: every recycled worker leaves its metric files in PROMETHEUS_MULTIPROC_DIR, and scrapes read them all", n))
					return
				}
			}
		}
	},
}
