package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// suppressionRe finds the codes of a suppression comment, so that hovering
// "MP301" in "# multiprom: ignore[MP301]" or "# noqa: MP301" explains it.
var (
	suppressionRe = regexp.MustCompile(`#\s*(?:multiprom:\s*ignore\[[^\]]*\]|noqa:\s*[A-Za-z0-9_,\s]+)`)
	codeRe        = regexp.MustCompile(`MP[0-9]+`)
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
	for _, f := range d.findings() {
		if f.Span.Start <= off && off <= f.Span.End {
			parts = append(parts, s.ruleDoc(f.Rule, f.Message))
			if span == nil {
				sp := f.Span
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
	idx := f.Lines()
	line := idx.Line(off)
	start, end := idx.LineStart(line), idx.LineStart(line+1)
	text := string(f.Src[start:end])
	for _, m := range suppressionRe.FindAllStringIndex(text, -1) {
		for _, c := range codeRe.FindAllStringIndex(text[m[0]:m[1]], -1) {
			a, b := start+m[0]+c[0], start+m[0]+c[1]
			if a <= off && off <= b {
				if r := s.ruleByCode(text[m[0]+c[0] : m[0]+c[1]]); r != nil {
					return r, source.Span{Start: a, End: b}
				}
			}
		}
	}
	return nil, source.Span{}
}

func (s *Server) ruleByCode(code string) *diagnostics.Rule {
	for _, r := range s.rules {
		if strings.EqualFold(r.Code, code) {
			return r
		}
	}
	return nil
}

// ruleDoc renders a rule's documentation (data on the rule value, shared
// with the CLI and docs) as markdown.
func (s *Server) ruleDoc(r *diagnostics.Rule, message string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** `%s` — %s\n\n", r.Code, r.Name, r.Title)
	if message != "" {
		fmt.Fprintf(&b, "%s\n\n", message)
	}
	if r.Doc != "" {
		fmt.Fprintf(&b, "%s\n\n", r.Doc)
	}
	if r.Before != "" {
		fmt.Fprintf(&b, "Before:\n```python\n%s\n```\n\n", r.Before)
	}
	if r.After != "" {
		fmt.Fprintf(&b, "After:\n```python\n%s\n```\n\n", r.After)
	}
	if r.FixDoc != "" {
		fmt.Fprintf(&b, "**Fix:** %s\n\n", r.FixDoc)
	}
	fmt.Fprintf(&b, "[%s documentation](%s)", r.Code, r.DocURL())
	return b.String()
}
