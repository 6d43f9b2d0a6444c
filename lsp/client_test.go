package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
)

// waitLimit guards against a hung server; it is a failure deadline, not a
// timing assertion.
const waitLimit = 30 * time.Second

// rpcMessage is any JSON-RPC message as the test client sees it.
type rpcMessage struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// client is a small JSON-RPC client speaking LSP framing, used both
// in-process (over pipes) and against the real binary (over its stdio).
type client struct {
	t   testing.TB
	out io.Writer

	writeMu sync.Mutex

	mu        sync.Mutex
	nextID    int
	waiting   map[string]chan rpcMessage
	diags     []publishDiagnosticsParams // every publish, in order
	nullIDErr []rpcError                 // error responses with id null
	notes     chan struct{}              // pinged on every notification
	applied   []json.RawMessage          // workspace/applyEdit params received
	shown     []string                   // window/showMessage messages
	logged    []string                   // window/logMessage messages
	requests  []string                   // methods of the server's requests, in order
	closed    chan struct{}
}

func newClient(t testing.TB, in io.Reader, out io.Writer) *client {
	c := &client{t: t, out: out, waiting: map[string]chan rpcMessage{}, notes: make(chan struct{}, 1), closed: make(chan struct{})}
	go c.readLoop(bufio.NewReader(in))
	return c
}

func (c *client) readLoop(r *bufio.Reader) {
	defer close(c.closed)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, _ = strconv.Atoi(v)
			} else if !strings.HasPrefix(line, "Content-Type: ") {
				// Only frames may reach stdout: a stray print breaks editors.
				c.t.Errorf("server wrote a non-frame line to its output: %q", line)
			}
		}
		if length < 0 {
			c.t.Errorf("server sent a frame without Content-Length")
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var m rpcMessage
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("server sent invalid JSON: %v: %s", err, body)
			return
		}
		c.dispatch(m)
	}
}

func (c *client) dispatch(m rpcMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case m.Method != "" && len(m.ID) > 0: // a request from the server
		c.requests = append(c.requests, m.Method)
		select {
		case c.notes <- struct{}{}:
		default:
		}
		var result any
		if m.Method == "workspace/applyEdit" {
			c.applied = append(c.applied, m.Params)
			result = map[string]any{"applied": true}
		}
		go c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
	case m.Method != "":
		if m.Method == "textDocument/publishDiagnostics" {
			var p publishDiagnosticsParams
			if err := json.Unmarshal(m.Params, &p); err != nil {
				c.t.Errorf("bad publishDiagnostics: %v", err)
			}
			c.diags = append(c.diags, p)
		}
		if m.Method == "window/showMessage" || m.Method == "window/logMessage" {
			var p struct {
				Message string `json:"message"`
			}
			_ = json.Unmarshal(m.Params, &p)
			if m.Method == "window/showMessage" {
				c.shown = append(c.shown, p.Message)
			} else {
				c.logged = append(c.logged, p.Message)
			}
		}
		select {
		case c.notes <- struct{}{}:
		default:
		}
	case string(m.ID) == "null" || len(m.ID) == 0:
		if m.Error != nil {
			c.nullIDErr = append(c.nullIDErr, *m.Error)
			select {
			case c.notes <- struct{}{}:
			default:
			}
		}
	default:
		if ch := c.waiting[string(m.ID)]; ch != nil {
			ch <- m
			delete(c.waiting, string(m.ID))
		}
	}
}

func (c *client) send(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		c.t.Errorf("marshal: %v", err)
		return
	}
	c.writeRaw([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(data), data)))
}

func (c *client) writeRaw(b []byte) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if _, err := c.out.Write(b); err != nil {
		c.t.Logf("write to server: %v", err)
	}
}

// call sends a request and waits for its response.
func (c *client) call(method string, params any) (json.RawMessage, *rpcError) {
	c.t.Helper()
	_, ch := c.callAsync(method, params)
	return c.await(method, ch)
}

// callAsync sends a request and returns its id and where its response goes.
func (c *client) callAsync(method string, params any) (int, chan rpcMessage) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan rpcMessage, 1)
	c.waiting[strconv.Itoa(id)] = ch
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	return id, ch
}

func (c *client) await(method string, ch chan rpcMessage) (json.RawMessage, *rpcError) {
	c.t.Helper()
	select {
	case m := <-ch:
		return m.Result, m.Error
	case <-c.closed:
		c.t.Fatalf("%s: server closed the connection", method)
	case <-time.After(waitLimit):
		c.t.Fatalf("%s: no response", method)
	}
	return nil, nil
}

// mustCall is call that fails the test on an error response.
func (c *client) mustCall(method string, params, result any) {
	c.t.Helper()
	res, err := c.call(method, params)
	if err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	if result != nil {
		if e := json.Unmarshal(res, result); e != nil {
			c.t.Fatalf("%s: decode result %s: %v", method, res, e)
		}
	}
}

func (c *client) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// waitFor waits until cond, checked under the client's lock after every
// notification, holds.
func (c *client) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.After(waitLimit)
	for {
		c.mu.Lock()
		ok := cond()
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-c.notes:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitDiags waits for a publish for u that satisfies cond and returns it.
func (c *client) waitDiags(u protocol.DocumentURI, what string, cond func(publishDiagnosticsParams) bool) publishDiagnosticsParams {
	c.t.Helper()
	var got publishDiagnosticsParams
	seen := 0
	c.waitFor(what, func() bool {
		for ; seen < len(c.diags); seen++ {
			if p := c.diags[seen]; p.URI == u && cond(p) {
				got = p
				seen++
				return true
			}
		}
		return false
	})
	return got
}

// lastDiags returns the latest publish for u.
func (c *client) lastDiags(u protocol.DocumentURI) (publishDiagnosticsParams, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.diags) - 1; i >= 0; i-- {
		if c.diags[i].URI == u {
			return c.diags[i], true
		}
	}
	return publishDiagnosticsParams{}, false
}

func hasCode(p publishDiagnosticsParams, code string) bool {
	for _, d := range p.Diagnostics {
		if d.Code == code {
			return true
		}
	}
	return false
}

func diagWithCode(p publishDiagnosticsParams, code string) (protocol.Diagnostic, bool) {
	for _, d := range p.Diagnostics {
		if d.Code == code {
			return d, true
		}
	}
	return protocol.Diagnostic{}, false
}

// session is an in-process server with a client attached.
type session struct {
	*client
	done   chan error
	toSrv  *io.PipeWriter
	fromSv *io.PipeReader
}

func startSession(t *testing.T, opts Options) *session {
	t.Helper()
	return startSessionWith(t, opts, zaptest.NewLogger(t))
}

// startSessionB is a session for benchmarks: no logging.
func startSessionB(b *testing.B) *session { return startSessionWith(b, Options{}, zap.NewNop()) }

func startSessionWith(t testing.TB, opts Options, logger *zap.Logger) *session {
	t.Helper()
	cr, cw := io.Pipe() // client -> server
	sr, sw := io.Pipe() // server -> client
	s := &session{done: make(chan error, 1), toSrv: cw, fromSv: sr}
	go func() {
		err := Serve(context.Background(), cr, sw, logger, opts)
		sw.Close()
		cr.Close()
		s.done <- err
	}()
	s.client = newClient(t, sr, cw)
	t.Cleanup(func() {
		cw.Close()
		select {
		case <-s.done:
		case <-time.After(waitLimit):
			t.Errorf("server did not stop")
		}
	})
	return s
}

// wait returns Serve's result.
func (s *session) wait() error {
	s.t.Helper()
	select {
	case err := <-s.done:
		s.done <- err // for Cleanup
		return err
	case <-time.After(waitLimit):
		s.t.Fatalf("server did not return")
	}
	return nil
}

// initParams builds initialize params for a root, with capabilities edited
// by the caller through a plain map.
func initParams(root string, edit func(caps map[string]any)) map[string]any {
	caps := map[string]any{
		"workspace": map[string]any{
			"applyEdit": true,
			"workspaceEdit": map[string]any{
				"documentChanges":    true,
				"resourceOperations": []string{"create", "rename", "delete"},
			},
		},
		"textDocument": map[string]any{
			"codeAction": map[string]any{
				"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"quickfix", "source.fixAll"}}},
			},
			"hover": map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
		},
	}
	if edit != nil {
		edit(caps)
	}
	p := map[string]any{"processId": nil, "capabilities": caps}
	if root != "" {
		p["rootUri"] = string(uri.File(root))
	}
	return p
}

func (c *client) handshake(root string, edit func(map[string]any)) initializeResultWire {
	c.t.Helper()
	var res initializeResultWire
	c.mustCall("initialize", initParams(root, edit), &res)
	c.notify("initialized", map[string]any{})
	return res
}

// initializeResultWire decodes what clients see of our capabilities.
type initializeResultWire struct {
	Capabilities struct {
		PositionEncoding string          `json:"positionEncoding"`
		TextDocumentSync json.RawMessage `json:"textDocumentSync"`
		CodeAction       json.RawMessage `json:"codeActionProvider"`
		HoverProvider    bool            `json:"hoverProvider"`
		ExecuteCommand   struct {
			Commands []string `json:"commands"`
		} `json:"executeCommandProvider"`
	} `json:"capabilities"`
	ServerInfo struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"serverInfo"`
}

func (c *client) open(u protocol.DocumentURI, version int, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": u, "languageId": "python", "version": version, "text": text}})
}

func (c *client) change(u protocol.DocumentURI, version int, changes ...map[string]any) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": u, "version": version}, "contentChanges": changes})
}

func rng(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}}
}

// copyTree copies testdata/lsp/<name> into a temp dir and returns it.
func copyTree(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("..", "testdata", "lsp", name)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func readFileBytes(p string) ([]byte, error) { return os.ReadFile(p) }

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
