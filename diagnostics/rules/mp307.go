package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
)

// DuplicateMetricName reports two default-registry constructors whose
// exposed names collide.
var DuplicateMetricName = &diagnostics.Rule{
	Code:     "MP307",
	Name:     "duplicate-metric-name",
	Severity: diagnostics.Error,
	Title:    "Two metrics register the same name on the default registry",
	Doc: "The default registry refuses a second collector that claims a name already taken, with " +
		"ValueError: Duplicated timeseries in CollectorRegistry, at import time of the second module. A " +
		"family claims more than its name: a Counter \"x\" (or \"x_total\": the suffix is stripped) claims " +
		"x, x_total and x_created; a Histogram claims _bucket, _sum, _count and _created; a Summary _sum, " +
		"_count and _created; an Info _info. So Counter(\"jobs\") and Gauge(\"jobs_total\") collide, as do " +
		"Histogram(\"latency\") and Counter(\"latency_count\"). The later declaration is reported, pointing " +
		"at the first. Metrics with registry= (another registry), exporter methods, metrics made through a " +
		"helper that takes the class (it may return the one already registered), test modules and the two " +
		"sides of one if/else are not compared.",
	Before: `JOBS = Counter("jobs_total", "Jobs done")       # app/metrics.py
JOBS_DONE = Counter("jobs", "Jobs finished")   # app/tasks.py`,
	After: `JOBS = Counter("jobs_total", "Jobs done")                # app/metrics.py
JOBS_FINISHED = Counter("jobs_finished", "Jobs finished")   # app/tasks.py`,
	Project: true,
	Run: func(pass *diagnostics.Pass) {
		claimants := involved(pass.Project)
		names := 0
		for _, c := range claimants {
			names += len(c.decl.SampleSuffixes())
		}
		claims := newNameClaims(names)
		for _, c := range claimants {
			full, decl := c.full, c.decl
			reported := false
			for _, sfx := range decl.SampleSuffixes() {
				first := claims.get(full, sfx)
				if first == nil || first.Call == decl.Call || exclusiveBranches(first, decl) {
					continue
				}
				pass.ReportIn(decl.File, nameSpan(decl), "%s (exposed as %q) collides with %s at %s: both claim %q on the default registry, and prometheus_client raises ValueError: Duplicated timeseries when the second is created; rename one",
					declLabel(decl), full, declLabel(first), where(first.File, first.Call.Span().Start), full+sfx)
				reported = true
				break
			}
			if !reported {
				claims.claimAll(full, decl)
			}
		}
	},
}
