package lsp

import (
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// deployCausedProject has no gunicorn config: MP201 is reported on the
// Procfile's command line, and acts on the app.
var deployCausedProject = map[string]string{
	"Procfile": "web: gunicorn -w 4 app:app\n",
	"app.py": `from flask import Flask
from prometheus_client import Counter

app = Flask(__name__)
C = Counter("hits", "help")
`,
	"requirements.txt": "flask\ngunicorn\nprometheus-client\n",
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, text := range files {
		writeFile(t, filepath.Join(root, rel), text)
	}
	return root
}

// TestDeployFindingShownOnApp: over the real binary's stdio, a client that
// opens only the app sees the Procfile's finding on the app's Flask(...)
// call, with relatedInformation pointing at the Procfile's line, and is
// offered its fix from there; the Procfile keeps its own.
func TestDeployFindingShownOnApp(t *testing.T) {
	root := writeProject(t, deployCausedProject)
	b := startBinary(t, root)
	b.handshake(root, func(caps map[string]any) {
		caps["textDocument"].(map[string]any)["publishDiagnostics"] = map[string]any{"relatedInformation": true}
	})
	app := uri.File(filepath.Join(root, "app.py"))
	procfile := uri.File(filepath.Join(root, "Procfile"))
	b.open(app, 1, deployCausedProject["app.py"])
	pub := b.waitDiags(app, "MP201 on the app", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP201") })
	d, _ := diagWithCode(pub, "MP201")
	if d.Range.Start.Line != 3 || d.Range.Start.Character != 6 {
		t.Errorf("MP201 on the app at %+v, want the Flask(...) call (3:6)", d.Range)
	}
	if strings.Contains(d.Message, "(cause:") {
		t.Errorf("with relatedInformation the message needs no suffix: %q", d.Message)
	}
	if len(d.RelatedInformation) != 1 || d.RelatedInformation[0].Location.URI != procfile || d.RelatedInformation[0].Location.Range.Start.Line != 0 {
		t.Fatalf("relatedInformation = %+v, want the Procfile's line 1", d.RelatedInformation)
	}
	b.waitDiags(procfile, "MP201 on the Procfile", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP201") })

	var actions []wireAction
	b.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app}, "range": d.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{d}},
	}, &actions)
	offered := false
	for _, a := range actions {
		offered = offered || a.IsPreferred && strings.Contains(a.Title, "gunicorn.conf.py")
	}
	if !offered {
		t.Errorf("the app offers no fix for the Procfile's finding: %+v", actions)
	}
	var hover struct {
		Contents struct {
			Value string `json:"value"`
		} `json:"contents"`
	}
	b.mustCall("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": app}, "position": d.Range.Start}, &hover)
	if !strings.Contains(hover.Contents.Value, "MP201") {
		t.Errorf("hover on the app's Flask call does not explain MP201: %q", hover.Contents.Value)
	}
	b.mustCall("shutdown", nil, nil)
}

// TestDeployFindingNamesItsCause: a client without relatedInformation gets
// the cause in the message.
func TestDeployFindingNamesItsCause(t *testing.T) {
	root := writeProject(t, deployCausedProject)
	s := startSession(t, Options{})
	s.handshake(root, nil)
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, deployCausedProject["app.py"])
	pub := s.waitDiags(app, "MP201 on the app", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP201") })
	d, _ := diagWithCode(pub, "MP201")
	if !strings.HasSuffix(d.Message, " (cause: Procfile:1)") || len(d.RelatedInformation) != 0 {
		t.Errorf("message %q, related %+v: want the cause named in the message", d.Message, d.RelatedInformation)
	}
	s.mustCall("shutdown", nil, nil)
}
