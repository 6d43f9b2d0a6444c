package lsp

import (
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/codeactions"
)

// SourceMultiprom is the parent kind of the set-up actions (dashboard,
// requirements, deploy files): the same steps as `multiprom setup`.
const SourceMultiprom protocol.CodeActionKind = "source.multiprom"

// setupActions offers the project's set-up steps that would change
// something. Steps whose files exist on disk already are left out by the
// edit builder (it never overwrites).
func (s *Server) setupActions(d *document, want func(protocol.CodeActionKind) bool) []codeAction {
	svc := d.ws.primary(d.rel)
	if svc == nil {
		return nil
	}
	var out []codeAction
	for _, a := range codeactions.SetupActions(svc.project) {
		kind := protocol.CodeActionKind(a.Kind)
		if a.Fix.IsZero() || !want(kind) {
			continue
		}
		b := s.newEditBuilder(d.ws, svc)
		if err := b.addFix(a.Fix); err != nil {
			s.logger.Debug("set-up action not offered", zap.String("kind", a.Kind), zap.Error(err))
			continue
		}
		if b.empty() {
			continue
		}
		out = append(out, codeAction{Title: "multiprom: " + a.Title, Kind: kind, Edit: b.build()})
	}
	return out
}
