package python

import (
	"strings"
	"testing"
)

// The callee index answers what a scan of Module.Calls would: the same
// calls, in the same (source) order.
func TestCalleeIndexMatchesScan(t *testing.T) {
	m := summarize(t, `from prometheus_client import Counter, Gauge as G
import prometheus_client as pc
C = Counter("c", "c")
g = G("g", "g")
def view():
    C.inc()
    g.set(1)
    pc.Counter("d", "d").labels(a=1).inc()
    remove()
    C.remove("x")
    g.labels("y").clear()
`)
	funcs := func(cs []*Call) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Func)
		}
		return strings.Join(out, " ")
	}
	scan := func(keep func(c *Call) bool) string {
		var out []*Call
		for _, c := range m.Calls {
			if keep(c) {
				out = append(out, c)
			}
		}
		return funcs(out)
	}
	tests := []struct {
		name      string
		got, want string
	}{
		{"CallsTo two names",
			funcs(m.CallsTo("prometheus_client.Gauge", "prometheus_client.Counter")),
			scan(func(c *Call) bool {
				return c.Qualified() == "prometheus_client.Gauge" || c.Qualified() == "prometheus_client.Counter"
			})},
		{"QualifiedCallees suffix",
			funcs(m.Select(QualifiedCallees(func(q string) bool { return strings.HasSuffix(q, "inc") }))),
			scan(func(c *Call) bool { return strings.HasSuffix(c.Qualified(), "inc") })},
		{"MethodsNamed skips bare names",
			funcs(m.Select(MethodsNamed("remove", "clear"))),
			scan(func(c *Call) bool { return c.MethodName() == "remove" || c.MethodName() == "clear" })},
		{"nothing", funcs(m.CallsTo("os.getenv")), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if got := funcs(m.CallsTo("prometheus_client.Gauge", "prometheus_client.Counter")); got != `Counter G pc.Counter` {
		t.Errorf("CallsTo order: %q", got)
	}
	if got := funcs(m.Select(MethodsNamed("remove", "clear"))); got != "C.remove g.labels().clear" {
		t.Errorf("MethodsNamed: %q", got)
	}
	if len(m.Select(ExactCallees("remove"))) != 1 || len(m.Select(ExactCallees("os.getenv"))) != 0 {
		t.Error("ExactCallees disagrees with the calls")
	}
}

// Select answers as a scan of the calls does, and remembers per query.
func TestSelectRemembersPerQuery(t *testing.T) {
	m := summarize(t, `from prometheus_client import Counter
C = Counter("c", "c")
C.inc()
C.labels("x").remove("x")
`)
	incs := QualifiedCallees(func(q string) bool { return strings.HasSuffix(q, "inc") })
	removes := MethodsNamed("remove")
	ctors := ExactCallees("prometheus_client.Counter")
	for _, tt := range []struct {
		q    *CalleeQuery
		want []*Call
	}{
		{incs, callsNamed(m, "C.inc")},
		{removes, callsNamed(m, "C.labels().remove")},
		{ctors, m.CallsTo("prometheus_client.Counter")},
	} {
		first := m.Select(tt.q)
		if len(first) != 1 || len(tt.want) != 1 || first[0] != tt.want[0] {
			t.Fatalf("Select = %v, want %v", first, tt.want)
		}
		if again := m.Select(tt.q); &again[0] != &first[0] {
			t.Error("Select computed the answer again instead of remembering it")
		}
	}
}

// callsNamed returns the calls whose callee text is fn.
func callsNamed(m *Module, fn string) []*Call {
	var out []*Call
	for _, c := range m.Calls {
		if c.Func == fn {
			out = append(out, c)
		}
	}
	return out
}

// Every call is in exactly one callee group, the group of its own callee,
// and each group lists its calls in source order with no spare capacity
// (the groups share one array: an append to one must not write into the
// next).
func TestCalleeIndexGroupsEveryCallOnce(t *testing.T) {
	m := summarize(t, `import time
from prometheus_client import Counter
C = Counter("c", "c")
def f():
    C.inc(); time.time(); C.inc(); C.labels("a").inc(); time.time(); g(); g(); C.inc()
`)
	seen := make([]int, len(m.Calls))
	for _, g := range m.CalleeGroups() {
		if cap(g.Calls) != len(g.Calls) {
			t.Errorf("group %q: cap %d, len %d", g.fn, cap(g.Calls), len(g.Calls))
		}
		for k, i := range g.Calls {
			seen[i]++
			if c := m.Calls[i]; c.Func != g.fn || c.BaseName() != g.Base {
				t.Errorf("call %d (%s) in group %q", i, c.Func, g.fn)
			}
			if k > 0 && g.Calls[k-1] >= i {
				t.Errorf("group %q: calls out of order: %v", g.fn, g.Calls)
			}
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("call %d (%s) is in %d groups", i, m.Calls[i].Func, n)
		}
	}
	if len(m.Calls) < 8 {
		t.Fatalf("only %d calls summarised: the test proves little", len(m.Calls))
	}
}
