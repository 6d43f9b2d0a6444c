package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"
	"go.uber.org/zap"
)

// FuzzStreamFrames: when every frame is well formed (right Content-Length,
// optional Content-Type), whatever the bodies are, the stream yields each
// JSON-RPC message in order and answers each other body with exactly one
// error reply; none is lost, merged or split, and the end of input ends
// reading. Bodies are the input split at 0x1e.
func FuzzStreamFrames(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}` + "\x1e" + `not json` + "\x1e" + `{"jsonrpc":"2.0","method":"initialized","params":{}}`))
	f.Add([]byte("\x1e\x1e[]\x1e{}\x1e" + `{"jsonrpc":"2.0","id":"a","result":null}` + "\x1e\r\n\r\nContent-Length: 3\r\n\r\n"))
	f.Add([]byte(`{"jsonrpc":"2.0","id":2,"method":"x","params":"😀 \ud800"}` + "\x1eContent-Length: 99999999999"))
	f.Fuzz(func(t *testing.T, data []byte) {
		bodies := bytes.Split(data, []byte{0x1e})
		var in bytes.Buffer
		wantMsgs, wantReplies := 0, 0
		for i, body := range bodies {
			if i%3 == 1 {
				fmt.Fprintf(&in, "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
			}
			fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n", len(body))
			in.Write(body)
			if _, err := jsonrpc2.DecodeMessage(body); err == nil && json.Valid(body) {
				wantMsgs++
			} else {
				wantReplies++
			}
		}
		var out bytes.Buffer
		st := newStream(&in, &out, zap.NewNop())
		gotMsgs := 0
		for {
			_, _, err := st.Read(context.Background())
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("after %d messages: %v, want io.EOF at the end of well-formed frames", gotMsgs, err)
				}
				break
			}
			gotMsgs++
			if gotMsgs > len(bodies) {
				t.Fatalf("more messages than frames")
			}
		}
		replies := countFrames(t, out.Bytes())
		if gotMsgs != wantMsgs || replies != wantReplies {
			t.Fatalf("%d frames: got %d messages and %d error replies, want %d and %d", len(bodies), gotMsgs, replies, wantMsgs, wantReplies)
		}
	})
}

// countFrames counts the frames the stream wrote (each a Content-Length
// header and exactly that many bytes of JSON).
func countFrames(t *testing.T, out []byte) int {
	n := 0
	for len(out) > 0 {
		var length int
		head, rest, ok := bytes.Cut(out, []byte("\r\n\r\n"))
		if !ok {
			t.Fatalf("stream wrote a partial frame: %q", out)
		}
		if _, err := fmt.Sscanf(string(head), "Content-Length: %d", &length); err != nil || length > len(rest) || !json.Valid(rest[:length]) {
			t.Fatalf("stream wrote a bad frame: %q", out)
		}
		out = rest[length:]
		n++
	}
	return n
}

// FuzzDidChangeDiagnostics sends random incremental edits (UTF-16 ranges,
// several per notification, pulls in between to exercise the cached
// results) through a real session, and checks that the findings of the
// final version are exactly those of a fresh session that opens the same
// final texts. Two documents are open so that cross-file facts (gunicorn
// workers, hooks) are part of what must stay consistent.
func FuzzDidChangeDiagnostics(f *testing.F) {
	f.Add("from prometheus_client import Gauge\n\nG = Gauge(\"g\", \"h\")\n", "workers = 4\n", int64(1), uint8(20))
	f.Add("import prometheus_client as pc\r\nQ = pc.Gauge('😀', '中文',\r\n  multiprocess_mode='all')\r\n", "workers = 1\ndef child_exit(server, worker):\n    pass\n", int64(2), uint8(40))
	f.Add("", "", int64(3), uint8(10))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, app, conf string, seed int64, n uint8) {
		if !utf8.ValidString(app) || !utf8.ValidString(conf) || len(app)+len(conf) > 8192 {
			t.Skip() // clients send valid UTF-8 (JSON strings); non-UTF-8 bytes arrive as U+FFFD
		}
		texts := map[string]string{"app.py": app, "gunicorn.conf.py": conf}
		names := []string{"app.py", "gunicorn.conf.py"}
		s := startSession(t, Options{})
		s.handshake(root, nil)
		for _, name := range names {
			s.open(uri.File(filepath.Join(root, name)), 1, texts[name])
		}
		rnd := rand.New(rand.NewSource(seed))
		version := map[string]int{"app.py": 1, "gunicorn.conf.py": 1}
		for i := 0; i < int(n%64); i++ {
			name := names[rnd.Intn(2)]
			u := uri.File(filepath.Join(root, name))
			var changes []map[string]any
			for k := rnd.Intn(3) + 1; k > 0; k-- {
				text := texts[name]
				if rnd.Intn(20) == 0 {
					snip := hostileSnippets[rnd.Intn(len(hostileSnippets))]
					changes = append(changes, map[string]any{"text": snip}) // whole-text replacement
					texts[name] = snip
					continue
				}
				a, b, snip := randomEdit(rnd, text)
				changes = append(changes, map[string]any{"range": utf16Range(text, a, b), "text": snip})
				texts[name] = text[:a] + snip + text[b:]
			}
			version[name]++
			s.change(u, version[name], changes...)
			if rnd.Intn(8) == 0 {
				pull(t, s, u)
			}
		}
		fresh := startSession(t, Options{})
		fresh.handshake(root, nil)
		for _, name := range names {
			fresh.open(uri.File(filepath.Join(root, name)), 1, texts[name])
		}
		for _, name := range names {
			u := uri.File(filepath.Join(root, name))
			got, want := mustJSON(t, pull(t, s, u)), mustJSON(t, pull(t, fresh, u))
			if got != want {
				t.Fatalf("%s: findings after edits differ from a fresh open:\n got %s\nwant %s\napp.py:\n%s\ngunicorn.conf.py:\n%s", name, got, want, texts["app.py"], texts["gunicorn.conf.py"])
			}
		}
		s.mustCall("shutdown", nil, nil)
		fresh.mustCall("shutdown", nil, nil)
	})
}
