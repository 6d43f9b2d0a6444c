package lsp

import (
	"context"
	"fmt"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"go.lsp.dev/protocol"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// maxTrees is how many documents keep their tree-sitter tree between edits.
// A tree costs several times its source; documents not being edited keep
// only their summary and are parsed from scratch when edited again.
const maxTrees = 2

// document is an open editor buffer. Its text wins over the disk.
type document struct {
	uri     protocol.DocumentURI
	ws      *workspace
	rel     string // slash path relative to ws.root
	kind    project.Kind
	version int32
	text    []byte
	lines   *source.LineIndex // of text

	// tree is the last parse, already adjusted with Tree.Edit for edits
	// since (treeStale); nil when dropped to save memory.
	tree      *sitter.Tree
	treeStale bool
	py        *python.Module // summary of text; nil when stale
	// prevPy is the last summary while py is stale: the next summary
	// reuses its statements that the edits did not touch.
	prevPy   *python.Module
	lastEdit int64 // Server.editSeq at the last edit or open

	// Results of the last check of this document (see check.go).
	checked        bool
	checkedAt      int32                     // version checked
	file           *project.File             // the File the findings' spans refer to
	perFile        []*diagnostics.Diagnostic // per-file rules, valid while facts hold
	project        []*diagnostics.Diagnostic // project rules
	published      string                    // fingerprint of what was last published
	factsSeen      string                    // workspace facts key perFile was computed under
	generationSeen int                       // workspace generation perFile was computed at
}

func (d *document) index() *source.LineIndex {
	if d.lines == nil {
		d.lines = source.NewLineIndex(d.text)
	}
	return d.lines
}

func (d *document) dropTree() {
	if d.tree != nil {
		d.tree.Close()
		d.tree = nil
	}
	d.treeStale = false
}

// applyChange applies one content change. Ranges are in the negotiated
// encoding and are converted by the LineIndex; the tree, when kept, is told
// about the edit (in bytes and byte points) so the next parse is incremental.
// It reports whether the change only edited the inside of a comment, which
// no other file can see.
func (d *document) applyChange(ch contentChange, enc source.Encoding) (inComment bool) {
	if d.py != nil {
		d.prevPy = d.py
	}
	d.py = nil
	if ch.Range == nil {
		d.text = []byte(ch.Text)
		d.lines = nil
		d.dropTree()
		return false
	}
	idx := d.index()
	start := idx.Offset(toPos(ch.Range.Start), enc)
	end := idx.Offset(toPos(ch.Range.End), enc)
	if end < start {
		start, end = end, start
	}
	inComment = d.withinComment(idx, start, end) && !strings.ContainsAny(ch.Text, "\r\n")
	next := make([]byte, 0, len(d.text)-(end-start)+len(ch.Text))
	next = append(next, d.text[:start]...)
	next = append(next, ch.Text...)
	next = append(next, d.text[end:]...)
	nextIdx := source.NewLineIndex(next)
	if d.tree != nil {
		d.tree.Edit(sitter.EditInput{
			StartIndex:  uint32(start),
			OldEndIndex: uint32(end),
			NewEndIndex: uint32(start + len(ch.Text)),
			StartPoint:  point(idx.Position(start, source.UTF8)),
			OldEndPoint: point(idx.Position(end, source.UTF8)),
			NewEndPoint: point(nextIdx.Position(start+len(ch.Text), source.UTF8)),
		})
		d.treeStale = true
	}
	d.text, d.lines = next, nextIdx
	return inComment
}

// withinComment reports whether the bytes [start, end) lie inside one
// comment, after its "#", by the tree of the current text (false when
// there is none: a stale or dropped tree cannot tell).
func (d *document) withinComment(idx *source.LineIndex, start, end int) bool {
	if d.tree == nil || d.treeStale || d.kind != project.KindPython || start == 0 {
		return false
	}
	// From the byte before start: typing at the very end of a comment is
	// inside it, but the tree puts that point after it.
	a, b := point(idx.Position(start-1, source.UTF8)), point(idx.Position(end, source.UTF8))
	n := d.tree.RootNode().NamedDescendantForPointRange(a, b)
	return n != nil && n.Type() == "comment" && int(n.StartByte()) < start && end <= int(n.EndByte())
}

func toPos(p protocol.Position) source.Position {
	return source.Position{Line: int(p.Line), Col: int(p.Character)}
}

func point(p source.Position) sitter.Point {
	return sitter.Point{Row: uint32(p.Line), Column: uint32(p.Col)}
}

// summarize brings py up to date with text, parsing incrementally when a
// tree is kept.
func (d *document) summarize(ctx context.Context) error {
	if d.py != nil || d.kind != project.KindPython {
		return nil
	}
	var old *sitter.Tree
	if d.tree != nil && d.treeStale {
		old = d.tree
	}
	tree, err := python.ParsePython(parseCtx(ctx), old, d.text)
	if err == nil && old != nil && tree.RootNode().HasError() {
		// Around a syntax error, tree-sitter's incremental parse can
		// recover differently from a parse from scratch (a call's
		// statement ends elsewhere), and the command line parses from
		// scratch: parse again so the editor reports what CI reports.
		// Only while the text has an error.
		tree.Close()
		tree, err = python.ParsePython(parseCtx(ctx), nil, d.text)
	}
	if err != nil {
		return fmt.Errorf("parse %s: %w", d.rel, err)
	}
	if d.tree != nil {
		d.tree.Close()
	}
	d.tree, d.treeStale = tree, false
	d.py = python.SummarizeEdit(d.prevPy, tree, d.text)
	d.prevPy = nil
	return nil
}

// fileCurrent reports whether d.file is the document at its current text
// and summary, so that the next project gets the same File value (and
// what the last project built from it is taken over).
func (d *document) fileCurrent() bool {
	if d.file == nil || d.file.Py != d.py || len(d.file.Src) != len(d.text) {
		return false
	}
	return len(d.text) == 0 || &d.file.Src[0] == &d.text[0]
}

// asFile is the document as the engine sees it, at its current version.
func (d *document) asFile() *project.File {
	return (&project.File{Path: d.rel, Kind: d.kind, Src: d.text, Py: d.py}).UseLines(d.index())
}

// limitTrees drops the trees of all but the maxTrees most recently edited
// documents.
func (s *Server) limitTrees() {
	var withTree []*document
	for _, d := range s.docs {
		if d.tree != nil {
			withTree = append(withTree, d)
		}
	}
	if len(withTree) <= maxTrees {
		return
	}
	sort.Slice(withTree, func(i, j int) bool { return withTree[i].lastEdit > withTree[j].lastEdit })
	for _, d := range withTree[maxTrees:] {
		d.dropTree()
	}
}

// parseCtx strips cancellation from contexts handed to the engine's parser.
// go-tree-sitter's ParseCtx watches the context from a goroutine that can
// set the parser's cancellation flag after the parse has finished, when
// the parser is already back in the engine's pool; the flag is never
// cleared, and every later parse with that parser fails with "operation
// limit was hit". A server cancels contexts all the time (requests,
// sessions), so parses here are not cancellable: they take milliseconds.
func parseCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
