package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// client drives `multiprom serve` over stdio with real JSON-RPC frames.
type client struct {
	cmd *exec.Cmd
	in  io.WriteCloser

	mu      sync.Mutex
	nextID  int
	replies map[int]chan json.RawMessage
	// published receives every publishDiagnostics (uri, version, count).
	published chan publish
}

type publish struct {
	URI     string
	Version int
	N       int
	At      time.Time
}

func startServer(bin string, args ...string) (*client, error) {
	// MPBENCH_SERVE_ARGS adds flags, e.g. "--log-level=debug --log-file=/tmp/mp.log".
	args = append(args, strings.Fields(os.Getenv("MPBENCH_SERVE_ARGS"))...)
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	c := &client{cmd: cmd, in: in, replies: map[int]chan json.RawMessage{}, published: make(chan publish, 100000)}
	go c.read(bufio.NewReaderSize(out, 1<<20))
	return c, nil
}

func (c *client) read(r *bufio.Reader) {
	for {
		n := 0
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				close(c.published)
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
				n, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			close(c.published)
			return
		}
		now := time.Now()
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			Result json.RawMessage `json:"result"`
		}
		if json.Unmarshal(body, &msg) != nil {
			continue
		}
		switch {
		case msg.Method == "textDocument/publishDiagnostics":
			var p struct {
				URI         string            `json:"uri"`
				Version     int               `json:"version"`
				Diagnostics []json.RawMessage `json:"diagnostics"`
			}
			_ = json.Unmarshal(msg.Params, &p)
			c.published <- publish{p.URI, p.Version, len(p.Diagnostics), now}
		case msg.Method != "" && len(msg.ID) > 0:
			// A request from the server (configuration, registration): answer null.
			c.send(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": nil})
		case msg.Method == "" && len(msg.ID) > 0:
			id, _ := strconv.Atoi(string(msg.ID))
			c.mu.Lock()
			ch := c.replies[id]
			delete(c.replies, id)
			c.mu.Unlock()
			if ch != nil {
				ch <- msg.Result
			}
		}
	}
}

func (c *client) send(v any) {
	b, _ := json.Marshal(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.in, "Content-Length: %d\r\n\r\n%s", len(b), b)
}

func (c *client) call(method string, params any) json.RawMessage {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan json.RawMessage, 1)
	c.replies[id] = ch
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	select {
	case r := <-ch:
		return r
	case <-time.After(60 * time.Second):
		fail("no reply to %s", method)
		return nil
	}
}

func (c *client) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

func (c *client) initialize(root string) {
	c.call("initialize", map[string]any{
		"processId": os.Getpid(),
		"rootUri":   fileURI(root),
		"capabilities": map[string]any{
			"general": map[string]any{"positionEncodings": []string{"utf-16"}},
		},
		"workspaceFolders": []map[string]any{{"uri": fileURI(root), "name": "bench"}},
	})
	c.notify("initialized", map[string]any{})
}

func (c *client) open(uri, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "python", "version": 1, "text": text}})
}

func (c *client) change(uri string, version int, line, col int, endCol int, text string) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": uri, "version": version},
		"contentChanges": []map[string]any{{
			"range": map[string]any{"start": map[string]any{"line": line, "character": col}, "end": map[string]any{"line": line, "character": endCol}},
			"text":  text,
		}},
	})
}

// waitFor waits for the publish of uri at version (>= version when any).
func (c *client) waitFor(uri string, version int) publish {
	deadline := time.After(120 * time.Second)
	for {
		select {
		case p, ok := <-c.published:
			if !ok {
				fail("server closed while waiting for %s", uri)
			}
			if p.URI == uri && p.Version >= version {
				return p
			}
		case <-deadline:
			fail("no publishDiagnostics for %s v%d", uri, version)
		}
	}
}

func (c *client) rss() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	if os.Getenv("MPBENCH_STATUS") != "" {
		os.Stderr.Write(b)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return kb
		}
	}
	return 0
}

func (c *client) close() {
	c.call("shutdown", nil)
	c.notify("exit", nil)
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
	}
}

func fileURI(p string) string { return "file://" + p }
