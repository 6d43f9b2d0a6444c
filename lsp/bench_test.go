package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/uri"

	"github.com/multiprom/multiprom/bench"
)

// bigApp is a relevant module of about n lines: gauges, routes, uses.
func bigApp(n int) string {
	var b strings.Builder
	b.WriteString("from flask import Flask\nfrom prometheus_client import Gauge, Counter\n\napp = Flask(__name__)\n")
	for i := 0; b.Len() < n*40; i++ {
		fmt.Fprintf(&b, "\nG%d = Gauge(\"g%d\", \"Gauge %d\")\nC%d = Counter(\"c%d\", \"Counter %d\")\n\n\n@app.route(\"/r%d\")\ndef r%d():\n    G%d.inc()\n    C%d.inc()\n    return \"ok\"\n", i, i, i, i, i, i, i, i, i, i)
	}
	return b.String()
}

// benchWorkspace makes a workspace of modules generated app modules, a
// gunicorn config and app.py, a 5,000-line module; it returns the root,
// app.py's text and the line of a comment to edit.
func benchWorkspace(b *testing.B, modules int) (root, text string, note int) {
	b.Helper()
	root = b.TempDir()
	if modules > 0 {
		if _, err := bench.Generate(root, bench.Corpus{Modules: modules}); err != nil {
			b.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "gunicorn.conf.py"), []byte("workers = 4\n"), 0o644)
	text = bench.BigModule(5000)
	note = strings.Count(text[:strings.Index(text, "# note 40\n")], "\n")
	os.WriteFile(filepath.Join(root, "app.py"), []byte(text), 0o644)
	return root, text, note
}

// BenchmarkEditLatency measures didChange -> publishDiagnostics for a
// one-character edit in a comment of a 5,000-line module, through the
// protocol (what bench/mpbench times), alone and in a workspace of 1,000
// generated app modules (what a keystroke costs in a large project).
func BenchmarkEditLatency(b *testing.B) {
	for _, modules := range []int{0, 1000} {
		b.Run(fmt.Sprintf("modules=%d", modules), func(b *testing.B) {
			root, text, note := benchWorkspace(b, modules)
			s := startSessionB(b)
			s.handshake(root, nil)
			app := uri.File(filepath.Join(root, "app.py"))
			s.open(app, 1, text)
			s.waitDiags(app, "open", func(publishDiagnosticsParams) bool { return true })
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v := 2 + i
				if i%2 == 0 {
					s.change(app, v, map[string]any{"range": rng(note, 1, note, 1), "text": "x"})
				} else {
					s.change(app, v, map[string]any{"range": rng(note, 1, note, 2), "text": ""})
				}
				s.waitDiags(app, "edit", func(p publishDiagnosticsParams) bool { return p.Version != nil && int(*p.Version) == v })
			}
		})
	}
}

// BenchmarkOpenLatency is the from-scratch reference: open -> publish.
func BenchmarkOpenLatency(b *testing.B) {
	root := b.TempDir()
	os.WriteFile(filepath.Join(root, "gunicorn.conf.py"), []byte("workers = 4\n"), 0o644)
	text := bigApp(5000)
	s := startSessionB(b)
	s.handshake(root, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		app := uri.File(filepath.Join(root, fmt.Sprintf("app%d.py", i)))
		s.open(app, 1, text)
		s.waitDiags(app, "open", func(publishDiagnosticsParams) bool { return true })
		s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": app}})
	}
}

// BenchmarkEditOpenDocuments measures an edit of the 5,000-line module
// while 20 other 1,000-line modules are open: in a comment (no other
// document is checked again) and in code (every open document is: its
// findings can depend on the edited file).
func BenchmarkEditOpenDocuments(b *testing.B) {
	for _, where := range []string{"comment", "code"} {
		b.Run(where, func(b *testing.B) {
			root := b.TempDir()
			os.WriteFile(filepath.Join(root, "gunicorn.conf.py"), []byte("workers = 4\n"), 0o644)
			text := bench.BigModule(5000)
			s := startSessionB(b)
			s.handshake(root, nil)
			for i := 0; i < 20; i++ {
				u := uri.File(filepath.Join(root, fmt.Sprintf("other%02d.py", i)))
				s.open(u, 1, strings.Replace(bench.BigModule(1000), "\"big\"", fmt.Sprintf("\"big%d\"", i), 1))
				s.waitDiags(u, "open", func(publishDiagnosticsParams) bool { return true })
			}
			app := uri.File(filepath.Join(root, "app.py"))
			s.open(app, 1, text)
			s.waitDiags(app, "open", func(publishDiagnosticsParams) bool { return true })
			// Line and column of the edit: inside "# note 40", or the 4 of
			// "n": 40 in the same route.
			marker, col := "# note 40\n", 2
			if where == "code" {
				marker, col = "\"n\": 40,", 5
			}
			at := strings.Index(text, marker)
			line := strings.Count(text[:at], "\n")
			col += at - strings.LastIndex(text[:at], "\n") - 1
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v := 2 + i
				next := "5"
				if i%2 == 1 {
					next = "4"
				}
				s.change(app, v, map[string]any{"range": rng(line, col, line, col+1), "text": next})
				s.waitDiags(app, "edit", func(p publishDiagnosticsParams) bool { return p.Version != nil && int(*p.Version) == v })
			}
		})
	}
}

// BenchmarkWorkspaceDiagnostic measures workspace/diagnostic in a
// workspace of 1,000 generated app modules and an open 5,000-line module:
// asked again with its result ids and nothing changed (what a client's
// periodic re-pull costs), and after a one-character edit of the open
// module (the service's per-file rules run again over every file).
func BenchmarkWorkspaceDiagnostic(b *testing.B) {
	root, text, note := benchWorkspace(b, 1000)
	s := startSessionB(b)
	s.handshake(root, func(caps map[string]any) {
		caps["textDocument"].(map[string]any)["diagnostic"] = map[string]any{}
	})
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, text)
	type report struct {
		URI      string `json:"uri"`
		ResultID string `json:"resultId"`
	}
	pull := func(prev []map[string]any) []map[string]any {
		var res struct {
			Items []report `json:"items"`
		}
		s.mustCall("workspace/diagnostic", map[string]any{"previousResultIds": prev}, &res)
		out := []map[string]any{}
		for _, r := range res.Items {
			out = append(out, map[string]any{"uri": r.URI, "value": r.ResultID})
		}
		return out
	}
	prev := pull(nil)
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pull(prev)
		}
	})
	b.Run("after-edit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			v := 2 + i
			if i%2 == 0 {
				s.change(app, v, map[string]any{"range": rng(note, 1, note, 1), "text": "x"})
			} else {
				s.change(app, v, map[string]any{"range": rng(note, 1, note, 2), "text": ""})
			}
			pull(prev)
		}
	})
}
