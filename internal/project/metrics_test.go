package project

import (
	"context"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/python"
)

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
	m := parsedModule(t, src)
	f.Py = m
	decls := f.MetricDecls()
	if len(decls) != 2 {
		t.Fatalf("want 2 declarations, got %d", len(decls))
	}
	names := &metricNames{}
	names.bind("C", decls[0])
	names.bind("G", decls[1])
	names.bindModule("mx", map[string]*MetricDecl{"C": decls[0]})
	var want []string
	for _, c := range m.Calls {
		if d := ownerOf(names, c); d != nil {
			want = append(want, c.Func+"→"+d.Var)
		}
	}
	var got []string
	segs := usesIn(f, names)
	if len(segs) != 1 || segs[0].from != f {
		t.Fatalf("want the uses of one declaring file, got %d groups", len(segs))
	}
	for _, h := range segs[0].hits {
		got = append(got, m.Calls[h.k].Func+"→"+decls[h.at].Var)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("usesIn:\n got %v\nwant %v", got, want)
	}
	if len(want) < 8 {
		t.Errorf("the source should hold at least 8 uses, found %v", want)
	}
}

// A later binding wins, as in Python; a module bound to a prefix hides an
// earlier one only for the names it exports.
func TestMetricNamesLaterBindingWins(t *testing.T) {
	a, b, c := &MetricDecl{Var: "a"}, &MetricDecl{Var: "b"}, &MetricDecl{Var: "c"}
	x, y := map[string]*MetricDecl{"A": a, "B": b}, map[string]*MetricDecl{"A": c}
	n := &metricNames{}
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
	p := NewProject(context.Background(), "/w", files, config.Settings{})
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

// parsedModule is the summary of src.
func parsedModule(t testing.TB, src string) *python.Module {
	t.Helper()
	m, err := python.Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
