package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestWatchedFilesRefreshDisk(t *testing.T) {
	s, root, app, _, _ := openBasic(t, func(caps map[string]any) {
		caps["workspace"].(map[string]any)["didChangeWatchedFiles"] = map[string]any{"dynamicRegistration": true}
	})
	// The config is not open: it changes on disk (git checkout, another editor).
	cfgPath := filepath.Join(root, "gunicorn.conf.py")
	if err := os.WriteFile(cfgPath, []byte("workers = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": uri.File(cfgPath), "type": 2}}})
	s.waitDiags(app, "MP301 gone after the config changed on disk", func(p publishDiagnosticsParams) bool { return !hasCode(p, "MP301") })

	// Deleting it: workers unknown counts as multi-worker again.
	if err := os.Remove(cfgPath); err != nil {
		t.Fatal(err)
	}
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": uri.File(cfgPath), "type": 3}}})
	s.waitDiags(app, "MP301 back after the config was deleted", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })
	s.mustCall("shutdown", nil, nil)
}

func TestFixAllResolvedLazily(t *testing.T) {
	s, _, app, text, pub := openBasic(t, func(caps map[string]any) {
		td := caps["textDocument"].(map[string]any)
		td["codeAction"].(map[string]any)["resolveSupport"] = map[string]any{"properties": []string{"edit"}}
	})
	d, _ := diagWithCode(pub, "MP301")
	var actions []wireAction
	s.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app}, "range": d.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{}, "only": []string{"source.fixAll"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit != nil || len(actions[0].Data) == 0 {
		t.Fatalf("want one unresolved fix-all action, got %+v", actions)
	}
	var raw json.RawMessage
	s.mustCall("codeAction/resolve", actions[0], &raw)
	var resolved wireAction
	if err := json.Unmarshal(raw, &resolved); err != nil || resolved.Edit == nil {
		t.Fatalf("resolved = %s", raw)
	}
	got := applyWorkspaceEdit(t, map[string]string{string(app): text}, resolved.Edit).texts[string(app)]
	if !strings.Contains(got, "multiprocess_mode=") {
		t.Errorf("resolved fix-all did not fix app.py:\n%s", got)
	}
	s.mustCall("shutdown", nil, nil)
}

func TestExecuteFixAll(t *testing.T) {
	s, _, app, text, _ := openBasic(t, nil)
	s.mustCall("workspace/executeCommand", map[string]any{"command": CommandFixAll, "arguments": []any{string(app)}}, nil)
	s.mu.Lock()
	n := len(s.applied)
	var edit struct {
		Edit wireWorkspaceEdit `json:"edit"`
	}
	if n == 1 {
		_ = json.Unmarshal(s.applied[0], &edit)
	}
	s.mu.Unlock()
	if n != 1 {
		t.Fatalf("workspace/applyEdit sent %d times, want 1", n)
	}
	got := applyWorkspaceEdit(t, map[string]string{string(app): text}, &edit.Edit).texts[string(app)]
	if !strings.Contains(got, "multiprocess_mode=") {
		t.Errorf("fix-all command did not fix app.py:\n%s", got)
	}
	if _, err := s.call("workspace/executeCommand", map[string]any{"command": "nope"}); err == nil {
		t.Error("unknown command accepted")
	}
	s.mustCall("shutdown", nil, nil)
}

func TestEditsNeverLeaveRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	ws := newWorkspace(root, false)
	s := newServerForTest(t)
	s.client.createFiles, s.client.documentChanges = true, true
	b := s.newEditBuilder(ws, &service{project: emptyProject(t, root)})
	for _, rel := range []string{"../x.py", "/etc/passwd", "link/evil.py", "a/../../x.py", "C:/x.py"} {
		if err := b.addCreate(rel, "x"); err == nil {
			t.Errorf("create %q accepted", rel)
		}
	}
	if err := b.addCreate("ok/new.py", "x"); err != nil {
		t.Errorf("create inside the root refused: %v", err)
	}
}
