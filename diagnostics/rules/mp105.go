package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// MultiprocRegistryWithoutProcessMetrics reports per-request multiprocess
// registries that lose process_* and python_* metrics.
var MultiprocRegistryWithoutProcessMetrics = &diagnostics.Rule{
	Code:     "MP105",
	Name:     "multiproc-registry-without-process-metrics",
	Severity: diagnostics.Info,
	Title:    "Multiprocess registry without process, platform and GC collectors",
	Doc: "A fresh CollectorRegistry with a MultiProcessCollector exposes only what the workers wrote to " +
		"their files. The process_* (memory, CPU, open fds, start time), python_info and python_gc_* " +
		"metrics come from collectors registered on the default registry, which this registry does not " +
		"include, so they silently disappear from the scrape when the app switches to multiprocess mode. " +
		"Registering ProcessCollector, PlatformCollector and GCCollector on the registry brings them back " +
		"(they describe the worker answering the scrape).",
	Before: `registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)`,
	After: `registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
ProcessCollector(registry=registry)
PlatformCollector(registry=registry)
GCCollector(registry=registry)`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Adds ProcessCollector, PlatformCollector and GCCollector on that registry right after the MultiProcessCollector line, with their imports.",
	Applies: nil, // the registry is multiprocess by construction
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		m := f.Py
		for _, c := range m.Select(clientCollectorCalls) {
			reg := c.Positional(0)
			if a := c.Keyword("registry"); a != nil {
				reg = a.Value
			}
			if reg == nil || !isIdentifier(reg.Text) || !freshRegistry(m, c.Scope, reg.Text) {
				continue
			}
			if registersProcessCollectors(m, c.Scope, reg.Text) {
				continue
			}
			pass.Report(c.Span(), "registry `%s` has a MultiProcessCollector but no ProcessCollector/PlatformCollector/GCCollector: process_* and python_* metrics disappear", reg.Text).
				AddFix(processCollectorsFix(f, c, reg.Text))
		}
	},
}

// freshRegistry reports whether name is assigned CollectorRegistry() in scope.
func freshRegistry(m *python.Module, scope *python.FuncDef, name string) bool {
	for _, a := range m.Assigns {
		if a.Scope == scope && a.Target == name && a.Value != nil && a.Value.Kind() == "call" &&
			strings.HasSuffix(m.Qualify(strings.SplitN(a.Value.Text, "(", 2)[0]), "CollectorRegistry") {
			return true
		}
	}
	return false
}

// collectorOrRegisterCalls: the process/platform/GC collectors and any
// .register() call.
var collectorOrRegisterCalls = python.QualifiedCallees(func(q string) bool {
	last := q[strings.LastIndexByte(q, '.')+1:]
	return last == "ProcessCollector" || last == "PlatformCollector" || last == "GCCollector" || last == "register"
})

// registersProcessCollectors reports whether the scope puts any of the
// process/platform/GC collectors (or the whole default registry) on reg.
func registersProcessCollectors(m *python.Module, scope *python.FuncDef, reg string) bool {
	for _, c := range m.Select(collectorOrRegisterCalls) {
		if c.Scope != scope {
			continue
		}
		q := c.Qualified()
		last := q[strings.LastIndexByte(q, '.')+1:]
		if last == "ProcessCollector" || last == "PlatformCollector" || last == "GCCollector" {
			return true
		}
		if c.Func == reg+".register" {
			if a := c.Positional(0); a != nil {
				for _, n := range []string{"PROCESS_COLLECTOR", "PLATFORM_COLLECTOR", "GC_COLLECTOR", "REGISTRY"} {
					if strings.HasSuffix(m.Qualify(a.Text), n) {
						return true
					}
				}
			}
		}
	}
	return false
}

func processCollectorsFix(f *project.File, c *python.Call, reg string) diagnostics.Fix {
	st := f.Text(c.StatementSpan())
	if !strings.HasSuffix(st, f.Text(c.Span())) {
		return diagnostics.Fix{}
	}
	indent := f.IndentOf(c.StatementSpan().Start)
	at := f.LineEndOf(c.StatementSpan().End - 1)
	text := indent + "ProcessCollector(registry=" + reg + ")\n" +
		indent + "PlatformCollector(registry=" + reg + ")\n" +
		indent + "GCCollector(registry=" + reg + ")\n"
	if at == len(f.Src) && (len(f.Src) == 0 || f.Src[len(f.Src)-1] != '\n') {
		text = "\n" + text
	}
	edits := diagnostics.AddImports(f, []string{
		"from prometheus_client import GCCollector",
		"from prometheus_client import PlatformCollector",
		"from prometheus_client import ProcessCollector",
	})
	edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text})
	return diagnostics.Fix{Title: "Register the process, platform and GC collectors on " + reg, Edits: edits}
}
