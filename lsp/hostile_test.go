package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Hostile-client tests: what a buggy or malicious editor can send. Every
// case ends with the server still answering (alive), and with JSON-RPC
// error codes where the protocol asks for them.

// alive checks the session still answers a request.
func alive(t *testing.T, s *session) {
	t.Helper()
	if _, err := s.call("textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": "file:///nowhere/x.py"},
		"position":     map[string]any{"line": 0, "character": 0},
	}); err != nil && err.Code == -32603 {
		t.Fatalf("server no longer healthy: %v", err)
	}
}

// pull returns a document's current findings through textDocument/diagnostic.
func pull(t *testing.T, s *session, u protocol.DocumentURI) []protocol.Diagnostic {
	t.Helper()
	var report fullDocumentDiagnosticReport
	s.mustCall("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": u}}, &report)
	return report.Items
}

func TestHostileBadParams(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	for _, method := range []string{"textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic", "workspace/diagnostic", "codeAction/resolve", "workspace/executeCommand"} {
		for _, params := range []any{5, "text", []int{1, 2}, map[string]any{"textDocument": 7}, map[string]any{"position": map[string]any{"line": -1, "character": "x"}}} {
			_, err := s.call(method, params)
			if err != nil && err.Code != -32602 && err.Code != -32600 {
				t.Errorf("%s(%v): error %v, want none or InvalidParams -32602", method, params, err)
			}
		}
	}
	// Notifications with nonsense params are dropped, not fatal.
	for _, method := range []string{"textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "textDocument/didSave", "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles", "workspace/didChangeWorkspaceFolders"} {
		s.notify(method, 42)
		s.notify(method, map[string]any{"textDocument": map[string]any{"uri": 3}})
		s.notify(method, nil)
	}
	alive(t, s)
	s.mustCall("shutdown", nil, nil)
}

func TestHostilePositionsOutOfRange(t *testing.T) {
	for _, enc := range []string{"utf-8", "utf-16", "utf-32"} {
		t.Run(enc, func(t *testing.T) {
			root := copyTree(t, "basic")
			s := startSession(t, Options{})
			s.handshake(root, func(caps map[string]any) {
				caps["general"] = map[string]any{"positionEncodings": []string{enc}}
			})
			app := uri.File(filepath.Join(root, "app.py"))
			text := readFile(t, filepath.Join(root, "app.py")) + "# 😀 中文\r\n"
			s.open(app, 1, text)
			s.waitDiags(app, "open", func(publishDiagnosticsParams) bool { return true })
			const huge = 1 << 31
			for _, r := range []map[string]any{
				rng(0, 0, 0, 0), rng(999, 0, 999, 5), rng(0, huge, 0, huge), rng(5, 3, 2, 1), // inverted
				rng(huge, huge, huge, huge), rng(12, 3, 12, 4), // inside the emoji's surrogate pair in UTF-16
			} {
				if _, err := s.call("textDocument/codeAction", map[string]any{
					"textDocument": map[string]any{"uri": app}, "range": r, "context": map[string]any{"diagnostics": []any{}},
				}); err != nil {
					t.Errorf("codeAction %v: %v", r, err)
				}
				if _, err := s.call("textDocument/hover", map[string]any{
					"textDocument": map[string]any{"uri": app}, "position": r["start"],
				}); err != nil {
					t.Errorf("hover %v: %v", r["start"], err)
				}
			}
			// A position past uint32 does not decode: InvalidParams.
			if _, err := s.call("textDocument/hover", map[string]any{
				"textDocument": map[string]any{"uri": app}, "position": map[string]any{"line": int64(1) << 40, "character": -1},
			}); err == nil || err.Code != -32602 {
				t.Errorf("hover at an undecodable position: %v, want InvalidParams", err)
			}
			pull(t, s, app)
			s.mustCall("shutdown", nil, nil)
		})
	}
}

// utf16Edit turns a byte range of text into an LSP range in UTF-16.
func utf16Range(text string, a, b int) map[string]any {
	pos := func(off int) (int, int) {
		line := strings.Count(text[:off], "\n")
		start := strings.LastIndexByte(text[:off], '\n') + 1
		return line, len(utf16.Encode([]rune(text[start:off])))
	}
	l1, c1 := pos(a)
	l2, c2 := pos(b)
	return rng(l1, c1, l2, c2)
}

// randomEdit picks a replacement in text: offsets on character boundaries
// (never between CR and LF) and a snippet that can open or close brackets,
// strings and blocks.
func randomEdit(rnd *rand.Rand, text string) (a, b int, snip string) {
	a, b = charStart(text, rnd.Intn(len(text)+1)), charStart(text, rnd.Intn(len(text)+1))
	if a > b {
		a, b = b, a
	}
	if b-a > 30 {
		b = charStart(text, a+30)
	}
	return a, b, hostileSnippets[rnd.Intn(len(hostileSnippets))]
}

var hostileSnippets = []string{
	"", "x", "\n", "(", ")", "\"", "'''", ":", "    ", "\t", "😀", "中文", "\r\n", "# multiprom: ignore\n",
	`Gauge("q", "h")`, `, multiprocess_mode="livesum"`, "from prometheus_client import Gauge\n",
	"def child_exit(server, worker):\n    pass\n", "workers = 4\n", "G = Gauge('g', 'h')\n",
}

func charStart(s string, off int) int {
	if off >= len(s) {
		return len(s)
	}
	for off > 0 && !utf8.RuneStart(s[off]) {
		off--
	}
	if off > 0 && s[off] == '\n' && s[off-1] == '\r' {
		off--
	}
	return off
}

// TestHostileEditStormMatchesFresh sends 1,000 quick random incremental
// edits (no waiting between them) and checks that the findings of the
// final version are exactly those of a fresh session that opens the final
// text, and that the last publish is for the last version.
func TestHostileEditStormMatchesFresh(t *testing.T) {
	root := copyTree(t, "basic")
	s := startSession(t, Options{})
	s.handshake(root, nil)
	app := uri.File(filepath.Join(root, "app.py"))
	text := readFile(t, filepath.Join(root, "app.py"))
	s.open(app, 1, text)
	rnd := rand.New(rand.NewSource(7))
	const edits = 1000
	for v := 2; v < 2+edits; v++ {
		a, b, snip := randomEdit(rnd, text)
		s.change(app, v, map[string]any{"range": utf16Range(text, a, b), "text": snip})
		text = text[:a] + snip + text[b:]
	}
	last := 1 + edits
	pub := s.waitDiags(app, "publish of the last version", func(p publishDiagnosticsParams) bool { return p.Version != nil && int(*p.Version) == last })
	got := pull(t, s, app)
	if a, b := mustJSON(t, pub.Diagnostics), mustJSON(t, got); a != b {
		t.Errorf("published and pulled findings differ:\n%s\n%s", a, b)
	}

	fresh := startSession(t, Options{})
	fresh.handshake(root, nil)
	fresh.open(app, 1, text)
	want := pull(t, fresh, app)
	if a, b := mustJSON(t, got), mustJSON(t, want); a != b {
		t.Errorf("after %d edits the findings differ from a fresh open of the same text:\n got %s\nwant %s\ntext:\n%s", edits, a, b, text)
	}
	s.mustCall("shutdown", nil, nil)
	fresh.mustCall("shutdown", nil, nil)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestHostileMemoryFlat repeats open / edit burst / pull / code action /
// close cycles in one session and checks that the heap and the goroutine
// count after the last cycle are where they were after the first: closed
// documents, their trees and their check results must not pile up.
func TestHostileMemoryFlat(t *testing.T) {
	root := copyTree(t, "basic")
	s := startSession(t, Options{})
	s.handshake(root, nil)
	base := readFile(t, filepath.Join(root, "app.py"))
	cycle := func(n int) {
		// A new URI per cycle: per-document state must go on close.
		u := uri.File(filepath.Join(root, fmt.Sprintf("mod%d.py", n)))
		text := base
		s.open(u, 1, text)
		rnd := rand.New(rand.NewSource(int64(n)))
		for v := 2; v < 102; v++ {
			a, b, snip := randomEdit(rnd, text)
			s.change(u, v, map[string]any{"range": utf16Range(text, a, b), "text": snip})
			text = text[:a] + snip + text[b:]
		}
		pull(t, s, u)
		if _, err := s.call("textDocument/codeAction", map[string]any{
			"textDocument": map[string]any{"uri": u}, "range": rng(0, 0, 100, 0), "context": map[string]any{"diagnostics": []any{}},
		}); err != nil {
			t.Fatalf("codeAction: %v", err)
		}
		s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": u}})
		s.waitDiags(u, "empty publish on close", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
	}
	measure := func() (uint64, int) {
		var ms runtime.MemStats
		for i := 0; i < 3; i++ {
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc, runtime.NumGoroutine()
	}
	for i := 0; i < 5; i++ {
		cycle(i)
	}
	heap0, gor0 := measure()
	for i := 5; i < 45; i++ {
		cycle(i)
	}
	heap1, gor1 := measure()
	t.Logf("heap %d -> %d bytes, goroutines %d -> %d over 40 cycles", heap0, heap1, gor0, gor1)
	if heap1 > heap0+8<<20 {
		t.Errorf("heap grew by %d bytes over 40 open/edit/close cycles", heap1-heap0)
	}
	if gor1 > gor0+5 {
		t.Errorf("goroutines grew from %d to %d", gor0, gor1)
	}
	s.mustCall("shutdown", nil, nil)
}

// TestHostileRequestsAfterShutdown: every request after shutdown gets
// InvalidRequest, notifications are dropped, and exit still ends the
// session cleanly.
func TestHostileRequestsAfterShutdown(t *testing.T) {
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	s.mustCall("shutdown", nil, nil)
	for _, method := range []string{"textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic", "shutdown", "initialize", "no/such/method"} {
		if _, err := s.call(method, map[string]any{}); err == nil || err.Code != -32600 {
			t.Errorf("%s after shutdown: %v, want InvalidRequest -32600", method, err)
		}
	}
	s.open("file:///x/late.py", 1, "x = 1\n")
	s.notify("exit", nil)
	if err := s.wait(); err != nil {
		t.Errorf("Serve after shutdown+exit = %v", err)
	}
}

// TestHostileRequestsBeforeInitialize: every request before initialize gets
// ServerNotInitialized, whatever its method.
func TestHostileRequestsBeforeInitialize(t *testing.T) {
	s := startSession(t, Options{})
	for _, method := range []string{"textDocument/codeAction", "textDocument/diagnostic", "shutdown", "workspace/executeCommand", "no/such/method"} {
		if _, err := s.call(method, map[string]any{}); err == nil || err.Code != -32002 {
			t.Errorf("%s before initialize: %v, want ServerNotInitialized -32002", method, err)
		}
	}
	s.change("file:///x/a.py", 2, map[string]any{"text": "y"})
	s.handshake(t.TempDir(), nil)
	alive(t, s)
	s.mustCall("shutdown", nil, nil)
}

// TestHostileUnusualDocuments: documents that are not files, have no
// extension, or are huge binary blobs are handled without a crash.
func TestHostileUnusualDocuments(t *testing.T) {
	root := t.TempDir()
	s := startSession(t, Options{})
	s.handshake(root, nil)
	binary := strings.Repeat("\x00\xff\xfe", 1<<15) + "\xed\xa0\x80" // NULs, invalid UTF-8, an encoded lone surrogate
	deep := strings.Repeat("(", 10000) + strings.Repeat(")", 10000) + "\n" + nestedBlocks(500)
	for i, doc := range []struct {
		uri  protocol.DocumentURI
		text string
	}{
		{"untitled:Untitled-1", "from prometheus_client import Gauge\nG = Gauge('g', 'h')\n"},
		{uri.File(filepath.Join(root, "bin.py")), binary},
		{uri.File(filepath.Join(root, "deep.py")), deep},
		{"file:///%ZZ/bad%20escape.py", "x = 1\n"},
		{uri.File(filepath.Join(root, "noext")), "x = 1\n"},
	} {
		s.open(doc.uri, 1, doc.text)
		s.change(doc.uri, 2, map[string]any{"range": rng(0, 0, 0, 1), "text": "#"})
		if _, err := s.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": doc.uri}}); err != nil && err.Code != -32602 {
			t.Errorf("document %d (%s): %v", i, doc.uri, err)
		}
	}
	alive(t, s)
	s.mustCall("shutdown", nil, nil)
}

func nestedBlocks(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("if x:\n")
	}
	b.WriteString(strings.Repeat(" ", depth) + "pass\n")
	return b.String()
}

// TestHostileCancelSlowRequest cancels a request whose handler only ends
// when its context does: the reply is RequestCancelled and the session goes
// on.
func TestHostileCancelSlowRequest(t *testing.T) {
	started := make(chan struct{}, 1)
	methods["test/hostileSlow"] = method{fn: func(_ *Server, ctx context.Context, _ json.RawMessage) (any, error) {
		started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}, async: true}
	t.Cleanup(func() { delete(methods, "test/hostileSlow") })
	s := startSession(t, Options{})
	s.handshake(t.TempDir(), nil)
	for i := 0; i < 20; i++ {
		id, ch := s.callAsync("test/hostileSlow", map[string]any{})
		<-started
		s.notify("$/cancelRequest", map[string]any{"id": id})
		if _, err := s.await("test/hostileSlow", ch); err == nil || err.Code != -32800 {
			t.Fatalf("cancelled request %d: %v, want RequestCancelled -32800", id, err)
		}
	}
	// Cancelling ids that are unknown, finished, or of the wrong type is harmless.
	for _, id := range []any{1, "nope", nil, map[string]any{}, 1.5} {
		s.notify("$/cancelRequest", map[string]any{"id": id})
	}
	alive(t, s)
	s.mustCall("shutdown", nil, nil)
}
