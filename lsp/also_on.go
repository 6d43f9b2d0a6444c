package lsp

import (
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/multiprom/multiprom/internal/source"
	layout "github.com/multiprom/multiprom/internal/workspace"
)

// alsoDiagnostic is a finding of another file (a Procfile's, a compose
// file's) shown on the file it acts on, at a.at of that file (idx). Where
// the client reads relatedInformation, it points at the cause; elsewhere
// the message names it.
func (s *Server) alsoDiagnostic(ws *workspace, idx *source.LineIndex, a alsoFound) protocol.Diagnostic {
	diag := s.toLSPDiagnostic(idx, a.Diagnostic)
	diag.Range = s.toRange(idx, a.at)
	rel := layout.Join(a.svc.dir, a.Path)
	cause := a.svc.checked.File(a.Path)
	if cause == nil {
		return diag
	}
	causeIdx := cause.Lines()
	where := fmt.Sprintf("%s:%d", rel, causeIdx.Line(a.Span.Start)+1)
	if !s.client.relatedInformation {
		diag.Message += " (cause: " + where + ")"
		return diag
	}
	diag.RelatedInformation = []protocol.DiagnosticRelatedInformation{{
		Location: protocol.Location{URI: s.fileURI(ws, rel), Range: s.toRange(causeIdx, a.Span)},
		Message:  "the cause: " + where,
	}}
	return diag
}
