// Package codeactions turns the engine's fixes into changed file contents:
// applying edits, fix-all to a fixed point, and safe writes for --fix.
package codeactions

import (
	"fmt"
	"sort"

	"github.com/multiprom/multiprom/diagnostics"
)

// ApplyEdits applies edits (byte spans of src) and returns the new text.
// Edits must not overlap; identical duplicates are applied once.
func ApplyEdits(src []byte, edits []diagnostics.Edit) ([]byte, error) {
	es := dedupe(edits)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Span.Start < es[j].Span.Start })
	out := make([]byte, 0, len(src))
	pos := 0
	for _, e := range es {
		if e.Span.Start < pos || e.Span.End < e.Span.Start || e.Span.End > len(src) {
			return nil, fmt.Errorf("apply edits: edit %d-%d overlaps another or lies outside the %d-byte text", e.Span.Start, e.Span.End, len(src))
		}
		out = append(out, src[pos:e.Span.Start]...)
		out = append(out, e.NewText...)
		pos = e.Span.End
	}
	return append(out, src[pos:]...), nil
}

// dedupe drops the repeats of identical edits, keeping the first of each,
// in order (a set: a module with thousands of fixes in one file made the
// pairwise comparison quadratic).
func dedupe(edits []diagnostics.Edit) []diagnostics.Edit {
	out := make([]diagnostics.Edit, 0, len(edits))
	seen := make(map[diagnostics.Edit]bool, len(edits))
	for _, e := range edits {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// conflicts reports whether e overlaps any accepted edit without being
// identical to it. Two insertions at the same point conflict too: their
// order would be arbitrary.
func conflicts(e diagnostics.Edit, accepted []diagnostics.Edit) bool {
	for _, a := range accepted {
		if a == e {
			continue
		}
		if a.Path != e.Path {
			continue
		}
		if e.Span.Start < a.Span.End && a.Span.Start < e.Span.End {
			return true
		}
		if e.Span.Start == a.Span.Start || (e.Span.Start == e.Span.End && e.Span.Start > a.Span.Start && e.Span.Start < a.Span.End) ||
			(a.Span.Start == a.Span.End && a.Span.Start > e.Span.Start && a.Span.Start < e.Span.End) {
			return true
		}
	}
	return false
}
