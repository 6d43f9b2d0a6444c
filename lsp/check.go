package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/source"
)

// checkWorkspace brings the findings of the open documents of ws up to date
// and, when publish is set, publishes every document whose findings changed
// plus those marked dirty (an edit always gets an answer for its version).
// s.mu must be held.
//
// Per-file rules run only on documents whose text or whose project facts
// changed since their last check, or that were checked before a change
// other files can see (workspace.generation); project rules run once per
// call (they are whole-project by nature) and their findings are filtered
// to open documents. So a keystroke in a comment costs one file's rules,
// and an edit to a gunicorn config re-checks every open document in one
// pass.
func (s *Server) checkWorkspace(ctx context.Context, ws *workspace, publish bool) {
	p := s.projectOf(ctx, ws)
	key := p.ContextKey()
	docs := s.openDocs(ws)
	if len(docs) == 0 {
		return
	}
	var fileRules, projectRules []*diagnostics.Rule
	for _, r := range s.rules {
		if r.Project {
			projectRules = append(projectRules, r)
		} else {
			fileRules = append(fileRules, r)
		}
	}

	stale := map[string]bool{}
	all := map[string]bool{}
	for _, d := range docs {
		all[d.rel] = true
		if !d.checked || d.checkedAt != d.version || d.factsSeen != key || d.generationSeen != ws.generation {
			stale[d.rel] = true
		}
	}
	if len(stale) > 0 {
		byPath := group(diagnostics.Check(p, fileRules, stale))
		for _, d := range docs {
			if stale[d.rel] {
				d.perFile = byPath[d.rel]
				d.checked, d.checkedAt, d.factsSeen, d.generationSeen = true, d.version, key, ws.generation
			}
		}
	}
	byPath := group(diagnostics.Check(p, projectRules, all))
	for _, d := range docs {
		d.project = byPath[d.rel]
	}
	if !publish {
		return
	}
	for _, d := range docs {
		s.publish(d)
	}
}

func group(ds []*diagnostics.Diagnostic) map[string][]*diagnostics.Diagnostic {
	out := map[string][]*diagnostics.Diagnostic{}
	for _, d := range ds {
		out[d.Path] = append(out[d.Path], d)
	}
	return out
}

// findings returns a document's current findings, sorted.
func (d *document) findings() []*diagnostics.Diagnostic {
	out := make([]*diagnostics.Diagnostic, 0, len(d.perFile)+len(d.project))
	out = append(out, d.perFile...)
	out = append(out, d.project...)
	diagnostics.SortDiagnostics(out)
	return out
}

// ensureChecked makes the findings of one document current (for requests
// that need them: code actions, hover, pull diagnostics) without publishing.
func (s *Server) ensureChecked(ctx context.Context, d *document) {
	if d.checked && d.checkedAt == d.version && d.ws.project != nil {
		return
	}
	s.ensureScanned(ctx, d.ws)
	s.checkWorkspace(ctx, d.ws, false)
}

// publish sends a document's findings if they differ from what the client
// has, or if the document has a new version.
func (s *Server) publish(d *document) {
	diags := s.toLSPDiagnostics(d, d.findings())
	data, _ := json.Marshal(diags)
	fp := string(data)
	if d.published == fp+versionTag(d.version) {
		return
	}
	d.published = fp + versionTag(d.version)
	v := d.version
	s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: d.uri, Version: &v, Diagnostics: diags})
}

func versionTag(v int32) string {
	b, _ := json.Marshal(v)
	return "@" + string(b)
}

// toLSPDiagnostics converts findings of a document to the wire form, in the
// negotiated position encoding.
func (s *Server) toLSPDiagnostics(d *document, ds []*diagnostics.Diagnostic) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(ds))
	if d.file == nil {
		return out
	}
	idx := d.file.Lines()
	for _, f := range ds {
		out = append(out, s.toLSPDiagnostic(idx, f))
	}
	return out
}

func (s *Server) toLSPDiagnostic(idx *source.LineIndex, f *diagnostics.Diagnostic) protocol.Diagnostic {
	return protocol.Diagnostic{
		Range:           s.toRange(idx, f.Span),
		Severity:        protocol.DiagnosticSeverity(f.Severity),
		Code:            f.Rule.Code,
		CodeDescription: &protocol.CodeDescription{Href: protocol.URI(f.Rule.DocURL())},
		Source:          "multiprom",
		Message:         f.Message,
	}
}

// toRange converts a byte span with the one conversion function.
func (s *Server) toRange(idx *source.LineIndex, sp source.Span) protocol.Range {
	a := idx.Position(sp.Start, s.client.encoding)
	b := idx.Position(sp.End, s.client.encoding)
	return protocol.Range{
		Start: protocol.Position{Line: uint32(a.Line), Character: uint32(a.Col)},
		End:   protocol.Position{Line: uint32(b.Line), Character: uint32(b.Col)},
	}
}

// toSpan converts a range of a document to bytes.
func (s *Server) toSpan(idx *source.LineIndex, r protocol.Range) source.Span {
	a := idx.Offset(toPos(r.Start), s.client.encoding)
	b := idx.Offset(toPos(r.End), s.client.encoding)
	if b < a {
		a, b = b, a
	}
	return source.Span{Start: a, End: b}
}
