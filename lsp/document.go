package lsp

import (
	"context"
	"fmt"
	"sort"

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
	// buf holds the text, its summary and, for recently edited Python
	// documents, the tree that makes the next parse incremental.
	buf      *python.Document
	lastEdit int64 // Server.editSeq at the last edit or open

	// file is the document as the engine last saw it: the File its
	// services' Files were made from (same text, so the same positions).
	file *project.File
	// checks holds the per-file findings of the document in each service
	// that has it (see check.go); found, the union of its findings in
	// them, deduplicated as `multiprom check` reports a shared file once;
	// problems, what its services could not read of it.
	checks    map[*service]*docCheck
	found     []found
	also      []alsoFound // findings of other files shown here too
	problems  []project.Problem
	published string // fingerprint of what was last published
}

// docCheck is the last per-file check of a document in one service.
type docCheck struct {
	checkedAt      int32                     // version checked
	path           string                    // the document's path in the service
	perFile        []*diagnostics.Diagnostic // per-file rules, valid while facts hold
	factsSeen      string                    // factkey.Context perFile was computed under
	generationSeen int                       // service generation perFile was computed at
}

// found is a finding and the service whose project it was found in: its
// path, spans and fixes refer to that project.
type found struct {
	svc *service
	*diagnostics.Diagnostic
}

// alsoFound is a finding of another file shown on this one (see
// Diagnostic.AlsoOn): at is its place here, in this file's bytes.
type alsoFound struct {
	found
	at source.Span
}

func (d *document) index() *source.LineIndex { return d.buf.Lines() }

// applyChange applies one content change, whose range is in the negotiated
// encoding. It reports whether the change only edited the inside of a
// comment, which no other file can see.
func (d *document) applyChange(ch contentChange, enc source.Encoding) (inComment bool) {
	if ch.Range == nil {
		d.buf.Replace([]byte(ch.Text))
		return false
	}
	idx := d.index()
	start := idx.Offset(toPos(ch.Range.Start), enc)
	end := idx.Offset(toPos(ch.Range.End), enc)
	if end < start {
		start, end = end, start
	}
	return d.buf.Edit(start, end, ch.Text)
}

func toPos(p protocol.Position) source.Position {
	return source.Position{Line: int(p.Line), Col: int(p.Character)}
}

// summarize brings the summary of a Python document up to date with its
// text.
func (d *document) summarize(ctx context.Context) error {
	if d.kind != project.KindPython {
		return nil
	}
	if _, err := d.buf.Summarize(parseCtx(ctx)); err != nil {
		return fmt.Errorf("parse %s: %w", d.rel, err)
	}
	return nil
}

// fileCurrent reports whether d.file is the document at its current text
// and summary, so that the next project gets the same File value (and
// what the last project built from it is taken over).
func (d *document) fileCurrent() bool {
	text := d.buf.Text()
	if d.file == nil || d.file.Py != d.buf.Module() || len(d.file.Src) != len(text) {
		return false
	}
	return len(text) == 0 || &d.file.Src[0] == &text[0]
}

// asFile is the document as the engine sees it, at its current version.
func (d *document) asFile() *project.File {
	return (&project.File{Path: d.rel, Kind: d.kind, Src: d.buf.Text(), Py: d.buf.Module()}).UseLines(d.index())
}

// limitTrees drops the trees of all but the maxTrees most recently edited
// documents.
func (s *Server) limitTrees() {
	var withTree []*document
	for _, d := range s.docs {
		if d.buf.HasTree() {
			withTree = append(withTree, d)
		}
	}
	if len(withTree) <= maxTrees {
		return
	}
	sort.Slice(withTree, func(i, j int) bool { return withTree[i].lastEdit > withTree[j].lastEdit })
	for _, d := range withTree[maxTrees:] {
		d.buf.DropTree()
	}
}

// parseCtx strips cancellation from contexts handed to parsing and project
// building. What they build is kept and reused by later requests (a
// document's summary, ws.project), and the parser refuses to start under a
// cancelled context: a request cancelled half-way must not leave a file
// unparsed in a project that outlives it. Parses take milliseconds.
func parseCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
