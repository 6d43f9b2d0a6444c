package python

import (
	"context"
	"testing"
	"unsafe"

	"github.com/multiprom/multiprom/internal/source"
	sitter "github.com/smacker/go-tree-sitter"
)

// Expr's value is cut from its text when it can be, kept apart when it
// cannot; either way Str, IsStr, Kind and Span read as the fields they
// replaced did.
func TestExprStringValues(t *testing.T) {
	tests := []struct {
		src, kind, str string
		isStr          bool
	}{
		{`f("abc")`, "string", "abc", true},
		{`f('')`, "string", "", true},
		{`f("""doc""")`, "string", "doc", true},
		{`f(r"a\nb")`, "string", `a\nb`, true},
		{`f(u'x')`, "string", "x", true},
		{`f("a\nb")`, "string", "a\nb", true},
		{`f("a" 'b')`, "concatenated_string", "ab", true},
		{`f(("paren"))`, "string", "paren", true},
		{`f(f"x{y}")`, "string", "", false},
		{`f(b"x")`, "string", "", false},
		{`f(x)`, "identifier", "", false},
		{`f(1)`, "integer", "", false},
	}
	for _, tt := range tests {
		m := summarize(t, tt.src+"\n")
		e := m.Calls[0].Positional(0)
		if e == nil {
			t.Fatalf("%s: no argument", tt.src)
		}
		if e.Kind() != tt.kind || e.Str() != tt.str || e.IsStr() != tt.isStr {
			t.Errorf("%s: Kind %q Str %q IsStr %v; want %q %q %v", tt.src, e.Kind(), e.Str(), e.IsStr(), tt.kind, tt.str, tt.isStr)
		}
		if sp := e.Span(); tt.src[sp.Start:sp.End] != e.Text {
			t.Errorf("%s: Span %v is %q, Text %q", tt.src, sp, tt.src[sp.Start:sp.End], e.Text)
		}
	}
	if size := unsafe.Sizeof(Expr{}); size > 48 {
		t.Errorf("Expr is %d bytes, want at most 48 (bench/RESULTS.md)", size)
	}
}

// A call's span is its callee's start to its argument list's end, kept
// apart only when error recovery leaves one out; either way it is the call
// node's span, also after an edit shifts it (FuzzSummarizeEdit compares
// every incremental summary, spans included, with a fresh one).
func TestCallSpans(t *testing.T) {
	for _, src := range []string{
		"f(x)\n", "a.b(c)(d)\n", "x = g(\n  1,  # c\n)\n", "h(i for i in y)\n",
		"f(\n", "f(x\n", "(f)(x)\n", "print(\"a\" \"b\")\n", "G.labels('a').inc()\n",
	} {
		tree, err := ParsePython(context.Background(), nil, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		want := map[source.Span]bool{}
		var walk func(n *sitter.Node)
		walk = func(n *sitter.Node) {
			if n.Type() == "call" {
				want[source.Span{Start: int(n.StartByte()), End: int(n.EndByte())}] = true
			}
			for i := 0; i < int(n.ChildCount()); i++ {
				walk(n.Child(i))
			}
		}
		walk(tree.RootNode())
		m := SummarizeEdit(nil, tree, []byte(src))
		for _, c := range m.Calls {
			if !want[c.Span()] {
				t.Errorf("%q: call %s has span %v, not a call node's (%v)", src, c.Func, c.Span(), want)
			}
		}
		tree.Close()
	}
	for _, s := range []struct {
		name      string
		size, max uintptr
	}{{"Call", unsafe.Sizeof(Call{}), 72}, {"Arg", unsafe.Sizeof(Arg{}), 32}} {
		if s.size > s.max {
			t.Errorf("%s is %d bytes, want at most %d (bench/RESULTS.md)", s.name, s.size, s.max)
		}
	}
}

// The span kept apart, for a call node whose span is not its callee's
// start to its argument list's end (no input found in the stdlib or by
// mutating sources needs it; error recovery might), survives a clone and
// goes when the span is derivable again.
func TestCallOwnSpan(t *testing.T) {
	c := &Call{callee: span32{4, 5}, args: span32{5, 9}}
	if got := c.Span(); got != (source.Span{Start: 4, End: 9}) || c.extra != nil {
		t.Fatalf("derived span %v (extra %v), want {4 9} and no extra", got, c.extra)
	}
	c.setSpan(source.Span{Start: 2, End: 9})
	c.setTarget("x")
	if got := c.Span(); got != (source.Span{Start: 2, End: 9}) {
		t.Errorf("kept span %v, want {2 9}", got)
	}
	if d := c.clone(); d.Span() != (source.Span{Start: 2, End: 9}) || d.TargetName() != "x" || d.extra == c.extra {
		t.Errorf("clone: span %v, target %q, shares extra %v", d.Span(), d.TargetName(), d.extra == c.extra)
	}
	c.setSpan(source.Span{Start: 4, End: 9})
	if got := c.Span(); got != (source.Span{Start: 4, End: 9}) || c.extra == nil || c.extra.ownSpan || c.TargetName() != "x" {
		t.Errorf("after setting the derivable span: %v, extra %+v", got, c.extra)
	}
}
