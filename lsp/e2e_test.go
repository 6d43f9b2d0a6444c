package lsp

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// multipromBinary builds the real binary once per test run.
func multipromBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "multiprom-lsp-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "multiprom")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/multiprom")
		cmd.Dir = ".."
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/multiprom: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

// binarySession runs `multiprom serve --stdio` with a client on its stdio.
type binarySession struct {
	*client
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	done  chan error
}

func startBinary(t *testing.T, dir string) *binarySession {
	t.Helper()
	bin := multipromBinary(t)
	cmd := exec.Command(bin, "serve", "--stdio", "--log-file", filepath.Join(t.TempDir(), "server.log"))
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &binarySession{client: newClient(t, out, in), cmd: cmd, stdin: in, done: make(chan error, 1)}
	go func() {
		<-b.client.closed
		b.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		in.Close()
		select {
		case <-b.done:
		case <-time.After(waitLimit):
			_ = cmd.Process.Kill()
			t.Errorf("server process did not exit")
		}
	})
	return b
}

func (b *binarySession) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case err := <-b.done:
		b.done <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(waitLimit):
		t.Fatalf("server did not exit")
	}
	return -1
}

func TestBinaryEndToEnd(t *testing.T) {
	root := copyTree(t, "basic")
	b := startBinary(t, root)
	res := b.handshake(root, nil)
	if res.Capabilities.PositionEncoding != "utf-16" || res.ServerInfo.Name != "multiprom" {
		t.Fatalf("initialize result = %+v", res)
	}
	app := uri.File(filepath.Join(root, "app.py"))
	text := readFile(t, filepath.Join(root, "app.py"))
	b.open(app, 1, text)
	pub := b.waitDiags(app, "MP301", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })
	d, _ := diagWithCode(pub, "MP301")

	// Malformed input and an unknown method are answered, not fatal.
	b.writeRaw([]byte("Content-Length: 7\r\n\r\n{oops!}"))
	b.waitFor("parse error", func() bool { return len(b.nullIDErr) > 0 })
	if _, err := b.call("multiprom/noSuchMethod", nil); err == nil || err.Code != -32601 {
		t.Errorf("unknown method: %v", err)
	}

	var actions []wireAction
	b.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": app}, "range": d.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{d}},
	}, &actions)
	var fix *wireAction
	for i, a := range actions {
		if a.IsPreferred {
			fix = &actions[i]
		}
	}
	if fix == nil {
		t.Fatalf("no preferred fix in %+v", actions)
	}
	fixed := applyWorkspaceEdit(t, map[string]string{string(app): text}, fix.Edit).texts[string(app)]
	b.change(app, 2, map[string]any{"text": fixed})
	after := b.waitDiags(app, "v2", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == 2 })
	if hasCode(after, "MP301") {
		t.Errorf("MP301 remains after applying %q: %+v", fix.Title, after.Diagnostics)
	}
	if !strings.Contains(fixed, "multiprocess_mode=") {
		t.Errorf("fix did not add multiprocess_mode:\n%s", fixed)
	}

	b.mustCall("shutdown", nil, nil)
	b.notify("exit", nil)
	if code := b.exitCode(t); code != 0 {
		t.Errorf("exit after shutdown: code %d, want 0", code)
	}
}

func TestBinaryExitWithoutShutdown(t *testing.T) {
	root := copyTree(t, "basic")
	b := startBinary(t, root)
	b.handshake(root, nil)
	b.notify("exit", nil)
	if code := b.exitCode(t); code != 1 {
		t.Errorf("exit without shutdown: code %d, want 1", code)
	}
}
