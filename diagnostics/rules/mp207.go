package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// RawEnvAfterConfigImport reports raw_env setting the variable in a config
// that imports prometheus_client at module level.
var RawEnvAfterConfigImport = &diagnostics.Rule{
	Code:     "MP207",
	Name:     "raw-env-after-config-import",
	Severity: diagnostics.Error,
	Title:    "raw_env sets PROMETHEUS_MULTIPROC_DIR after the config has imported prometheus_client",
	Servers:  []string{"gunicorn"},
	Doc: "gunicorn applies raw_env in Arbiter.setup, after the config file has run. A config that imports " +
		"prometheus_client at module level (directly, via prometheus_flask_exporter, or via the app's modules) " +
		"has already chosen per-process memory in the master; the forked workers inherit that module, so no " +
		"worker writes files and the multiprocess collector sees nothing. Import inside the hooks, or set the " +
		"variable before the import (top of the config) or in the process environment.",
	Before: `from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

raw_env = ["PROMETHEUS_MULTIPROC_DIR=/tmp/metrics"]`,
	After: `import os

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/metrics")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Sets the variable with os.environ.setdefault at the very top of the config, before the import (raw_env may stay).",
	Applies: func(p *project.Project) bool { return p.Facts.Gunicorn },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		p := pass.Project
		if p.Facts.ConfigFor(f) == nil {
			return
		}
		first := p.FirstPrometheusImport(f)
		if first == nil {
			return
		}
		for _, e := range p.EnvSetsIn(f) {
			if e.How != "raw_env" {
				continue
			}
			if setEarlier(p, f, first) {
				return
			}
			sp := snippetParams(p, nil, "")
			sp.MultiprocDir = e.Value
			at := diagnostics.TopInsertPoint(f)
			fix := diagnostics.Fix{}
			if e.Value != "" && !strings.ContainsAny(e.Value, "$`") {
				fix = diagnostics.Fix{Title: "Set " + e.Name + " at the very top of the config", Edits: []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: snippets.GunicornPreamble(sp) + "\n"}}}
			}
			pass.ReportIn(f, e.Span, "raw_env is applied after this config ran, but %s (line %d) has already imported prometheus_client: workers will not use %s", strings.TrimSpace(f.Text(first.Span)), f.Lines().Line(first.Span.Start)+1, e.Name).
				AddFix(fix)
		}
	},
}

// setEarlier reports whether the master already has the variable before the
// config's first prometheus import: the process environment, or a set in
// the config above that import. The latter counts even for a config no
// known command line loads (MP211 says so): whenever it runs, the set runs
// first. Requiring it to reach the master made this rule's own fix never
// satisfy it there, and fix-all insert it again every round (FuzzFixProject).
func setEarlier(p *project.Project, f *project.File, first *python.Import) bool {
	for _, e := range p.EnvSetsIn(f) {
		if e.How != "raw_env" && e.Span.Start < first.Span.Start {
			return true
		}
	}
	return setForMasterInCode(p)
}

// setForMasterInCode reports whether some set of the variable outside the
// gunicorn config and raw_env reaches the master. Asked per raw_env
// finding, it is a property of the project: computed once, not once per
// config file and finding (configs × sets in a monorepo).
func setForMasterInCode(p *project.Project) bool { return setForMaster.Get(p) }

var setForMaster = diagnostics.NewShared(func(p *project.Project) bool {
	for _, e := range p.Facts.EnvSets {
		if e.How != "raw_env" && e.ReachesMaster && e.How != "gunicorn config" {
			return true
		}
	}
	return false
})
