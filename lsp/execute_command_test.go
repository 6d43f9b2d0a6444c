package lsp

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/uri"
)

func TestPrintDebugInformation(t *testing.T) {
	root := assembleServices(t)
	s := startSession(t, Options{Version: "1.2.3"})
	p := initParams(root, nil)
	p["initializationOptions"] = map[string]any{"settings": map[string]any{"ignore": []string{"MP405"}}}
	s.mustCall("initialize", p, nil)
	s.notify("initialized", map[string]any{})
	var text string
	s.mustCall("workspace/executeCommand", map[string]any{"command": CommandDebugInformation}, &text)
	for _, want := range []string{"multiprom 1.2.3", `editor settings: {"ignore":["MP405"]`, "workspace " + root, "settings in effect:", "files read ("} {
		if !strings.Contains(text, want) {
			t.Errorf("debug information lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\n  service "); n < 2 {
		t.Errorf("debug information lists %d services, want every service of the repository:\n%s", n, text)
	}
	s.waitFor("the report in the log", func() bool {
		for _, m := range s.logged {
			if strings.Contains(m, "multiprom 1.2.3") {
				return true
			}
		}
		return false
	})
	s.mustCall("shutdown", nil, nil)
}

func TestApplyFixCommand(t *testing.T) {
	s, _, app, text, pub := openBasic(t, nil)
	d, _ := diagWithCode(pub, "MP301")
	args := map[string]any{"uri": app, "version": 1, "code": "MP301", "range": d.Range}
	s.mustCall("workspace/executeCommand", map[string]any{"command": CommandApplyFix, "arguments": []any{args}}, nil)
	s.mu.Lock()
	var edit struct {
		Label string            `json:"label"`
		Edit  wireWorkspaceEdit `json:"edit"`
	}
	n := len(s.applied)
	if n == 1 {
		_ = json.Unmarshal(s.applied[0], &edit)
	}
	s.mu.Unlock()
	if n != 1 {
		t.Fatalf("workspace/applyEdit sent %d times, want 1", n)
	}
	if got := applyWorkspaceEdit(t, map[string]string{string(app): text}, &edit.Edit).texts[string(app)]; !strings.Contains(got, "multiprocess_mode=") {
		t.Errorf("applyFix (%s) did not fix app.py:\n%s", edit.Label, got)
	}
	// A version the document is not at, and a code it has no finding of.
	args["version"] = 7
	if _, err := s.call("workspace/executeCommand", map[string]any{"command": CommandApplyFix, "arguments": []any{args}}); err == nil {
		t.Error("applyFix for a stale version accepted")
	}
	args["version"], args["code"] = 1, "MP999"
	if _, err := s.call("workspace/executeCommand", map[string]any{"command": CommandApplyFix, "arguments": []any{args}}); err == nil {
		t.Error("applyFix for a finding that is not there accepted")
	}
	s.mustCall("shutdown", nil, nil)
}

// Started without rootUri or workspaceFolders (as some editors start a
// server for a single file), the server finds the file's service by
// walking up from it, as `multiprom check FILE` does, and checks it with
// its gunicorn config: MP301 needs workers > 1 from gunicorn.conf.py.
func TestNoRootChecksTheFilesService(t *testing.T) {
	root := copyTree(t, "basic")
	writeFile(t, filepath.Join(root, "requirements.txt"), "flask\ngunicorn\nprometheus-client\n")
	s := startSession(t, Options{})
	s.handshake("", nil)
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, readFile(t, filepath.Join(root, "app.py")))
	s.waitDiags(app, "MP301 on app.py, its gunicorn config read", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })
	var text string
	s.mustCall("workspace/executeCommand", map[string]any{"command": CommandDebugInformation, "arguments": []any{string(app)}}, &text)
	if !strings.Contains(text, "workspace "+root+": folder") || !strings.Contains(text, "gunicorn.conf.py (") {
		t.Errorf("the file's project was not found by walking up:\n%s", text)
	}
	s.mustCall("shutdown", nil, nil)
}
