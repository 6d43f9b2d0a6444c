package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestHandshakeAndCapabilities(t *testing.T) {
	s := startSession(t, Options{Version: "1.2.3"})
	res := s.handshake(t.TempDir(), nil)
	caps := res.Capabilities
	if caps.PositionEncoding != "utf-16" {
		t.Errorf("positionEncoding = %q, want utf-16 when the client offers none", caps.PositionEncoding)
	}
	var sync struct {
		OpenClose bool `json:"openClose"`
		Change    int  `json:"change"`
	}
	if err := json.Unmarshal(caps.TextDocumentSync, &sync); err != nil || !sync.OpenClose || sync.Change != 2 {
		t.Errorf("textDocumentSync = %s, want openClose and incremental (2)", caps.TextDocumentSync)
	}
	var ca struct {
		Kinds           []string `json:"codeActionKinds"`
		ResolveProvider bool     `json:"resolveProvider"`
	}
	if err := json.Unmarshal(caps.CodeAction, &ca); err != nil || !strings.Contains(strings.Join(ca.Kinds, ","), "source.fixAll.multiprom") || !strings.Contains(strings.Join(ca.Kinds, ","), "quickfix") {
		t.Errorf("codeActionProvider = %s", caps.CodeAction)
	}
	if !caps.HoverProvider {
		t.Error("hoverProvider not announced")
	}
	if !slices.Equal(caps.ExecuteCommand.Commands, []string{CommandFixAll, CommandApplyFix, CommandDebugInformation}) {
		t.Errorf("executeCommandProvider = %v", caps.ExecuteCommand.Commands)
	}
	if res.ServerInfo.Name != "multiprom" || res.ServerInfo.Version != "1.2.3" {
		t.Errorf("serverInfo = %+v", res.ServerInfo)
	}
	s.mustCall("shutdown", nil, nil)
	if _, err := s.call("textDocument/hover", map[string]any{}); err == nil || err.Code != -32600 {
		t.Errorf("request after shutdown: %v, want InvalidRequest -32600", err)
	}
	s.notify("exit", nil)
	if err := s.wait(); err != nil {
		t.Errorf("Serve after shutdown+exit = %v, want nil", err)
	}
}

func TestPositionEncodingNegotiation(t *testing.T) {
	for _, tc := range []struct {
		offered []string
		want    string
	}{
		{nil, "utf-16"},
		{[]string{"utf-8"}, "utf-8"},
		{[]string{"utf-8", "utf-16"}, "utf-16"},
		{[]string{"utf-32"}, "utf-32"},
		{[]string{"utf-32", "utf-8"}, "utf-8"},
		{[]string{"latin-1"}, "utf-16"},
	} {
		s := startSession(t, Options{})
		res := s.handshake(t.TempDir(), func(caps map[string]any) {
			if tc.offered != nil {
				caps["general"] = map[string]any{"positionEncodings": tc.offered}
			}
		})
		if res.Capabilities.PositionEncoding != tc.want {
			t.Errorf("offered %v: got %q, want %q", tc.offered, res.Capabilities.PositionEncoding, tc.want)
		}
	}
}

func TestRequestBeforeInitialize(t *testing.T) {
	s := startSession(t, Options{})
	_, err := s.call("textDocument/hover", map[string]any{})
	if err == nil || err.Code != -32002 {
		t.Fatalf("hover before initialize: %v, want ServerNotInitialized -32002", err)
	}
	// A notification before initialize is dropped, not fatal.
	s.open("file:///x.py", 1, "x = 1\n")
	s.handshake(t.TempDir(), nil)
	if _, err := s.call("initialize", initParams("", nil)); err == nil || err.Code != -32600 {
		t.Errorf("second initialize: %v, want InvalidRequest", err)
	}
}

func TestUnknownMethodAndCancel(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	if _, err := s.call("textDocument/semanticTokens/full", map[string]any{}); err == nil || err.Code != -32601 {
		t.Errorf("unknown method: %v, want MethodNotFound -32601", err)
	}
	s.notify("$/cancelRequest", map[string]any{"id": 999})
	s.notify("$/setTrace", map[string]any{"value": "off"})
	s.notify("custom/unknownNotification", map[string]any{})
	if _, err := s.call("textDocument/codeAction", map[string]any{"bogus": true}); err != nil {
		t.Errorf("codeAction for an unknown document should answer empty: %v", err)
	}
	s.mustCall("shutdown", nil, nil)
}

func TestExitWithoutShutdown(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	s.notify("exit", nil)
	if err := s.wait(); !errors.Is(err, ErrExitWithoutShutdown) {
		t.Fatalf("Serve = %v, want ErrExitWithoutShutdown", err)
	}
}

func TestPanicInHandlerIsAnswered(t *testing.T) {
	methods["test/panic"] = method{fn: func(*Server, context.Context, json.RawMessage) (any, error) { panic("boom") }, async: true}
	methods["test/panicSync"] = method{fn: func(*Server, context.Context, json.RawMessage) (any, error) { panic("boom") }}
	t.Cleanup(func() { delete(methods, "test/panic"); delete(methods, "test/panicSync") })
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	for _, m := range []string{"test/panic", "test/panicSync"} {
		if _, err := s.call(m, nil); err == nil || err.Code != -32603 {
			t.Errorf("%s: %v, want InternalError -32603", m, err)
		}
	}
	s.mustCall("shutdown", nil, nil)
}

func TestMalformedFrames(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)

	// A body that is not JSON: -32700 with id null, and the session goes on.
	s.writeRaw([]byte("Content-Length: 9\r\n\r\nnot json!"))
	s.waitFor("parse error", func() bool { return len(s.nullIDErr) > 0 })
	if got := s.nullIDErr[0]; got.Code != -32700 {
		t.Errorf("non-JSON body answered with %d, want -32700", got.Code)
	}
	if _, err := s.call("unknown/method", nil); err == nil || err.Code != -32601 {
		t.Errorf("after a bad body: %v", err)
	}

	// A Content-Length that is too short: the rest of the body is skipped
	// up to the next header, and the next request is answered.
	body := `{"jsonrpc":"2.0","id":77,"method":"unknown/method"}`
	s.writeRaw([]byte("Content-Length: 10\r\n\r\n" + body))
	if _, err := s.call("unknown/method2", nil); err == nil || err.Code != -32601 {
		t.Errorf("after a short Content-Length: %v", err)
	}

	// Garbage lines between frames, a header without a length, and valid
	// JSON that is not a request.
	s.writeRaw([]byte("garbage line\r\nX-Other: 1\r\n\r\n"))
	s.writeRaw([]byte("Content-Length: 2\r\n\r\n[]"))
	s.writeRaw([]byte("Content-Length: 5\r\n\r\n12345"))
	if _, err := s.call("unknown/method3", nil); err == nil || err.Code != -32601 {
		t.Errorf("after garbage: %v", err)
	}
	s.mustCall("shutdown", nil, nil)
	s.notify("exit", nil)
	if err := s.wait(); err != nil {
		t.Errorf("Serve = %v after malformed frames, want nil", err)
	}
}

func TestOversizedFrameEndsSession(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	s.writeRaw([]byte("Content-Length: 999999999999\r\n\r\n"))
	if err := s.wait(); err == nil {
		t.Fatal("Serve returned nil after an unrecoverable frame")
	}
}

// openBasic starts a session on a copy of testdata/lsp/basic with app.py open
// and returns the app's URI, text and the first MP301 publish.
func openBasic(t *testing.T, edit func(map[string]any)) (*session, string, protocol.DocumentURI, string, publishDiagnosticsParams) {
	t.Helper()
	root := copyTree(t, "basic")
	s := startSession(t, Options{})
	s.handshake(root, edit)
	app := uri.File(filepath.Join(root, "app.py"))
	text := readFile(t, filepath.Join(root, "app.py"))
	s.open(app, 1, text)
	pub := s.waitDiags(app, "MP301 on app.py", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })
	return s, root, app, text, pub
}

func TestOpenFixApplyDiagnosticsGone(t *testing.T) {
	s, _, app, text, pub := openBasic(t, nil)
	d, _ := diagWithCode(pub, "MP301")
	if d.Source != "multiprom" || d.Severity != protocol.DiagnosticSeverityWarning || d.CodeDescription == nil ||
		!strings.Contains(string(d.CodeDescription.Href), "#mp301") || d.Message == "" {
		t.Errorf("diagnostic = %+v", d)
	}
	if pub.Version == nil || *pub.Version != 1 {
		t.Errorf("publish version = %v, want 1", pub.Version)
	}
	want := strings.Index(text, `Gauge("jobs_queued"`)
	if int(d.Range.Start.Line) != 4 || int(d.Range.Start.Character) != utf16Col(text, want) {
		t.Errorf("range start = %+v, want line 4 col %d", d.Range.Start, utf16Col(text, want))
	}

	var actions []wireAction
	s.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app},
		"range":        d.Range,
		"context":      map[string]any{"diagnostics": []protocol.Diagnostic{d}},
	}, &actions)
	var preferred *wireAction
	var disable, fixAll bool
	for i, a := range actions {
		switch {
		case a.Kind == "quickfix" && a.IsPreferred:
			if preferred != nil {
				t.Errorf("two preferred actions: %q and %q", preferred.Title, a.Title)
			}
			preferred = &actions[i]
		case a.Kind == "quickfix" && strings.HasPrefix(a.Title, "Disable MP301"):
			disable = true
		case a.Kind == "source.fixAll.multiprom":
			fixAll = true
		}
	}
	if preferred == nil || !disable || !fixAll {
		t.Fatalf("actions = %+v; want a preferred quickfix, a disable action and fix-all", actions)
	}
	if len(preferred.Edit.DocumentChanges) != 1 || preferred.Edit.DocumentChanges[0].TextDocument.Version == nil ||
		*preferred.Edit.DocumentChanges[0].TextDocument.Version != 1 {
		t.Fatalf("preferred edit = %+v; want one versioned edit of app.py at version 1", preferred.Edit)
	}
	res := applyWorkspaceEdit(t, map[string]string{string(app): text}, preferred.Edit)
	fixed := res.texts[string(app)]
	if !strings.Contains(fixed, "multiprocess_mode=") {
		t.Fatalf("fixed text has no multiprocess_mode:\n%s", fixed)
	}
	// Send the edit back as incremental changes, as an editor would.
	for i, e := range preferred.Edit.DocumentChanges[0].Edits {
		s.change(app, 2+i, map[string]any{"range": e.Range, "text": e.NewText})
	}
	version := 1 + len(preferred.Edit.DocumentChanges[0].Edits)
	after := s.waitDiags(app, "publish after the fix", func(p publishDiagnosticsParams) bool {
		return p.Version != nil && int(*p.Version) == version
	})
	if hasCode(after, "MP301") {
		t.Errorf("MP301 still reported after the fix: %+v", after.Diagnostics)
	}
	s.mustCall("shutdown", nil, nil)
}

func TestDisableForLineAndHover(t *testing.T) {
	s, _, app, text, pub := openBasic(t, nil)
	d, _ := diagWithCode(pub, "MP301")

	var hover struct {
		Contents struct {
			Kind  string `json:"kind"`
			Value string `json:"value"`
		} `json:"contents"`
	}
	s.mustCall("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": app}, "position": d.Range.Start}, &hover)
	if hover.Contents.Kind != "markdown" || !strings.Contains(hover.Contents.Value, "MP301") || !strings.Contains(hover.Contents.Value, "Before:") {
		t.Errorf("hover = %+v", hover.Contents)
	}

	var actions []wireAction
	s.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app}, "range": d.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{d}, "only": []string{"quickfix"}},
	}, &actions)
	var disable *wireAction
	for i, a := range actions {
		if a.Kind != "quickfix" {
			t.Errorf("only=quickfix returned %q", a.Kind)
		}
		if strings.HasPrefix(a.Title, "Disable MP301") {
			disable = &actions[i]
		}
	}
	if disable == nil {
		t.Fatal("no disable action")
	}
	res := applyWorkspaceEdit(t, map[string]string{string(app): text}, disable.Edit)
	fixed := res.texts[string(app)]
	if !strings.Contains(fixed, `Gauge("jobs_queued", "Jobs waiting")  # multiprom: ignore[MP301]`+"\n") {
		t.Fatalf("disable edit produced:\n%s", fixed)
	}
	s.change(app, 2, map[string]any{"text": fixed})
	after := s.waitDiags(app, "publish v2", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 2 })
	if hasCode(after, "MP301") {
		t.Errorf("MP301 not suppressed: %+v", after.Diagnostics)
	}
	// Hover on the code inside the suppression comment explains the rule.
	line := strings.Split(fixed, "\n")[4]
	col := utf16Col(line, strings.Index(line, "MP301")+2)
	s.mustCall("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": app},
		"position": map[string]any{"line": 4, "character": col}}, &hover)
	if !strings.Contains(hover.Contents.Value, "gauge-without-mode") {
		t.Errorf("hover on suppression code = %q", hover.Contents.Value)
	}

	// only=source.fixAll returns only the fix-all action (none now: nothing fixable).
	s.change(app, 3, map[string]any{"text": text})
	s.waitDiags(app, "publish v3", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 3 })
	s.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app}, "range": d.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{}, "only": []string{"source.fixAll"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != "source.fixAll.multiprom" || actions[0].Edit == nil {
		t.Fatalf("only=source.fixAll: %+v", actions)
	}
	res = applyWorkspaceEdit(t, map[string]string{string(app): text}, actions[0].Edit)
	if !strings.Contains(res.texts[string(app)], "multiprocess_mode=") {
		t.Errorf("fix-all did not fix app.py:\n%s", res.texts[string(app)])
	}
	s.mustCall("shutdown", nil, nil)
}

func TestUTF16ColumnsWithEmojiAndCJK(t *testing.T) {
	for _, enc := range []string{"", "utf-8", "utf-32"} {
		t.Run("enc="+enc, func(t *testing.T) {
			root := copyTree(t, "basic")
			s := startSession(t, Options{})
			s.handshake(root, func(caps map[string]any) {
				if enc != "" {
					caps["general"] = map[string]any{"positionEncodings": []string{enc}}
				}
			})
			app := uri.File(filepath.Join(root, "app.py"))
			prefix := `LABEL = "😀 中文 ü"; QUEUE = `
			text := "from prometheus_client import Gauge\n" + prefix + `Gauge("jobs_queued", "Jobs waiting")` + "\n"
			s.open(app, 1, text)
			pub := s.waitDiags(app, "MP301", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })
			d, _ := diagWithCode(pub, "MP301")
			var want int
			switch enc {
			case "utf-8":
				want = len(prefix)
			case "utf-32":
				want = len([]rune(prefix))
			default:
				want = utf16Col(prefix, len(prefix))
			}
			if d.Range.Start.Line != 1 || int(d.Range.Start.Character) != want {
				t.Errorf("start = %+v, want 1:%d", d.Range.Start, want)
			}
			// An incremental edit addressed in the same encoding lands
			// where the client meant it: replace "😀" by "x" (the emoji is
			// 2 UTF-16 units, 4 bytes, 1 code point).
			emojiStart := len(`LABEL = "`)
			emojiLen := map[string]int{"": 2, "utf-8": 4, "utf-32": 1}[enc]
			s.change(app, 2, map[string]any{"range": rng(1, emojiStart, 1, emojiStart+emojiLen), "text": "x"})
			pub = s.waitDiags(app, "v2", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 2 })
			d, ok := diagWithCode(pub, "MP301")
			newPrefix := strings.Replace(prefix, "😀", "x", 1)
			switch enc {
			case "utf-8":
				want = len(newPrefix)
			case "utf-32":
				want = len([]rune(newPrefix))
			default:
				want = utf16Col(newPrefix, len(newPrefix))
			}
			if !ok || int(d.Range.Start.Character) != want {
				t.Errorf("after edit: %+v, want col %d", pub.Diagnostics, want)
			}
			s.mustCall("shutdown", nil, nil)
		})
	}
}

func TestDidClosePublishesEmpty(t *testing.T) {
	s, _, app, _, _ := openBasic(t, nil)
	s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": app}})
	s.waitDiags(app, "empty publish on close", func(p publishDiagnosticsParams) bool {
		return p.Diagnostics != nil && len(p.Diagnostics) == 0
	})
	s.mustCall("shutdown", nil, nil)
}

func TestCrossFileGunicornWorkers(t *testing.T) {
	s, root, app, _, _ := openBasic(t, nil)
	cfg := uri.File(filepath.Join(root, "gunicorn.conf.py"))
	cfgText := readFile(t, filepath.Join(root, "gunicorn.conf.py"))
	s.open(cfg, 1, cfgText)
	s.waitDiags(cfg, "config published", func(publishDiagnosticsParams) bool { return true })

	// workers = 4 -> workers = 1, typed in the config buffer (unsaved).
	line := strings.Split(cfgText, "\n")[1]
	col := strings.Index(line, "4")
	s.change(cfg, 2, map[string]any{"range": rng(1, col, 1, col+1), "text": "1"})
	s.waitDiags(app, "app re-published without MP301", func(p publishDiagnosticsParams) bool { return !hasCode(p, "MP301") })

	// And back: MP301 returns for the app.
	s.change(cfg, 3, map[string]any{"range": rng(1, col, 1, col+1), "text": "4"})
	s.waitDiags(app, "app re-published with MP301", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })
	s.mustCall("shutdown", nil, nil)
}

func TestVersionsAndUnknownDocuments(t *testing.T) {
	s, _, app, text, _ := openBasic(t, nil)
	s.change("file:///nowhere/unknown.py", 5, map[string]any{"text": "x = 1\n"})
	// Going backwards is ignored: the text stays with MP301.
	s.change(app, 0, map[string]any{"text": "x = 1\n"})
	s.change(app, 1, map[string]any{"text": "x = 1\n"})
	s.change(app, 2, map[string]any{"text": text + "\n"})
	pub := s.waitDiags(app, "v2", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 2 })
	if !hasCode(pub, "MP301") {
		t.Errorf("stale changes were applied: %+v", pub.Diagnostics)
	}
	// Positions out of range are clamped, not fatal.
	s.change(app, 3, map[string]any{"range": rng(999, 5, 1000, 0), "text": "\n"})
	s.waitDiags(app, "v3", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 3 })
	s.mustCall("shutdown", nil, nil)
}

func TestEditStormPublishesLatest(t *testing.T) {
	s, _, app, text, _ := openBasic(t, nil)
	// 200 quick edits: append and remove a space at the end of line 0.
	line0 := strings.Split(text, "\n")[0]
	end := len(line0)
	for v := 2; v < 202; v++ {
		if v%2 == 0 {
			s.change(app, v, map[string]any{"range": rng(0, end, 0, end), "text": " "})
		} else {
			s.change(app, v, map[string]any{"range": rng(0, end, 0, end+1), "text": ""})
		}
	}
	pub := s.waitDiags(app, "latest version", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 201 })
	if !hasCode(pub, "MP301") {
		t.Errorf("after the storm: %+v", pub.Diagnostics)
	}
	s.mustCall("shutdown", nil, nil)
}

func TestSettingsAndOnSave(t *testing.T) {
	root := copyTree(t, "basic")
	s := startSession(t, Options{})
	p := initParams(root, nil)
	p["initializationOptions"] = map[string]any{"settings": map[string]any{"ignore": []string{"MP301"}, "run": "onSave"}}
	s.mustCall("initialize", p, nil)
	s.notify("initialized", map[string]any{})
	app := uri.File(filepath.Join(root, "app.py"))
	text := readFile(t, filepath.Join(root, "app.py"))
	s.open(app, 1, text)
	pub := s.waitDiags(app, "open publish", func(publishDiagnosticsParams) bool { return true })
	if hasCode(pub, "MP301") {
		t.Errorf("MP301 reported though ignored in initializationOptions")
	}
	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"multiprom": map[string]any{"run": "onSave"}}})
	s.waitDiags(app, "MP301 after configuration change", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })

	// onSave: a change that fixes the gauge publishes nothing until saved.
	fixed := strings.Replace(text, `"Jobs waiting")`, `"Jobs waiting", multiprocess_mode="livesum")`, 1)
	s.change(app, 2, map[string]any{"text": fixed})
	// A request after the change is answered after it is applied; pulling
	// diagnostics shows the buffer is already fixed without any publish.
	var report fullDocumentDiagnosticReport
	s.mustCall("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": app}}, &report)
	if report.Kind != "full" {
		t.Errorf("pull report = %+v", report)
	}
	for _, d := range report.Items {
		if d.Code == "MP301" {
			t.Errorf("pull still has MP301")
		}
	}
	if last, _ := s.lastDiags(app); last.Version != nil && *last.Version == 2 {
		t.Errorf("onSave published on change")
	}
	s.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": app}})
	s.waitDiags(app, "publish on save", func(p publishDiagnosticsParams) bool {
		return p.Version != nil && *p.Version == 2 && !hasCode(p, "MP301")
	})
	s.mustCall("shutdown", nil, nil)
}

func TestCreateFileOnlyWithResourceOperations(t *testing.T) {
	for _, create := range []bool{true, false} {
		t.Run(map[bool]string{true: "create", false: "no-create"}[create], func(t *testing.T) {
			root := copyTree(t, "nocfg")
			s := startSession(t, Options{})
			s.handshake(root, func(caps map[string]any) {
				if !create {
					caps["workspace"].(map[string]any)["workspaceEdit"] = map[string]any{"documentChanges": true}
				}
			})
			app := uri.File(filepath.Join(root, "app.py"))
			text := readFile(t, filepath.Join(root, "app.py"))
			s.open(app, 1, text)
			pub := s.waitDiags(app, "MP201", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP201") })
			d, _ := diagWithCode(pub, "MP201")
			var actions []wireAction
			s.mustCall("textDocument/codeAction", map[string]any{
				"textDocument": map[string]any{"uri": app}, "range": d.Range,
				"context": map[string]any{"diagnostics": []protocol.Diagnostic{d}, "only": []string{"quickfix"}},
			}, &actions)
			var createAction *wireAction
			for i, a := range actions {
				if a.Edit == nil {
					continue
				}
				for _, ch := range a.Edit.DocumentChanges {
					if ch.Kind == "create" {
						createAction = &actions[i]
					}
				}
			}
			if !create {
				if createAction != nil {
					t.Fatalf("CreateFile offered without resourceOperations: %+v", createAction)
				}
				for _, a := range actions {
					if strings.Contains(a.Title, "Create gunicorn.conf.py") {
						t.Errorf("action %q offered though the client cannot create files", a.Title)
					}
				}
				s.mustCall("shutdown", nil, nil)
				return
			}
			if createAction == nil {
				t.Fatalf("no CreateFile action: %+v", actions)
			}
			chs := createAction.Edit.DocumentChanges
			want := string(uri.File(filepath.Join(root, "gunicorn.conf.py")))
			if chs[0].Kind != "create" || chs[0].URI != want || chs[1].TextDocument.URI != want ||
				chs[1].TextDocument.Version != nil || len(chs[1].Edits) != 1 ||
				chs[1].Edits[0].Range.Start != (protocol.Position{}) || !strings.Contains(chs[1].Edits[0].NewText, "def child_exit(server, worker)") {
				t.Fatalf("create action changes = %+v", chs)
			}
			s.mustCall("shutdown", nil, nil)
		})
	}
}

func TestCancelRequest(t *testing.T) {
	started := make(chan struct{})
	methods["test/block"] = method{fn: func(_ *Server, ctx context.Context, _ json.RawMessage) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}, async: true}
	t.Cleanup(func() { delete(methods, "test/block") })
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	id, ch := s.callAsync("test/block", nil)
	<-started
	// The read loop is free while the request runs: other requests answer.
	if _, err := s.call("unknown/x", nil); err == nil || err.Code != -32601 {
		t.Errorf("while a request runs: %v", err)
	}
	s.notify("$/cancelRequest", map[string]any{"id": id})
	if _, err := s.await("test/block", ch); err == nil || err.Code != -32800 {
		t.Errorf("cancelled request answered with %v, want RequestCancelled -32800", err)
	}
	s.mustCall("shutdown", nil, nil)
}

func TestDocumentsOutsideAnyRoot(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake("", nil)
	u := protocol.DocumentURI("untitled:Untitled-1")
	s.open(u, 1, "from prometheus_client import Gauge\nQ = Gauge('q', 'Q')\n")
	s.waitDiags(u, "publish for an untitled buffer", func(publishDiagnosticsParams) bool { return true })
	loose := uri.File(filepath.Join(t.TempDir(), "solo.py"))
	s.open(loose, 1, "x = 1\n")
	s.waitDiags(loose, "publish for a file outside the root", func(publishDiagnosticsParams) bool { return true })
	var actions []wireAction
	s.mustCall("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": u}, "range": rng(1, 0, 1, 5),
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{}}}, &actions)
	s.mustCall("shutdown", nil, nil)
}

// A document's findings can depend on another file's text: MP301 on
// app.py picks its mode from how the gauge is used anywhere, and views.py
// uses it. Typing in views.py must re-check app.py, as a check of the
// project from the command line would.
func TestEditReChecksTheFilesItsMetricsReach(t *testing.T) {
	s, root, app, _, pub := openBasic(t, nil)
	if d, _ := diagWithCode(pub, "MP301"); strings.Contains(d.Message, `"livesum"`) {
		t.Fatalf("a gauge only set should not get livesum: %s", d.Message)
	}
	views := uri.File(filepath.Join(root, "views.py"))
	text := "from app import QUEUE\n\n\ndef work():\n    QUEUE.set(1)\n"
	s.open(views, 1, text)
	s.waitDiags(views, "views.py published", func(publishDiagnosticsParams) bool { return true })
	at := strings.Index(text, "set(1)")
	s.change(views, 2, map[string]any{"range": rng(4, at-strings.LastIndex(text[:at], "\n")-1, 4, at-strings.LastIndex(text[:at], "\n")-1+len("set(1)")), "text": "inc()"})
	s.waitDiags(app, "app.py re-published with livesum", func(p publishDiagnosticsParams) bool {
		d, ok := diagWithCode(p, "MP301")
		return ok && strings.Contains(d.Message, `"livesum"`)
	})
	// And back.
	s.change(views, 3, map[string]any{"text": text})
	s.waitDiags(app, "app.py re-published without livesum", func(p publishDiagnosticsParams) bool {
		d, ok := diagWithCode(p, "MP301")
		return ok && !strings.Contains(d.Message, `"livesum"`)
	})
	s.mustCall("shutdown", nil, nil)
}
