package rules

import (
	"slices"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// MultiprocCollectorOnSharedRegistry reports a MultiProcessCollector on a
// registry that also holds live metrics.
var MultiprocCollectorOnSharedRegistry = &diagnostics.Rule{
	Code:     "MP107",
	Name:     "multiproc-collector-on-shared-registry",
	Severity: diagnostics.Error,
	Title:    "MultiProcessCollector registered on a registry that also holds the metrics",
	Doc: "MultiProcessCollector reads every worker's files and yields the aggregated metrics. On the default " +
		"REGISTRY, or on a registry that metrics are also created on (registry=), the scrape carries each " +
		"metric twice: the aggregate from the files and this worker's own object, with the same names, which " +
		"Prometheus rejects or double-counts. The prometheus_client docs require a registry used only for the " +
		"collector; metrics stay on the default registry, which in multiprocess mode writes to the files.",
	Before: `registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
HITS = Counter("hits", "Hits", registry=registry)`,
	After: `registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
HITS = Counter("hits", "Hits")`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Drops registry= from the metric constructors that name the collector's registry. " +
		"No automatic fix for MultiProcessCollector(REGISTRY): the exposition needs its own registry (see MP104).",
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		m := f.Py
		for _, c := range m.Select(anyCollectorCalls) {
			reg := c.Positional(0)
			if a := c.Keyword("registry"); a != nil {
				reg = a.Value
			}
			if reg == nil {
				continue
			}
			if isDefaultRegistry(m, reg) {
				pass.Report(c.Span(), "MultiProcessCollector on the default REGISTRY: every scrape shows each metric twice (this worker's and the aggregate); use a registry of its own")
				continue
			}
			if !isIdentifier(reg.Text) {
				continue
			}
			if r := registersDefault(m, c, reg.Text); r != nil {
				pass.Report(r.Span(), "%s has a MultiProcessCollector and also registers the default REGISTRY: every scrape shows each metric twice (this worker's and the aggregate)", reg.Text)
				continue
			}
			var shared []*project.MetricDecl
			for _, decl := range f.MetricDecls() {
				if a := decl.Keyword("registry"); a != nil && a.Value.Text == reg.Text && sameScopeVar(decl.Call, c) {
					shared = append(shared, decl)
				}
			}
			if len(shared) == 0 {
				continue
			}
			fix := diagnostics.Fix{Title: "Create the metrics on the default registry (drop registry=" + reg.Text + ")"}
			for _, decl := range shared {
				if decl.Factory != nil {
					// registry= may be the factory's own, or a parameter
					// with a default of its own: dropping it is not known
					// to change what the constructor gets.
					fix.Edits = nil
					break
				}
				fix.Edits = append(fix.Edits, removeArg(f, decl.Call, decl.Call.Keyword("registry")))
			}
			pass.Report(c.Span(), "MultiProcessCollector on %s, which %d metric(s) are also created on: each appears twice in the scrape", reg.Text, len(shared)).AddFix(fix)
		}
	},
}

// sameScopeVar reports whether the registry name in the metric call refers
// to the same variable as in the collector call: same function, or the
// collector's registry is module level.
func sameScopeVar(metric, collector *python.Call) bool {
	return metric.Scope == collector.Scope || collector.Scope == nil
}

// removeArg deletes one argument with its separating comma.
func removeArg(f *project.File, c *python.Call, a *python.Arg) diagnostics.Edit {
	idx := -1
	for i, x := range c.Arguments() {
		if x == a {
			idx = i
		}
	}
	start, end := a.Span().Start, a.Span().End
	switch {
	case idx > 0:
		// from the end of the previous argument
		start = c.Arguments()[idx-1].Span().End
	case len(c.Arguments()) > 1:
		end = c.Arguments()[1].Span().Start
	}
	// Keep a trailing comma layout: ", registry=r," -> ","
	return diagnostics.Edit{Path: f.Path, Span: source.Span{Start: start, End: end}, NewText: ""}
}

// registersDefault finds reg.register(REGISTRY) in the same branch as the
// collector call.
func registersDefault(m *python.Module, collector *python.Call, reg string) *python.Call {
	for _, c := range m.Select(registerCalls) {
		if c.Scope != collector.Scope || c.Func != reg+".register" || !slices.Equal(c.Conds, collector.Conds) {
			continue
		}
		if a := c.Positional(0); a != nil && isDefaultRegistry(m, a) {
			return c
		}
	}
	return nil
}
