package codeactions

import (
	"github.com/google/btree"

	"github.com/multiprom/multiprom/diagnostics"
)

// takenEdits are the distinct edits fix-all has taken, per file, each
// file's in a B-tree ordered by start. No two of them conflict (see
// conflicts), so no two share a start, their spans follow one another, and
// an edit can only conflict with its neighbours in that order: two lookups
// instead of a comparison with every edit taken in the file, which was
// quadratic in the fixes of one file (10,000 mode-less gauges in one
// module). A tree rather than a sorted slice: an edit that arrives before
// the last one taken (a fix that edits above its finding) cost a copy of
// the edits after it.
type takenEdits struct {
	byPath map[string]*btree.BTreeG[diagnostics.Edit]
	has    map[diagnostics.Edit]bool
}

func newTakenEdits() *takenEdits {
	return &takenEdits{byPath: map[string]*btree.BTreeG[diagnostics.Edit]{}, has: map[diagnostics.Edit]bool{}}
}

func startsBefore(a, b diagnostics.Edit) bool { return a.Span.Start < b.Span.Start }

// neighbours are the taken edits of e's file around e's start: the last
// that starts where e does or before, and the first that starts after.
func (t *takenEdits) neighbours(e diagnostics.Edit) []diagnostics.Edit {
	tree := t.byPath[e.Path]
	if tree == nil {
		return nil
	}
	var out []diagnostics.Edit
	tree.DescendLessOrEqual(e, func(a diagnostics.Edit) bool {
		out = append(out, a)
		return false
	})
	after := e
	after.Span.Start++
	tree.AscendGreaterOrEqual(after, func(a diagnostics.Edit) bool {
		out = append(out, a)
		return false
	})
	return out
}

// conflicts reports whether e conflicts with an edit taken in its file.
func (t *takenEdits) conflicts(e diagnostics.Edit) bool {
	return conflicts(e, t.neighbours(e))
}

// add takes e unless it conflicts with an edit taken in its file, and
// reports whether it did. An edit taken already is taken again, as
// nothing new.
func (t *takenEdits) add(e diagnostics.Edit) (ok, novel bool) {
	if t.has[e] {
		return true, false
	}
	if t.conflicts(e) {
		return false, false
	}
	tree := t.byPath[e.Path]
	if tree == nil {
		tree = btree.NewG(16, startsBefore)
		t.byPath[e.Path] = tree
	}
	tree.ReplaceOrInsert(e) // no taken edit starts where e does
	t.has[e] = true
	return true, true
}

// remove gives back an edit add took as novel.
func (t *takenEdits) remove(e diagnostics.Edit) {
	if !t.has[e] {
		return
	}
	t.byPath[e.Path].Delete(e)
	delete(t.has, e)
}
