package lsp

import (
	"context"
	"math/rand"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.uber.org/zap/zaptest"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// applyChange turns ranges in the negotiated encoding into the byte edits
// of the document's text (the parse behind it is tested in
// internal/python).
func TestApplyChangeUTF16(t *testing.T) {
	snippets := []string{"", "x", "\n", "😀", "中文", "\r\n", "#", "ü"}
	base := readFile(t, "../testdata/lsp/basic/app.py") + "\n# 😀 中文 comment\r\nLABEL = \"ü\"\n"
	for seed := int64(1); seed <= 5; seed++ {
		rnd := rand.New(rand.NewSource(seed))
		d := &document{kind: project.KindPython, buf: python.NewDocument([]byte(base)), rel: "app.py"}
		want := base
		for i := 0; i < 200; i++ {
			a, b := runeOffset(want, rnd.Intn(len(want)+1)), runeOffset(want, rnd.Intn(len(want)+1))
			snip := snippets[rnd.Intn(len(snippets))]
			idx := source.NewLineIndex([]byte(want))
			pa, pb := idx.Position(a, source.UTF16), idx.Position(b, source.UTF16)
			r := protocol.Range{ // reversed when a > b, which applyChange tolerates
				Start: protocol.Position{Line: uint32(pa.Line), Character: uint32(pa.Col)},
				End:   protocol.Position{Line: uint32(pb.Line), Character: uint32(pb.Col)},
			}
			d.applyChange(contentChange{Range: &r, Text: snip}, source.UTF16)
			if a > b {
				a, b = b, a
			}
			want = want[:a] + snip + want[b:]
			if got := string(d.buf.Text()); got != want {
				t.Fatalf("seed %d step %d: text after edit differs:\n got %q\nwant %q", seed, i, got, want)
			}
		}
	}
}

// runeOffset moves off back to the start of the rune containing it, and
// out of a CRLF pair (an LSP position cannot point between CR and LF).
func runeOffset(s string, off int) int {
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

// An edit inside a comment after non-ASCII text is recognised through the
// UTF-16 range, and a whole-text change never is.
func TestApplyChangeInComment(t *testing.T) {
	const text = "x = '😀'  # note\n"
	d := &document{kind: project.KindPython, buf: python.NewDocument([]byte(text)), rel: "app.py"}
	defer d.buf.DropTree()
	if err := d.summarize(context.Background()); err != nil {
		t.Fatal(err)
	}
	col := uint32(len(utf16.Encode([]rune("x = '😀'  # no"))))
	r := protocol.Range{Start: protocol.Position{Line: 0, Character: col}, End: protocol.Position{Line: 0, Character: col}}
	if !d.applyChange(contentChange{Range: &r, Text: "x"}, source.UTF16) {
		t.Errorf("typing in the comment not recognised (text now %q)", d.buf.Text())
	}
	if err := d.summarize(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d.applyChange(contentChange{Text: text}, source.UTF16) {
		t.Error("a whole-text change was taken as inside a comment")
	}
}

func newServerForTest(t *testing.T) *Server {
	t.Helper()
	s := newServer(t.Context(), zaptest.NewLogger(t), Options{})
	t.Cleanup(s.stop)
	return s
}

func emptyProject(t *testing.T, root string) *project.Project {
	t.Helper()
	return project.NewProject(context.Background(), root, nil, config.Settings{})
}
