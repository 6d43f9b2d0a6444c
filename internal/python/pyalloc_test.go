package python

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestWalkAllocatesPerChunkNotPerCall holds the walk to its estimates: a
// module of many calls with arguments allocates a few arrays per function,
// not an object per call, argument and expression. A change to the grammar
// names the estimate counts (see sizeKinds) would fall back to one allocation
// each and fail here.
func TestWalkAllocatesPerChunkNotPerCall(t *testing.T) {
	var b strings.Builder
	b.WriteString("from prometheus_client import Counter\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "def view_%d(request):\n", i)
		for j := 0; j < 10; j++ {
			fmt.Fprintf(&b, "    C.labels(endpoint=\"e%d\", method=request.method).inc(%d, [1, 2])\n", j, j)
		}
	}
	src := []byte(b.String())
	tree, err := ParsePython(context.Background(), nil, src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	m := SummarizeEdit(nil, tree, src)
	if len(m.Calls) != 400 {
		t.Fatalf("summary has %d calls, want 400", len(m.Calls))
	}
	args := 0
	for _, c := range m.Calls {
		args += len(c.Arguments())
	}
	allocs := testing.AllocsPerRun(5, func() { SummarizeEdit(nil, tree, src) })
	// 400 calls, 800 arguments and 1,000 expressions were 2,600 allocations
	// or more. Now each chained call's Func ("C.labels().inc") is a string
	// of its own (200), and each function a handful of arrays.
	if allocs > 500 {
		t.Errorf("Summarize allocated %.0f times for %d calls and %d arguments; want at most 500", allocs, len(m.Calls), args)
	}
}
