package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// readAll reads messages until the stream gives up, returning the methods
// read and the replies the stream wrote itself.
func readAll(t testing.TB, input string) ([]string, string, error) {
	var out bytes.Buffer
	st := newStream(strings.NewReader(input), &out, zap.NewNop())
	var methods []string
	for i := 0; i < 10000; i++ {
		msg, _, err := st.Read(context.Background())
		if err != nil {
			return methods, out.String(), err
		}
		if r, ok := msg.(jsonrpc2.Request); ok {
			methods = append(methods, r.Method())
		}
	}
	t.Fatal("stream did not end")
	return nil, "", nil
}

func frame(body string) string {
	return "Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestStreamRecovers(t *testing.T) {
	good := func(m string) string { return frame(`{"jsonrpc":"2.0","id":1,"method":"` + m + `"}`) }
	input := good("a") +
		frame("not json") + // parse error
		"Content-Length: 3\r\n\r\n" + `{"jsonrpc":"2.0","method":"lost"}` + // too short: the rest is garbage
		good("b") +
		"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + good("c") +
		"content-length: 40\r\n\r\n" + `{"jsonrpc":"2.0","method":"d"}` + "          " + // lower-case header, padded body
		"Content-Length: abc\r\n\r\n" + good("e") + // unusable length
		frame(`[1,2]`) + // valid JSON, not a message
		good("f")
	methods, replies, err := readAll(t, input)
	if !errors.Is(err, io.EOF) {
		t.Errorf("end error = %v, want EOF", err)
	}
	if got := strings.Join(methods, ","); got != "a,b,c,d,e,f" {
		t.Errorf("methods = %s, want a,b,c,d,e,f", got)
	}
	if !strings.Contains(replies, `"id":null,"error":{"code":-32700`) || !strings.Contains(replies, `"code":-32600`) {
		t.Errorf("stream replies = %s", replies)
	}
}

func TestStreamOversizedFrame(t *testing.T) {
	_, replies, err := readAll(t, "Content-Length: 99999999999\r\n\r\n{}")
	if !errors.Is(err, errFrameTooLarge) {
		t.Errorf("err = %v, want errFrameTooLarge", err)
	}
	if !strings.Contains(replies, "-32600") {
		t.Errorf("no error reply before ending: %q", replies)
	}
}

func TestStreamTruncated(t *testing.T) {
	for _, in := range []string{"Content-Length: 10\r\n\r\n{}", "Content-Length: 10\r\n", "Content-Len", ""} {
		if _, _, err := readAll(t, in); err == nil {
			t.Errorf("%q: no error at end of input", in)
		}
	}
}

func FuzzStream(f *testing.F) {
	f.Add(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`))
	f.Add("Content-Length: 5\r\n\r\n{}")
	f.Add("Content-Length: -1\r\n\r\n")
	f.Add("\r\n\r\nContent-Length: 2\r\n\r\n{}")
	f.Fuzz(func(t *testing.T, in string) {
		_, _, err := readAll(t, in)
		if err == nil {
			t.Fatal("no error at end of input")
		}
	})
}
