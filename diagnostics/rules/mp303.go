package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/python"
)

// GaugeSetFunctionMultiproc reports Gauge.set_function in a multiprocess
// project, where the callback is never called by the scrape.
var GaugeSetFunctionMultiproc = &diagnostics.Rule{
	Code:     "MP303",
	Name:     "gauge-set-function-multiproc",
	Severity: diagnostics.Error,
	Title:    "Gauge.set_function does nothing in multiprocess mode",
	Doc: "set_function(f) replaces the gauge's in-memory sample with a call to f at collect time. In " +
		"multiprocess mode the scrape does not collect the gauge objects: a MultiProcessCollector reads the " +
		"values the workers wrote to PROMETHEUS_MULTIPROC_DIR, and set_function writes nothing there. The " +
		"series shows the gauge's initial 0 (one per pid with the default mode) and the callback is never " +
		"called.",
	Before: `QUEUE = Gauge("jobs_queued", "Jobs waiting", multiprocess_mode="livemax")
QUEUE.set_function(lambda: len(jobs))`,
	After: `QUEUE = Gauge("jobs_queued", "Jobs waiting", multiprocess_mode="livemax")

@app.before_request
def _sample_queue():
    QUEUE.set(len(jobs))  # or keep the value in Redis and expose it at scrape time`,
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		if runsAsOwnProcess(pass.Project, pass.File) {
			return // a script run on its own is one process
		}
		ix := pass.Project.Metrics()
		for _, c := range pass.File.Py.Select(setFunctionCalls) {
			decl := ix.Owner(pass.File, c)
			if decl == nil || decl.Type != "Gauge" {
				continue
			}
			pass.Report(c.Span(), "%s.set_function() is ignored in multiprocess mode: the scrape reads the workers' files, never calls the function, and shows 0; set the value where it changes, or keep it in Redis and expose it at scrape time", baseName(c))
		}
	},
}

// baseName is the receiver text of a method call for messages ("QUEUE").
func baseName(c *python.Call) string {
	if c.BaseName() != "" {
		return c.BaseName()
	}
	return c.Func
}
