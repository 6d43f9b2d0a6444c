package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
)

// NonBaseUnit reports names in non-base units or unit abbreviations.
var NonBaseUnit = &diagnostics.Rule{
	Code:     "MP403",
	Name:     "non-base-unit",
	Severity: diagnostics.Info,
	Title:    "Metric name uses a non-base unit or a unit abbreviation",
	Doc: "Prometheus convention (and promtool check metrics) wants base units — seconds, bytes, meters, " +
		"grams, joules, volts, amperes, celsius — spelled out, so every metric can be combined with every " +
		"other without conversion factors, and dashboards pick the right unit. promtool reports " +
		"\"use base unit\" for minutes/hours/days/weeks, prefixed units (milliseconds, kilobytes, ...), " +
		"bits, fahrenheit, inches/yards/miles, pounds/ounces and calories, and \"abbreviated units\" for a " +
		"name part that is s, ms, us, ns, sec, b, kb, mb, gb, tb, pb, m, h or d.",
	Before: `LATENCY = Histogram("request_latency_ms", "Latency")`,
	After:  `LATENCY = Histogram("request_latency_seconds", "Latency")  # observe seconds`,
	Run: func(pass *diagnostics.Pass) {
		for _, decl := range namedDecls(pass.Project, pass.File) {
			full, _ := decl.FullName()
			if unit, base, ok := nonBaseUnit(full); ok {
				pass.Report(nameSpan(decl), "metric name %q uses %q: use the base unit %q (and convert the values)", full, unit, base)
				continue
			}
			if abbr, base, ok := abbreviatedUnit(full); ok {
				hint := "spell out the base unit"
				if base != "" {
					hint = "use _" + base + " (and convert the values)"
				}
				pass.Report(nameSpan(decl), "metric name %q contains the abbreviated unit %q: %s", full, abbr, hint)
			}
		}
	},
}
