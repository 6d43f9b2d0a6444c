package python

import (
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/multiprom/multiprom/internal/source"
	sitter "github.com/smacker/go-tree-sitter"
)

// snapshot is a deep copy of what rules read of a Module, as text
// (exported fields through JSON, and every call's resolved callee).
func snapshot(t testing.TB, m *Module) string {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Calls {
		b = append(b, c.Qualified()...)
	}
	return string(b)
}

// editedSummary applies one edit to src the way the server does (Tree.Edit
// and an incremental parse) and returns the new text with its summary
// built by SummarizeEdit from prev.
func editedSummary(t testing.TB, src []byte, tree *sitter.Tree, prev *Module, start, end int, ins string) ([]byte, *sitter.Tree, *Module) {
	next := append(append(append([]byte{}, src[:start]...), ins...), src[end:]...)
	old, nxt := source.NewLineIndex(src), source.NewLineIndex(next)
	pt := func(idx *source.LineIndex, off int) sitter.Point {
		p := idx.Position(off, source.UTF8)
		return sitter.Point{Row: uint32(p.Line), Column: uint32(p.Col)}
	}
	tree.Edit(sitter.EditInput{StartIndex: uint32(start), OldEndIndex: uint32(end), NewEndIndex: uint32(start + len(ins)),
		StartPoint: pt(old, start), OldEndPoint: pt(old, end), NewEndPoint: pt(nxt, start+len(ins))})
	newTree, err := ParsePython(context.Background(), tree, next)
	if err != nil {
		t.Fatal(err)
	}
	return next, newTree, SummarizeEdit(prev, newTree, next)
}

// checkEditSummary fails when the incremental summary differs from a full
// summary of the same (incrementally parsed) tree, or, when the new text
// has no syntax error, from a summary of a fresh parse; or when the
// earlier summary was changed by the edit. (With syntax errors tree-sitter's
// incremental and fresh parses may recover differently, and chunks are not
// reused then.)
func checkEditSummary(t testing.TB, src []byte, start, end int, ins string) {
	tree, err := ParsePython(context.Background(), nil, src)
	if err != nil {
		t.Fatal(err)
	}
	prev := SummarizeEdit(nil, tree, src)
	before := snapshot(t, prev)
	next, newTree, got := editedSummary(t, src, tree, prev, start, end, ins)
	tree.Close()
	defer newTree.Close()
	// DeepEqual follows the pointers and compares unexported fields too
	// (Call.qual, the chunks).
	if want := SummarizeEdit(nil, newTree, next); !reflect.DeepEqual(got, want) {
		t.Fatalf("edit [%d,%d) -> %q of\n%s\nincremental summary differs from a full one of the same tree:\n got %s\nwant %s",
			start, end, ins, src, snapshot(t, got), snapshot(t, want))
	}
	fresh, err := ParsePython(context.Background(), nil, next)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if !fresh.RootNode().HasError() {
		if want := SummarizeEdit(nil, fresh, next); !reflect.DeepEqual(got, want) {
			t.Fatalf("edit [%d,%d) -> %q of\n%s\nincremental summary differs from a fresh one:\n got %s\nwant %s",
				start, end, ins, src, snapshot(t, got), snapshot(t, want))
		}
	}
	if after := snapshot(t, prev); after != before {
		t.Fatalf("edit [%d,%d) -> %q changed the previous summary", start, end, ins)
	}
}

// TestSummarizeEditMatchesFresh edits every Python file of the repository
// at random places with text that changes statements, imports, spans and
// syntax, and compares the incremental summary with a fresh one.
func TestSummarizeEditMatchesFresh(t *testing.T) {
	var sources [][]byte
	_ = filepath.Walk("../..", func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") && !strings.Contains(p, "node_modules") && info.Size() < 100_000 {
			if b, err := os.ReadFile(p); err == nil {
				sources = append(sources, b)
			}
		}
		return nil
	})
	if len(sources) < 20 {
		t.Fatalf("only %d sources", len(sources))
	}
	inserts := []string{"#", "x", "\n", " ", "(", ")", "'", ":", "    ", "import os as prometheus_client\n",
		"from prometheus_client import Gauge as Counter\n", "G = Gauge('a', 'b')\n", "def f(:\n", "\nclass C:\n    pass\n"}
	rnd := rand.New(rand.NewSource(1))
	for _, src := range sources {
		for k := 0; k < 6; k++ {
			start := rnd.Intn(len(src) + 1)
			end := start
			if k%3 == 2 && start < len(src) {
				end = start + rnd.Intn(min(40, len(src)-start)+1)
			}
			checkEditSummary(t, src, start, end, inserts[rnd.Intn(len(inserts))])
		}
	}
}

// TestSummarizeEditReuses checks that an edit inside one function re-walks
// that function only: the statements before it are shared with the earlier
// summary, the ones after it are copies.
func TestSummarizeEditReuses(t *testing.T) {
	src := []byte("from prometheus_client import Gauge\n\nA = Gauge('a', 'A')\n\n\ndef f():\n    A.inc()\n\n\ndef g():\n    A.dec()\n")
	tree, _ := ParsePython(context.Background(), nil, src)
	prev := SummarizeEdit(nil, tree, src)
	at := strings.Index(string(src), "A.inc")
	_, newTree, got := editedSummary(t, src, tree, prev, at, at, "B.inc()\n    ")
	defer newTree.Close()
	if got.Calls[0] != prev.Calls[0] {
		t.Error("the Gauge call before the edit was not shared")
	}
	last := got.Calls[len(got.Calls)-1]
	if last == prev.Calls[len(prev.Calls)-1] || last.Func != "A.dec" || last.Span().Start != prev.Calls[len(prev.Calls)-1].Span().Start+len("B.inc()\n    ") {
		t.Errorf("the call after the edit: %+v", last)
	}
	if len(got.Calls) != len(prev.Calls)+1 {
		t.Errorf("calls: %d, want %d", len(got.Calls), len(prev.Calls)+1)
	}
}

// FuzzSummarizeEdit: any edit of any text summarises as a fresh parse does.
func FuzzSummarizeEdit(f *testing.F) {
	f.Add("from prometheus_client import Gauge\nG = Gauge('a', 'b')\n\ndef f():\n    G.inc()\n", 40, 2, "x")
	f.Add("import os\nx = 1; y = f(2)\n# c\n", 10, 0, "\n")
	f.Add("def f(:\n    pass\nG = Gauge(\n", 3, 5, "")
	f.Fuzz(func(t *testing.T, src string, at, del int, ins string) {
		// Editors send valid text and edit between characters (an edit
		// inside a UTF-8 sequence makes tree-sitter's incremental parse
		// differ from a fresh one, which no client can cause).
		if len(src) > 4000 || len(ins) > 200 || !utf8.ValidString(src) || !utf8.ValidString(ins) {
			return
		}
		if at < 0 {
			at = -at
		}
		at %= len(src) + 1
		if del < 0 {
			del = -del
		}
		end := min(len(src), at+del%64)
		for at > 0 && at < len(src) && !utf8.RuneStart(src[at]) {
			at--
		}
		for end < len(src) && !utf8.RuneStart(src[end]) {
			end++
		}
		checkEditSummary(t, []byte(src), at, end, ins)
	})
}
