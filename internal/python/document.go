package python

import (
	"context"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/multiprom/multiprom/internal/source"
)

// Document is the text of an editor buffer, kept current through edits,
// and the summary of that text. After the first Summarize it also keeps the
// tree-sitter tree of the last parse (until DropTree), told about every
// edit, so that the next parse is incremental. Text that is never
// summarised (a requirements file) is never parsed and costs only its
// bytes.
//
// The text is replaced, never modified in place: a summary's strings share
// its memory, and a check may still be reading an earlier summary.
//
// A Document is not safe for concurrent use. A dropped Document must have
// had DropTree called: the tree lives in C memory.
type Document struct {
	text  []byte
	lines *source.LineIndex // of text; nil until asked for

	// tree is the last parse, already adjusted with Tree.Edit for the edits
	// since (stale); nil before the first parse and after DropTree.
	tree  *sitter.Tree
	stale bool
	mod   *Module // summary of text; nil while an edit is not summarised
	// prev is the last summary while mod is nil: the next summary reuses
	// its statements that the edits did not touch.
	prev *Module
}

// NewDocument returns a Document holding text, which it takes over: the
// caller must not modify it afterwards.
func NewDocument(text []byte) *Document { return &Document{text: text} }

// Text is the current text. It is never modified: an edit replaces it.
func (d *Document) Text() []byte { return d.text }

// Lines is the line index of Text.
func (d *Document) Lines() *source.LineIndex {
	if d.lines == nil {
		d.lines = source.NewLineIndex(d.text)
	}
	return d.lines
}

// Module is the summary of Text, or nil when Summarize has not run since
// the last change.
func (d *Document) Module() *Module { return d.mod }

// HasTree reports whether a tree is kept for the next incremental parse.
func (d *Document) HasTree() bool { return d.tree != nil }

// DropTree frees the tree; the next Summarize parses from scratch. The
// summary is kept.
func (d *Document) DropTree() {
	if d.tree != nil {
		d.tree.Close()
		d.tree = nil
	}
	d.stale = false
}

// Replace sets the whole text, which the Document takes over. The tree no
// longer matches any of it and is dropped.
func (d *Document) Replace(text []byte) {
	d.retire()
	d.text, d.lines = text, nil
	d.DropTree()
}

// Edit replaces the bytes [start, end) of Text with text; 0 ≤ start ≤ end
// ≤ len(Text()). A kept tree is told about the edit (in bytes and byte
// points) so the next parse is incremental.
//
// It reports whether the edit only changed the inside of one comment (after
// its "#", no line break typed), which nothing outside the comment can see.
// That is read from the tree of the text before the edit, so it is false
// when there is none: never parsed, dropped, or stale after an edit not yet
// summarised.
func (d *Document) Edit(start, end int, text string) (inComment bool) {
	d.retire()
	idx := d.Lines()
	inComment = d.withinComment(idx, start, end) && !strings.ContainsAny(text, "\r\n")
	next := make([]byte, 0, len(d.text)-(end-start)+len(text))
	next = append(next, d.text[:start]...)
	next = append(next, text...)
	next = append(next, d.text[end:]...)
	var nextIdx *source.LineIndex
	if d.tree != nil {
		nextIdx = source.NewLineIndex(next)
		d.tree.Edit(sitter.EditInput{
			StartIndex:  uint32(start),
			OldEndIndex: uint32(end),
			NewEndIndex: uint32(start + len(text)),
			StartPoint:  point(idx.Position(start, source.UTF8)),
			OldEndPoint: point(idx.Position(end, source.UTF8)),
			NewEndPoint: point(nextIdx.Position(start+len(text), source.UTF8)),
		})
		d.stale = true
	}
	d.text, d.lines = next, nextIdx
	return inComment
}

// retire keeps the current summary as the base of the next one: the text
// is about to change.
func (d *Document) retire() {
	if d.mod != nil {
		d.prev = d.mod
	}
	d.mod = nil
}

// withinComment reports whether the bytes [start, end) lie inside one
// comment, after its "#", by a tree of the current text.
func (d *Document) withinComment(idx *source.LineIndex, start, end int) bool {
	if d.tree == nil || d.stale || start == 0 {
		return false
	}
	// From the byte before start: typing at the very end of a comment is
	// inside it, but the tree puts that point after it.
	a, b := point(idx.Position(start-1, source.UTF8)), point(idx.Position(end, source.UTF8))
	n := d.tree.RootNode().NamedDescendantForPointRange(a, b)
	return n != nil && n.Type() == "comment" && int(n.StartByte()) < start && end <= int(n.EndByte())
}

func point(p source.Position) sitter.Point {
	return sitter.Point{Row: uint32(p.Line), Column: uint32(p.Col)}
}

// Summarize brings the summary up to date with Text and returns it,
// parsing incrementally when a tree is kept; the new tree is kept.
//
// Around a syntax error, tree-sitter's incremental parse can recover
// differently from a parse from scratch (a call's statement ends
// elsewhere), and the command line parses from scratch: while the text has
// an error, it is parsed again from scratch so that the editor reports
// what CI reports.
func (d *Document) Summarize(ctx context.Context) (*Module, error) {
	if d.mod != nil {
		return d.mod, nil
	}
	var old *sitter.Tree
	if d.tree != nil && d.stale {
		old = d.tree
	}
	tree, err := ParsePython(ctx, old, d.text)
	if err == nil && old != nil && tree.RootNode().HasError() {
		tree.Close()
		tree, err = ParsePython(ctx, nil, d.text)
	}
	if err != nil {
		return nil, err
	}
	d.DropTree()
	d.tree = tree
	d.mod = SummarizeEdit(d.prev, tree, d.text)
	d.prev = nil
	return d.mod, nil
}
