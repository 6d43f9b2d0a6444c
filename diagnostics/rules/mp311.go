package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
)

// LabelRemovalMultiproc reports remove()/clear() on metrics in a
// multiprocess project.
var LabelRemovalMultiproc = &diagnostics.Rule{
	Code:     "MP311",
	Name:     "label-removal-multiproc",
	Severity: diagnostics.Warning,
	Title:    "remove()/clear() does not remove series in multiprocess mode",
	Doc: "remove(*labelvalues) and clear() drop label children from the process's memory only. In " +
		"multiprocess mode the values already written to the worker's files in PROMETHEUS_MULTIPROC_DIR " +
		"stay there, and the MultiProcessCollector keeps exporting them (other workers' children are not " +
		"touched at all), so the series do not go away. Series disappear only when the files are removed " +
		"(live* gauges of a dead worker via mark_process_dead, or a clean start).",
	Before:  `ACTIVE_USERS.remove(user_group)`,
	After:   `ACTIVE_USERS.labels(user_group).set(0)  # a value that means "gone"`,
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		ix := pass.Project.Metrics()
		for _, c := range pass.File.Py.Select(removeClearCalls) {
			decl := ix.Owner(pass.File, c)
			if decl == nil || decl.Exporter || c.Recv != nil {
				continue
			}
			pass.Report(c.Span(), "%s.%s() only forgets the labels in this process: in multiprocess mode the values stay in the workers' files and keep being exported", baseName(c), c.MethodName())
		}
	},
}
