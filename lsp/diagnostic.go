package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
)

// documentDiagnostic answers a pull (textDocument/diagnostic, 3.17) with
// the document's current findings. Push (publishDiagnostics) stays the
// primary channel: pull is not announced, to keep clients that support both
// from showing every finding twice, but clients may still ask.
func (s *Server) documentDiagnostic(ctx context.Context, raw json.RawMessage) (any, error) {
	var p documentDiagnosticParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "document is not open")
	}
	s.ensureChecked(ctx, d)
	items := s.toLSPDiagnostics(d.ws, d.file, d.found, d.also, d.problems)
	return &fullDocumentDiagnosticReport{Kind: "full", Items: items}, nil
}
