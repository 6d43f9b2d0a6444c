package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// didOpen starts tracking a buffer; its text replaces the disk copy in the
// project, and its findings are published at once.
func (s *Server) didOpen(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidOpenTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := p.TextDocument.URI
	if old := s.docs[u]; old != nil {
		s.logger.Info("didOpen for an open document; replacing it", zap.String("uri", string(u)))
		old.buf.DropTree()
	}
	ws, rel := s.locate(u)
	s.editSeq++
	d := &document{
		uri:      u,
		ws:       ws,
		rel:      rel,
		kind:     project.Classify(rel),
		version:  p.TextDocument.Version,
		buf:      python.NewDocument([]byte(p.TextDocument.Text)),
		lastEdit: s.editSeq,
	}
	if d.kind == project.KindOther && p.TextDocument.LanguageID == "python" {
		d.kind = project.KindPython
	}
	s.docs[u] = d
	// The buffer replaces the disk copy; keeping both doubled the memory
	// of every open file (didClose reads the file from disk again).
	delete(ws.disk, rel)
	ws.changed(true)
	s.debounce.schedule(ws, true)
	return nil, nil
}
