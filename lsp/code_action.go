package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
)

// codeAction offers, for the findings in the range: one quickfix per fix
// (the first preferred) and a "disable for this line" quickfix; and one
// source.fixAll.multiprom action for the document. context.only filters.
// Everything is computed for the document's current version.
func (s *Server) codeAction(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.CodeActionParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return []codeAction{}, nil
	}
	s.ensureChecked(ctx, d)
	if editsOtherFiles(d) {
		// Cached per-file findings stay valid while this document and the
		// facts are unchanged, but a fix that edits another file carries
		// spans of that file as it was then: recompute against the current
		// project before offering it.
		d.checks = nil
		s.checkWorkspace(ctx, d.ws, false)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	want := func(kind protocol.CodeActionKind) bool { return kindWanted(kind, p.Context.Only) }
	idx := d.file.Lines()
	rng := s.toSpan(idx, p.Range)
	findings := d.found
	actions := []codeAction{}

	if want(protocol.QuickFix) {
		for _, f := range findings {
			if !f.Span.Overlaps(rng) {
				continue
			}
			lspDiag := s.toLSPDiagnostic(idx, f.Diagnostic)
			actions = append(actions, s.quickFixes(d, f, lspDiag)...)
			if a, ok := s.disableAction(d, f, lspDiag); ok {
				actions = append(actions, a)
			}
		}
		// A finding of a deploy file shown here is fixed from here too
		// (its fix edits or creates the files it needs); a suppression
		// belongs on its own line, in its own file.
		for _, a := range d.also {
			if a.at.Overlaps(rng) {
				actions = append(actions, s.quickFixes(d, a.found, s.alsoDiagnostic(d.ws, idx, a))...)
			}
		}
	}

	if want(SourceFixAllMultiprom) && fixable(findings) {
		// A bare source.fixAll (an editor's fix on save) edits only this
		// document unless the user opted in to the project.
		file := onlyBareFixAll(p.Context.Only) && s.editor.FixAllScope() == config.FixAllFile
		_, res, err := s.fixAllResult(ctx, d, file)
		if err != nil || s.fixAllFiles(res) == 0 {
			s.logger.Debug("fix-all not offered", zap.Bool("file", file), zap.Error(err))
			return actions, nil
		}
		a := codeAction{Title: s.fixAllTitle(res, file), Kind: SourceFixAllMultiprom}
		if s.client.resolveEdit {
			// Building the edit (a diff per file) waits for
			// codeAction/resolve, which runs only if the user picks it.
			a.Data, _ = json.Marshal(resolveData{URI: d.uri, Version: d.version, File: file})
		} else {
			edit, err := s.fixAllEdit(ctx, d, file)
			if err != nil {
				s.logger.Debug("fix-all not offered", zap.Error(err))
				return actions, nil
			}
			a.Edit = edit
		}
		actions = append(actions, a)
	}
	// Set-up steps are offered only when asked for by kind: they are
	// project-wide and would crowd the light bulb of every line.
	if len(p.Context.Only) > 0 {
		actions = append(actions, s.setupActions(d, want)...)
	}
	return actions, nil
}

// quickFixes are a finding's fixes as quickfix actions, the preferred safe
// one marked preferred.
func (s *Server) quickFixes(d *document, f found, lspDiag protocol.Diagnostic) []codeAction {
	var out []codeAction
	for i, fix := range f.Fixes {
		b := s.newEditBuilder(d.ws, f.svc)
		if err := b.addFix(fix); err != nil {
			s.logger.Debug("fix not offered", zap.String("code", f.Rule.Code), zap.String("fix", fix.Title), zap.Error(err))
			continue
		}
		if b.empty() {
			continue
		}
		out = append(out, codeAction{
			Title:       fix.Title,
			Kind:        protocol.QuickFix,
			Diagnostics: []protocol.Diagnostic{lspDiag},
			IsPreferred: i == 0 && !fix.Unsafe,
			Edit:        b.build(),
		})
	}
	return out
}

// onlyBareFixAll reports whether context.only asks for source.fixAll
// without naming ours: what editors send to fix on save.
func onlyBareFixAll(only []protocol.CodeActionKind) bool {
	bare := false
	for _, o := range only {
		switch {
		case o == SourceFixAll:
			bare = true
		case kindWanted(o, []protocol.CodeActionKind{SourceFixAllMultiprom}):
			return false
		}
	}
	return bare
}

// kindWanted applies context.only: a kind matches an entry equal to it or
// one of its parents ("source" covers "source.fixAll.multiprom").
func kindWanted(kind protocol.CodeActionKind, only []protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

func fixable(ds []found) bool {
	for _, d := range ds {
		if d.Fixable() {
			return true
		}
	}
	return false
}

// disableAction is the quickfix that adds a suppression comment for the
// finding to its line (see diagnostics.SuppressEdit).
func (s *Server) disableAction(d *document, f found, lspDiag protocol.Diagnostic) (codeAction, bool) {
	file := f.svc.project.File(f.Path)
	if file == nil {
		return codeAction{}, false
	}
	edit, ok := diagnostics.SuppressEdit(file, f.Diagnostic)
	if !ok {
		return codeAction{}, false
	}
	b := s.newEditBuilder(d.ws, f.svc)
	if err := b.addEdit(edit); err != nil {
		return codeAction{}, false
	}
	return codeAction{
		Title:       fmt.Sprintf("Disable %s for this line", f.Rule.Code),
		Kind:        protocol.QuickFix,
		Diagnostics: []protocol.Diagnostic{lspDiag},
		Edit:        b.build(),
	}, true
}

// editsOtherFiles reports whether a per-file finding of d has a fix that
// edits a file other than d itself.
func editsOtherFiles(d *document) bool {
	for _, c := range d.checks {
		for _, f := range c.perFile {
			for _, fix := range f.Fixes {
				for _, e := range fix.Edits {
					if e.Path != c.path {
						return true
					}
				}
			}
		}
	}
	return false
}
