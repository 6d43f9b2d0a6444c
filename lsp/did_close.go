package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

// didClose forgets the buffer, publishes an empty list for it (no stale
// findings in the problems panel), reverts the project to the disk copy and
// re-checks the other open documents (the closed buffer may have held
// unsaved changes to facts, such as a gunicorn config).
func (s *Server) didClose(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidCloseTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, nil
	}
	delete(s.docs, d.uri)
	d.buf.DropTree()
	s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: d.uri, Diagnostics: []protocol.Diagnostic{}})
	s.reloadFromDisk(ctx, d.ws, d.rel)
	d.ws.changed(true)
	d.ws.pullStale = true
	if len(s.openDocs(d.ws)) > 0 || !d.ws.loose {
		// The file's project-level findings are published again as a
		// closed file's.
		s.debounce.schedule(d.ws, true)
	}
	return nil, nil
}
