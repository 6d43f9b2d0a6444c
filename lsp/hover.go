package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// hover explains the rule of a finding under the cursor, or of a code in a
// suppression comment: title, why it is a bug, before/after, the fix.
func (s *Server) hover(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.HoverParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, nil
	}
	s.ensureChecked(ctx, d)
	idx := d.file.Lines()
	off := idx.Offset(toPos(p.Position), s.client.encoding)
	var parts []string
	var span *source.Span
	for _, f := range d.found {
		if f.Span.Start <= off && off <= f.Span.End {
			parts = append(parts, s.ruleDoc(f.Rule, f.Message))
			if span == nil {
				sp := f.Span
				span = &sp
			}
		}
	}
	for _, a := range d.also { // a deploy file's finding shown here
		if a.at.Start <= off && off <= a.at.End {
			parts = append(parts, s.ruleDoc(a.Rule, a.Message))
			if span == nil {
				sp := a.at
				span = &sp
			}
		}
	}
	if len(parts) == 0 {
		if r, sp := s.suppressedCodeAt(d.file, off); r != nil {
			parts = append(parts, s.ruleDoc(r, ""))
			span = &sp
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	kind := protocol.PlainText
	if s.client.markdown {
		kind = protocol.Markdown
	}
	h := &protocol.Hover{Contents: protocol.MarkupContent{Kind: kind, Value: strings.Join(parts, "\n\n---\n\n")}}
	r := s.toRange(idx, *span)
	h.Range = &r
	return h, nil
}

// suppressedCodeAt returns the rule whose code is under off inside a
// suppression comment, and the code's span.
func (s *Server) suppressedCodeAt(f *project.File, off int) (*diagnostics.Rule, source.Span) {
	code, span, ok := diagnostics.SuppressionAt(f, off)
	if !ok {
		return nil, source.Span{}
	}
	return s.ruleByCode(code), span
}

func (s *Server) ruleByCode(code string) *diagnostics.Rule {
	for _, r := range s.rules {
		if strings.EqualFold(r.Code, code) {
			return r
		}
	}
	return nil
}

// ruleDoc is the hover text of a rule: the finding's message, when there
// is one, the rule's documentation and a link to it.
func (s *Server) ruleDoc(r *diagnostics.Rule, message string) string {
	var b strings.Builder
	if message != "" {
		fmt.Fprintf(&b, "%s\n\n", message)
	}
	b.WriteString(r.Markdown())
	fmt.Fprintf(&b, "\n[%s documentation](%s)", r.Code, r.DocURL())
	return b.String()
}
