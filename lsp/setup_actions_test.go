package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// The set-up steps (`multiprom setup`) are source actions: asked for by kind,
// they create the dashboard through CreateFile, and a file that exists on
// disk is never offered again.
func TestSetupActions(t *testing.T) {
	s, root, app, _, pub := openBasic(t, nil)
	d, _ := diagWithCode(pub, "MP301")
	ask := func(only ...string) []wireAction {
		var actions []wireAction
		s.mustCall("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": app}, "range": d.Range,
			"context": map[string]any{"diagnostics": []protocol.Diagnostic{}, "only": only},
		}, &actions)
		return actions
	}
	for _, a := range ask("quickfix") {
		if strings.HasPrefix(a.Kind, "source.multiprom.") {
			t.Errorf("set-up action %q offered among quickfixes", a.Title)
		}
	}
	var dash *wireAction
	for _, a := range ask("source.multiprom") {
		if a.Kind == "source.multiprom.dashboard" {
			a := a
			dash = &a
		}
	}
	if dash == nil || dash.Edit == nil {
		t.Fatalf("no dashboard action among the source.multiprom actions")
	}
	res := applyWorkspaceEdit(t, map[string]string{}, dash.Edit)
	if len(res.created) != 1 || !strings.Contains(res.created[0], "/grafana/") || !strings.HasSuffix(res.created[0], "-dashboard.json") {
		t.Fatalf("created %v, want grafana/<tag>-dashboard.json", res.created)
	}
	var board map[string]any
	if err := json.Unmarshal([]byte(res.texts[res.created[0]]), &board); err != nil || board["panels"] == nil {
		t.Fatalf("created dashboard is not a dashboard: %v", err)
	}

	// Once the file exists, the step is not offered again.
	path := filepath.Join(root, "grafana")
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	name := res.created[0][strings.LastIndex(res.created[0], "/")+1:]
	if err := os.WriteFile(filepath.Join(path, name), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, a := range ask("source.multiprom.dashboard") {
		t.Errorf("dashboard offered although it exists: %q", a.Title)
	}
	s.mustCall("shutdown", nil, nil)
}
