package python

import (
	"encoding/json"

	"github.com/multiprom/multiprom/internal/source"
)

// Expr is an expression as rules need it: its kind, its source text and,
// for string literals, their value.
//
// A project holds hundreds of thousands (every argument, assigned value
// and list element), and in a new `multiprom check` process every page
// they take is a page fault (bench/RESULTS.md): 48 bytes instead of the 80
// that the kind and value as strings and a full-width span took. The kind
// is the grammar symbol, and a plain literal's value is cut from Text.
type Expr struct {
	Text string // source text
	// elems points to the elements of a list, tuple or set (see Elements):
	// most expressions have none.
	elems *[]*Expr
	// str is a string literal's value when it is not cut from Text
	// (escapes, implicit concatenation, a parenthesised literal).
	str  *string
	span span32
	kind uint16 // grammar symbol (see Kind)
	// cut is where a plain literal's value lies in Text: it starts cut&15
	// bytes in and ends cut>>4 bytes before the end.
	cut   uint8
	flags uint8
}

const (
	exprIsStr  uint8 = 1 << iota // a plain string literal: Str is its value
	exprStrCut                   // the value is cut from Text (else str)
)

// Kind is the tree-sitter node type: "string", "integer", "identifier",
// "attribute", "call", "list", "tuple", "true", "lambda", ...
func (e *Expr) Kind() string { return symbolName(e.kind) }

// Span is where the expression is in the file.
func (e *Expr) Span() source.Span { return e.span.span() }

// IsStr reports whether the expression is a plain string literal (not an
// f-string or bytes) whose value Str returns.
func (e *Expr) IsStr() bool { return e.flags&exprIsStr != 0 }

// Str is the decoded value of a plain string literal; "" for anything
// else, except an implicit concatenation with an f-string part, which keeps
// what its plain parts decoded to (IsStr false).
func (e *Expr) Str() string {
	switch {
	case e.flags&exprStrCut != 0:
		return e.Text[e.cut&15 : len(e.Text)-int(e.cut>>4)]
	case e.str != nil:
		return *e.str
	}
	return ""
}

// setStr records a literal's value (ok: it is a plain string literal; a
// concatenation with an f-string keeps what it decoded, as before): cut
// from Text when it is Text's bytes from start to len(Text)-end, else kept
// apart.
func (e *Expr) setStr(value string, ok bool, start, end int) {
	e.flags &^= exprIsStr | exprStrCut
	e.str = nil
	if ok {
		e.flags |= exprIsStr
	}
	if value == "" {
		return
	}
	if start >= 0 && start < 16 && end >= 0 && end < 16 && start <= len(e.Text)-end &&
		e.Text[start:len(e.Text)-end] == value {
		e.cut = uint8(start) | uint8(end)<<4
		e.flags |= exprStrCut
		return
	}
	// A new string header here, not &value: taking the parameter's address
	// would move it to the heap on every call, cut or not.
	kept := new(string)
	*kept = value
	e.str = kept
}

// setText gives the expression another text and span (a parenthesised
// expression takes its parentheses'), keeping its value.
func (e *Expr) setText(text string, sp source.Span) {
	value, ok := e.Str(), e.IsStr()
	e.Text, e.span = text, pack(sp)
	e.setStr(value, ok, -1, -1)
}

// Elements returns the elements of a list, tuple or set expression.
func (e *Expr) Elements() []*Expr {
	if e.elems == nil {
		return nil
	}
	return *e.elems
}

// MarshalJSON writes what rules read of the expression (tests compare
// summaries through it).
func (e *Expr) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind, Text string
		Span       source.Span
		Str        string
		IsStr      bool
	}{e.Kind(), e.Text, e.Span(), e.Str(), e.IsStr()})
}
