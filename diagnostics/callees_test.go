package diagnostics

import (
	"context"
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
		{"CallsWhere suffix",
			funcs(m.CallsWhere(func(q string) bool { return strings.HasSuffix(q, "inc") })),
			scan(func(c *Call) bool { return strings.HasSuffix(c.Qualified(), "inc") })},
		{"MethodCalls skips bare names",
			funcs(m.MethodCalls("remove", "clear")),
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
	if got := funcs(m.MethodCalls("remove", "clear")); got != "C.remove g.labels().clear" {
		t.Errorf("MethodCalls: %q", got)
	}
	if !m.HasCallee(func(q string) bool { return q == "remove" }) || m.HasCallee(func(q string) bool { return q == "os.getenv" }) {
		t.Error("HasCallee disagrees with the calls")
	}
}

// usesIn resolves each callee group once; it must find exactly the calls
// ownerOf accepts one by one, in the same order.
func TestUsesInMatchesOwnerOf(t *testing.T) {
	src := `from prometheus_client import Counter, Gauge
import metrics as mx
C = Counter("c", "c")
G = Gauge("g", "g")
def view():
    C.inc()
    G.labels("a").set(1)
    G.labels(a=1).labels(b=2).inc()
    mx.C.inc()
    (G.labels()).dec()
    "().".join(x)
    C()
    C.labels(x).remove("y")
    G.set(C.inc())
`
	f := &File{Path: "app/views.py", Kind: KindPython, Src: []byte(src)}
	m := summarize(t, src)
	f.Py = m
	decls := m.MetricDecls(f)
	if len(decls) != 2 {
		t.Fatalf("want 2 declarations, got %d", len(decls))
	}
	other := &File{Path: "metrics.py"}
	names := newMetricNames(map[*File]map[string]*MetricDecl{other: {"C": decls[0]}})
	names.bind("C", decls[0])
	names.bind("G", decls[1])
	names.bindModule("mx", other)
	var want []string
	for _, c := range m.Calls {
		if d := ownerOf(names, c); d != nil {
			want = append(want, c.Func+"→"+d.Var)
		}
	}
	declAt := map[*Call]int{decls[0].Call: 0, decls[1].Call: 1}
	var got []string
	for _, h := range usesIn(f, names, declAt) {
		got = append(got, m.Calls[h.k].Func+"→"+decls[h.at].Var)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("usesIn:\n got %v\nwant %v", got, want)
	}
	if len(want) < 8 {
		t.Errorf("the source should hold at least 8 uses, found %v", want)
	}
}

// Select answers as the uncached queries do, and remembers per query.
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
		{incs, m.CallsWhere(func(q string) bool { return strings.HasSuffix(q, "inc") })},
		{removes, m.MethodCalls("remove")},
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

// A later binding wins, as in Python; a module bound to a prefix hides an
// earlier one only for the names it exports.
func TestMetricNamesLaterBindingWins(t *testing.T) {
	a, b, c := &MetricDecl{Var: "a"}, &MetricDecl{Var: "b"}, &MetricDecl{Var: "c"}
	x, y := &File{Path: "x.py"}, &File{Path: "y.py"}
	exports := map[*File]map[string]*MetricDecl{x: {"A": a, "B": b}, y: {"A": c}}
	n := newMetricNames(exports)
	n.bind("m.A", b)     // own `m.A = Counter(...)`, then
	n.bindModule("m", x) // import x as m
	n.bindModule("m", y) // import y as m
	tests := []struct {
		name string
		want *MetricDecl
	}{
		{"m.A", c}, // y, the latest
		{"m.B", b}, // only x has B
		{"m.C", nil},
		{"A", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := n.lookup(tt.name); got != tt.want {
			t.Errorf("lookup(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	n.bind("m.A", a) // a later assignment rebinds it
	if got := n.lookup("m.A"); got != a {
		t.Errorf("after rebinding, lookup(m.A) = %v, want a", got)
	}
	if (*metricNames)(nil).lookup("m.A") != nil || !(*metricNames)(nil).empty() {
		t.Error("a nil table names nothing")
	}
}

// The metric index lists a metric's uses in file and source order, across
// the ways a module reaches it, and resolves each use's owner and file.
func TestMetricIndexUsesInOrder(t *testing.T) {
	srcs := map[string]string{
		"pkg/__init__.py": "",
		"pkg/metrics.py": `from prometheus_client import Counter, Gauge
JOBS = Counter("jobs", "Jobs")
LIVE = Gauge("live", "Live", multiprocess_mode="livesum")
JOBS.inc()
`,
		"pkg/a.py": `from pkg.metrics import JOBS, LIVE
def f():
    JOBS.inc()
    LIVE.inc()
    JOBS.labels().inc()
`,
		"pkg/b.py": `import pkg.metrics as m
from pkg import metrics
def g():
    m.JOBS.inc(2)
    metrics.LIVE.dec()
    metrics.JOBS.inc(3)
`,
	}
	var files []*File
	for path, src := range srcs {
		files = append(files, &File{Path: path, Kind: KindPython, Src: []byte(src)})
	}
	p := NewProject(context.Background(), "/w", files, Settings{})
	ix := p.Metrics()
	byVar := map[string]*MetricDecl{}
	for _, d := range ix.Decls() {
		byVar[d.Var] = d
	}
	show := func(us []MetricUse) string {
		var out []string
		for _, u := range us {
			out = append(out, u.File.Path+":"+u.Call.Func)
			if ix.Owner(u.File, u.Call) == nil {
				t.Errorf("%s %s: no owner", u.File.Path, u.Call.Func)
			}
		}
		return strings.Join(out, " ")
	}
	if got, want := show(ix.Uses(byVar["JOBS"])), "pkg/a.py:JOBS.inc pkg/a.py:JOBS.labels pkg/a.py:JOBS.labels().inc pkg/b.py:m.JOBS.inc pkg/b.py:metrics.JOBS.inc pkg/metrics.py:JOBS.inc"; got != want {
		t.Errorf("JOBS uses:\n got %s\nwant %s", got, want)
	}
	if got, want := show(ix.Uses(byVar["LIVE"])), "pkg/a.py:LIVE.inc pkg/b.py:metrics.LIVE.dec"; got != want {
		t.Errorf("LIVE uses:\n got %s\nwant %s", got, want)
	}
}

func TestIsTestFile(t *testing.T) {
	for path, want := range map[string]bool{
		"tests/helpers.py": true, "app/tests/x.py": true, "app/test/x.py": true, "test_x.py": true,
		"app/x_test.py": true, "conftest.py": true, "app/conftest.py": true,
		"app/testing/x.py": false, "app/views.py": false, "x.py": false, "contest/x.py": false, "app/tests.py": false,
	} {
		if got := IsTestFile(&File{Path: path}); got != want {
			t.Errorf("IsTestFile(%q) = %v, want %v", path, got, want)
		}
	}
}
