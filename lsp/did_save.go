package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

// didSave: the buffer is now the disk copy. With run = onSave this is when
// findings are published; otherwise they are already current.
func (s *Server) didSave(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidSaveTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, nil
	}
	if s.onSave() {
		d.published = "" // publish even when nothing changed: the user asked
		s.debounce.schedule(d.ws, true)
	}
	return nil, nil
}
