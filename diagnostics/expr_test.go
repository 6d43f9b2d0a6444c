package diagnostics

import (
	"testing"
	"unsafe"
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
