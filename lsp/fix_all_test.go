package lsp

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// editedFiles lists the files a workspace edit edits or creates.
func editedFiles(we *wireWorkspaceEdit) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	for u := range we.Changes {
		add(u)
	}
	for _, c := range we.DocumentChanges {
		add(c.URI)
		add(c.TextDocument.URI)
	}
	return out
}

func fixAllAction(t *testing.T, s *session, app protocol.DocumentURI, only string) wireAction {
	t.Helper()
	var actions []wireAction
	s.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app}, "range": rng(0, 0, 0, 0),
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{}, "only": []string{only}},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil {
		t.Fatalf("only %s: want one fix-all action with an edit, got %+v", only, actions)
	}
	return actions[0]
}

// The fix-all action's title says how many files it edits; a bare
// source.fixAll (fix on save) edits only the document unless the
// fixAll.scope setting says "project".
func TestFixAllScopeAndTitle(t *testing.T) {
	root := copyTree(t, "nocfg")
	s := startSession(t, Options{})
	s.handshake(root, nil)
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, readFile(t, filepath.Join(root, "app.py")))
	s.waitDiags(app, "findings on app.py", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })

	project := fixAllAction(t, s, app, "source.fixAll.multiprom")
	files := editedFiles(project.Edit)
	if len(files) < 2 {
		t.Fatalf("project fix-all edits %v; want several files for this test", files)
	}
	if want := fmt.Sprintf("Fix all multiprom problems in the project (%d files)", len(files)); project.Title != want {
		t.Errorf("title = %q, want %q", project.Title, want)
	}

	bare := fixAllAction(t, s, app, "source.fixAll")
	if got := editedFiles(bare.Edit); len(got) != 1 || got[0] != string(app) {
		t.Errorf("bare source.fixAll edits %v, want only %s", got, app)
	}
	if bare.Title != "Fix all multiprom problems in this file" || bare.Kind != "source.fixAll.multiprom" {
		t.Errorf("bare action = %q (%s)", bare.Title, bare.Kind)
	}
	for _, c := range bare.Edit.DocumentChanges {
		if c.Kind == "create" {
			t.Errorf("bare source.fixAll creates %s", c.URI)
		}
	}

	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"multiprom": map[string]any{"fixAll": map[string]any{"scope": "project"}}}})
	opted := fixAllAction(t, s, app, "source.fixAll")
	if got := editedFiles(opted.Edit); len(got) != len(files) || !strings.Contains(opted.Title, "in the project") {
		t.Errorf("with fixAll.scope project, bare source.fixAll edits %v (%q), want %v", got, opted.Title, files)
	}
	s.mustCall("shutdown", nil, nil)
}
