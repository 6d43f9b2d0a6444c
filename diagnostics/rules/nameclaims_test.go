package rules

import (
	"testing"

	"github.com/multiprom/multiprom/internal/project"
)

func TestSameConcat(t *testing.T) {
	for _, c := range []struct {
		a1, a2, b1, b2 string
		want           bool
	}{
		{"jobs", "_total", "jobs_total", "", true},
		{"jobs_total", "", "jobs", "_total", true},
		{"jobs_", "total", "jobs", "_total", true},
		{"jobs", "_total", "jobs", "_created", false},
		{"jobs", "_sum", "job", "s_sum", true},
		{"a", "", "b", "", false},
		{"", "", "", "", true},
		{"ab", "c", "a", "bd", false},
	} {
		if got := sameConcat(c.a1, c.a2, c.b1, c.b2); got != c.want {
			t.Errorf("sameConcat(%q, %q, %q, %q) = %v, want %v", c.a1, c.a2, c.b1, c.b2, got, c.want)
		}
	}
}

// Names compare as concatenations, the first claim wins, and a name whose
// hash another name holds is still told apart (the collision is forced).
func TestNameClaims(t *testing.T) {
	counter := &project.MetricDecl{Var: "A", Type: "Counter"}     // jobs, jobs_total, jobs_created
	gauge := &project.MetricDecl{Var: "B", Type: "Gauge"}         // jobs_total
	other := &project.MetricDecl{Var: "C", Type: "Gauge"}         // other
	histogram := &project.MetricDecl{Var: "D", Type: "Histogram"} // latency, latency_bucket, ...
	nc := newNameClaims(0)
	nc.claimAll("jobs", counter)
	nc.claimAll("jobs_total", gauge)
	nc.claimAll("other", other)
	// Force "latency_count" into the slot that another name holds.
	nc.byHash[nc.hash("latency", "_count")] = nc.byHash[nc.hash("other", "")]
	nc.claimAll("latency", histogram)
	for _, c := range []struct {
		full, suffix string
		want         *project.MetricDecl
	}{
		{"jobs_total", "", counter}, {"jobs", "_created", counter}, {"job", "", nil},
		{"latency_count", "", histogram}, {"other", "", other}, {"latency", "_total", nil},
	} {
		if got := nc.get(c.full, c.suffix); got != c.want {
			t.Errorf("%s%s claimed by %v, want %v", c.full, c.suffix, got, c.want)
		}
	}
}
