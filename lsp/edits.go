package lsp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	layout "github.com/multiprom/multiprom/internal/workspace"
)

// errNoCreate: the fix must create a file and the client cannot.
var errNoCreate = errors.New("the client cannot create files (no workspace.workspaceEdit.resourceOperations \"create\")")

// editBuilder turns engine edits and creations into one workspaceEdit for
// the client: positions in the negotiated encoding, CreateFile first, paths
// kept inside the workspace root. The engine's paths are relative to the
// service's folder (a shared file is a ../ path); the client's are the
// workspace's. s.mu must be held while it is used.
type editBuilder struct {
	s       *Server
	ws      *workspace
	dir     string           // the service's folder, relative to ws.root
	p       *project.Project // the project the edits' spans refer to
	creates []diagnostics.Create
	edits   map[string][]protocol.TextEdit // by path in the service
}

// newEditBuilder builds edits of a service's project.
func (s *Server) newEditBuilder(ws *workspace, svc *service) *editBuilder {
	return &editBuilder{s: s, ws: ws, dir: svc.dir, p: svc.project, edits: map[string][]protocol.TextEdit{}}
}

// rel is a service path as a workspace path.
func (b *editBuilder) rel(p string) string { return layout.Join(b.dir, p) }

// addFix adds a fix's edits and creations. Creations of files that already
// exist are dropped (the appliers never overwrite), so a fix whose file is
// already there still applies its edits.
func (b *editBuilder) addFix(fix diagnostics.Fix) error {
	for _, c := range fix.Creates {
		if err := b.addCreate(c.Path, c.Content); err != nil {
			return err
		}
	}
	for _, e := range fix.Edits {
		if err := b.addEdit(e); err != nil {
			return err
		}
	}
	return nil
}

func (b *editBuilder) addCreate(rel, content string) error {
	if _, err := b.target(rel); err != nil {
		return err
	}
	if b.p.File(rel) != nil || b.existsOnDisk(rel) {
		return nil
	}
	if !b.s.client.createFiles || !b.s.client.documentChanges {
		return errNoCreate
	}
	b.creates = append(b.creates, diagnostics.Create{Path: rel, Content: content})
	return nil
}

func (b *editBuilder) addEdit(e diagnostics.Edit) error {
	if _, err := b.target(e.Path); err != nil {
		return err
	}
	f := b.p.File(e.Path)
	if f == nil {
		return fmt.Errorf("edit of %s: not a file of the project", e.Path)
	}
	if e.Span.Start < 0 || e.Span.End > len(f.Src) || e.Span.Start > e.Span.End {
		return fmt.Errorf("edit of %s: span %d-%d outside the %d-byte text", e.Path, e.Span.Start, e.Span.End, len(f.Src))
	}
	te := protocol.TextEdit{Range: b.s.toRange(f.Lines(), e.Span), NewText: e.NewText}
	for _, have := range b.edits[e.Path] {
		if have == te {
			return nil // the same edit from two fixes (fix-all, shared set-up)
		}
	}
	b.edits[e.Path] = append(b.edits[e.Path], te)
	return nil
}

// addContent replaces a file's whole text with new content, as one minimal
// edit (the changed middle), so the client keeps cursors and marks.
func (b *editBuilder) addContent(rel string, content []byte) error {
	f := b.p.File(rel)
	if f == nil {
		return b.addCreate(rel, string(content))
	}
	old := f.Src
	pre := 0
	for pre < len(old) && pre < len(content) && old[pre] == content[pre] {
		pre++
	}
	suf := 0
	for suf < len(old)-pre && suf < len(content)-pre && old[len(old)-1-suf] == content[len(content)-1-suf] {
		suf++
	}
	// Keep UTF-8 sequences whole: back off to rune starts.
	for pre > 0 && pre < len(old) && old[pre]&0xC0 == 0x80 {
		pre--
	}
	for suf > 0 && len(old)-suf < len(old) && old[len(old)-suf]&0xC0 == 0x80 {
		suf--
	}
	if pre == len(old) && pre == len(content) {
		return nil
	}
	return b.addEdit(diagnostics.Edit{Path: rel, Span: source.Span{Start: pre, End: len(old) - suf}, NewText: string(content[pre : len(content)-suf])})
}

// target resolves a root-relative path and refuses anything outside the root.
func (b *editBuilder) target(p string) (string, error) {
	rel := b.rel(p)
	if b.ws.root == "" {
		if b.s.docAt(b.ws, rel) != nil {
			return "", nil // an untitled buffer: edits only
		}
		return "", fmt.Errorf("refusing %s: the document has no workspace root", rel)
	}
	if _, err := codeactions.ResolveInRoot(b.ws.realRoot, rel); err != nil {
		return "", fmt.Errorf("edit target: %w", err)
	}
	return filepath.Join(b.ws.root, filepath.FromSlash(rel)), nil
}

func (b *editBuilder) existsOnDisk(p string) bool {
	if b.ws.root == "" {
		return false
	}
	_, err := os.Lstat(filepath.Join(b.ws.root, filepath.FromSlash(b.rel(p))))
	return err == nil
}

// empty reports whether nothing would change.
func (b *editBuilder) empty() bool { return len(b.creates) == 0 && len(b.edits) == 0 }

// build returns the workspace edit: documentChanges when the client takes
// them (CreateFile, then the new file's content inserted at 0:0 with a null
// version, then versioned edits of open documents), else plain changes.
func (b *editBuilder) build() *workspaceEdit {
	paths := make([]string, 0, len(b.edits))
	for p := range b.edits {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if !b.s.client.documentChanges {
		we := &workspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{}}
		for _, p := range paths {
			we.Changes[b.s.fileURI(b.ws, b.rel(p))] = b.edits[p]
		}
		return we
	}
	we := &workspaceEdit{DocumentChanges: []any{}}
	for _, c := range b.creates {
		u := uri.File(filepath.Join(b.ws.root, filepath.FromSlash(b.rel(c.Path))))
		we.DocumentChanges = append(we.DocumentChanges,
			protocol.CreateFile{Kind: protocol.CreateResourceOperation, URI: u, Options: &protocol.CreateFileOptions{IgnoreIfExists: true}},
			protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}},
				Edits:        []protocol.TextEdit{{NewText: c.Content}},
			})
	}
	for _, p := range paths {
		id := protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: b.s.fileURI(b.ws, b.rel(p))}}
		if d := b.s.docAt(b.ws, b.rel(p)); d != nil {
			v := d.version
			id.Version = &v
		}
		we.DocumentChanges = append(we.DocumentChanges, protocol.TextDocumentEdit{TextDocument: id, Edits: b.edits[p]})
	}
	return we
}
