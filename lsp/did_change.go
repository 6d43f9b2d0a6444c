package lsp

import (
	"context"
	"encoding/json"

	"go.uber.org/zap"

	"github.com/multiprom/multiprom/internal/project"
)

// didChange applies incremental (or whole-text) changes in order. The parse
// and the check are deferred to the debounced check, which parses
// incrementally from the edited tree.
func (s *Server) didChange(ctx context.Context, raw json.RawMessage) (any, error) {
	var p didChangeParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		s.logger.Warn("didChange for a document that is not open; ignored", zap.String("uri", string(p.TextDocument.URI)))
		return nil, nil
	}
	if p.TextDocument.Version <= d.version {
		s.logger.Warn("didChange with a version that does not move forward; ignored",
			zap.String("uri", string(d.uri)), zap.Int32("have", d.version), zap.Int32("got", p.TextDocument.Version))
		return nil, nil
	}
	inComments := true
	for _, ch := range p.ContentChanges {
		if !d.applyChange(ch, s.client.encoding) {
			inComments = false
		}
	}
	d.version = p.TextDocument.Version
	s.editSeq++
	d.lastEdit = s.editSeq
	// Typing inside a comment changes nothing another file can see: the
	// other open documents keep their findings.
	if d.kind == project.KindPython {
		d.ws.edited(!inComments)
	} else {
		d.ws.changed(!inComments)
	}
	if !s.onSave() {
		// A burst (more messages already waiting) is checked once after a
		// short delay; an edit the client follows with nothing is checked at
		// once, so typing never waits for the debounce.
		s.debounce.schedule(d.ws, s.inputIdle())
	}
	return nil, nil
}
