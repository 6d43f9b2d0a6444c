package python

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// Summaries built one after another in pooled scratch memory must be what
// each would be alone, must own their lists (exact size, sharing no array
// with a later summary) and must not change when later ones are built.
func TestSummariesBuiltInScratchAreIndependent(t *testing.T) {
	srcs := []string{
		`import time
from prometheus_client import Counter, Gauge as G
C = Counter("c", "c")
g = G("g", "g")
def f(x):
    if x:
        C.inc(); time.time()
    else:
        C.labels("a").inc()
class K:
    def m(self):
        return g.set(1)
`,
		"x = (\n", // syntax errors
		"",
		strings.Repeat("h(a, [1, 2], k=v)\n", 300) + "def z():\n    pass\n",
		`from . import metrics
metrics.REQUESTS.labels(path="/").inc()
`,
	}
	var mods []*Module
	var snaps []string
	for round := 0; round < 2; round++ {
		for _, src := range srcs {
			m := summarize(t, src)
			m.CalleeGroups()
			mods = append(mods, m)
			snaps = append(snaps, snapshot(t, m)+calleeText(m))
		}
	}
	for i, m := range mods {
		if got := snapshot(t, m) + calleeText(m); got != snaps[i] {
			t.Errorf("summary %d changed after later summaries were built", i)
		}
		if j := i % len(srcs); snaps[i] != snaps[j] {
			t.Errorf("source %d summarised differently the second time", j)
		}
		lists := []struct {
			name     string
			len, cap int
		}{{"Calls", len(m.Calls), cap(m.Calls)}, {"Funcs", len(m.Funcs), cap(m.Funcs)},
			{"Classes", len(m.Classes), cap(m.Classes)}, {"Imports", len(m.Imports), cap(m.Imports)},
			{"Assigns", len(m.Assigns), cap(m.Assigns)}, {"Statements", len(m.Statements), cap(m.Statements)},
			{"chunks", len(m.chunks), cap(m.chunks)}, {"callees", len(m.callees), cap(m.callees)}}
		for _, l := range lists {
			if l.len != l.cap {
				t.Errorf("summary %d: %s has len %d, cap %d", i, l.name, l.len, l.cap)
			}
		}
		for k, o := range mods {
			if k != i && overlaps(m.Calls, o.Calls) {
				t.Errorf("summaries %d and %d share their Calls array", i, k)
			}
		}
	}
	if len(mods[3].Calls) < 300 {
		t.Fatalf("only %d calls in the large module: the scratch never had to grow", len(mods[3].Calls))
	}
}

func calleeText(m *Module) string {
	var sb strings.Builder
	for _, g := range m.CalleeGroups() {
		fmt.Fprintf(&sb, "%s|%s|%s|%v;", g.fn, g.Base, g.qual, g.Calls)
	}
	return sb.String()
}

// overlaps reports whether two non-empty slices share memory.
func overlaps[T any](a, b []T) bool {
	if cap(a) == 0 || cap(b) == 0 {
		return false
	}
	size := unsafe.Sizeof(a[:1][0])
	a0, b0 := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(cap(b))*size && b0 < a0+uintptr(cap(a))*size
}
