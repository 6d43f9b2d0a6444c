package rules

import (
	"strconv"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// pidLabelReplacement is what MP309's action renames the label to.
const pidLabelReplacement = "worker_pid"

// GaugePidLabel reports a Gauge label named pid in a multiprocess project.
var GaugePidLabel = &diagnostics.Rule{
	Code:     "MP309",
	Name:     "gauge-pid-label",
	Severity: diagnostics.Error,
	Title:    "A Gauge label named pid clashes with the label multiprocess mode adds",
	Doc: "In multiprocess mode the MultiProcessCollector labels every gauge sample with pid=<the worker's " +
		"pid> (multiprocess.py adds ('pid', pid) after the metric's own labels, so it overwrites yours), and " +
		"for the min/max/sum modes it then drops every pid label before combining. Your pid values are " +
		"lost: series that differ only in pid collapse into one, or are merged. The default mode \"all\" " +
		"already exports one series per worker pid; to keep your own value, name the label differently.",
	Before: `RSS = Gauge("worker_rss_bytes", "RSS", ["pid"])`,
	After:  `RSS = Gauge("worker_rss_bytes", "RSS", ["worker_pid"])`,
	Fix:    diagnostics.FixUnsafe,
	FixDoc: "Unsafe (applied by --fix only with --unsafe-fixes, and as an editor action): renames the label to \"" + pidLabelReplacement + "\" in the " +
		"declaration and in every .labels(pid=...) keyword the project shows. Dashboards and alerts that read " +
		"the pid label, and code that reaches the metric in ways multiprom cannot follow, must change too.",
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		for _, decl := range clientDecls(pass.Project.Metrics().DeclsIn(f), "Gauge") {
			labels, ok := decl.LabelNames()
			if !ok {
				continue
			}
			for _, l := range labels {
				if l.Str() != "pid" {
					continue
				}
				pass.Report(l.Span(), "%s has a label named pid: multiprocess mode overwrites it with the worker's pid (and drops it for min/max/sum modes), so its values are lost; rename it", declLabel(decl)).
					AddFix(renamePidFix(pass.Project, decl, l))
			}
		}
	},
}

func renamePidFix(p *project.Project, decl *project.MetricDecl, label *python.Expr) diagnostics.Fix {
	ix := p.Metrics()
	edits := []diagnostics.Edit{diagnostics.Replace(decl.File, label.Span(), strconv.Quote(pidLabelReplacement))}
	for _, mu := range ix.Uses(decl) {
		u := mu.Call
		if u.MethodName() != "labels" && u.MethodName() != "remove" {
			continue
		}
		if u.HasSplat() {
			return diagnostics.Fix{}
		}
		if a := u.Keyword("pid"); a != nil {
			uf := mu.File
			edits = append(edits, diagnostics.Replace(uf, source.Span{Start: a.Span().Start, End: a.Span().Start + len("pid")}, pidLabelReplacement))
		}
	}
	return diagnostics.Fix{Title: "Rename the label pid to " + pidLabelReplacement + " (here and in .labels() calls)", Edits: edits, Unsafe: true}
}
