package lsp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// documentDiagnosticParams is textDocument/diagnostic's (3.17).
type documentDiagnosticParams struct {
	TextDocument     protocol.TextDocumentIdentifier `json:"textDocument"`
	Identifier       string                          `json:"identifier,omitempty"`
	PreviousResultID string                          `json:"previousResultId,omitempty"`
}

// fullDocumentDiagnosticReport is a report of kind "full": the items.
type fullDocumentDiagnosticReport struct {
	Kind     string                `json:"kind"` // "full"
	ResultID string                `json:"resultId,omitempty"`
	Items    []protocol.Diagnostic `json:"items"`
}

// unchangedDocumentDiagnosticReport says the items of the client's
// previous result still hold.
type unchangedDocumentDiagnosticReport struct {
	Kind     string `json:"kind"` // "unchanged"
	ResultID string `json:"resultId"`
}

// documentDiagnostic answers a pull (textDocument/diagnostic, 3.17) with
// the document's current findings, or "unchanged" when they are those of
// the client's previous result. Clients that declare pull support get
// diagnosticProvider and no pushes for open documents; others may still
// ask.
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	items := s.toLSPDiagnostics(d.ws, d.file, d.found, d.also, d.problems)
	id := resultID(items)
	if p.PreviousResultID == id {
		return &unchangedDocumentDiagnosticReport{Kind: "unchanged", ResultID: id}, nil
	}
	return &fullDocumentDiagnosticReport{Kind: "full", ResultID: id, Items: items}, nil
}

// resultID names a report by its content: the same findings at the same
// places give the same id, so a client that has it is told "unchanged".
func resultID(items []protocol.Diagnostic) string {
	data, _ := json.Marshal(items)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}
