package codeactions

import (
	"sort"

	"github.com/multiprom/multiprom/diagnostics"
)

// takenEdits are the distinct edits fix-all has taken, per file, each
// file's sorted by start. No two of them conflict (see conflicts), so
// their spans follow one another and an edit can only conflict with its
// neighbours in that order: two lookups instead of a comparison with
// every edit taken in the file, which was quadratic in the fixes of one
// file (10,000 mode-less gauges in one module).
type takenEdits struct {
	byPath map[string][]diagnostics.Edit
	has    map[diagnostics.Edit]bool
}

func newTakenEdits() *takenEdits {
	return &takenEdits{byPath: map[string][]diagnostics.Edit{}, has: map[diagnostics.Edit]bool{}}
}

// at is where e goes in its file's edits: after every edit that starts
// where it does or before.
func (t *takenEdits) at(e diagnostics.Edit) int {
	es := t.byPath[e.Path]
	return sort.Search(len(es), func(i int) bool { return es[i].Span.Start > e.Span.Start })
}

// conflicts reports whether e conflicts with an edit taken in its file.
func (t *takenEdits) conflicts(e diagnostics.Edit) bool {
	es, i := t.byPath[e.Path], t.at(e)
	return conflicts(e, es[max(i-1, 0):min(i+1, len(es))])
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
	t.byPath[e.Path] = insertAt(t.byPath[e.Path], t.at(e), e)
	t.has[e] = true
	return true, true
}

// remove gives back an edit add took as novel.
func (t *takenEdits) remove(e diagnostics.Edit) {
	es := t.byPath[e.Path]
	for i := t.at(e) - 1; i >= 0 && es[i].Span.Start == e.Span.Start; i-- {
		if es[i] == e {
			t.byPath[e.Path] = append(es[:i], es[i+1:]...)
			break
		}
	}
	delete(t.has, e)
}

// insertAt inserts e at index i of es (fixes mostly come in position
// order: at the end).
func insertAt(es []diagnostics.Edit, i int, e diagnostics.Edit) []diagnostics.Edit {
	es = append(es, diagnostics.Edit{})
	copy(es[i+1:], es[i:])
	es[i] = e
	return es
}
