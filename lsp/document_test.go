package lsp

import (
	"context"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.uber.org/zap/zaptest"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

var snippets = []string{
	"", "x", "\n", "(", ")", ":", "    ", "😀", "中文", "\r\n", "#",
	`Gauge("jobs", "Jobs")`, ", multiprocess_mode=\"livesum\"", "def f(server, worker):\n    pass\n",
	"from prometheus_client import Gauge\n", "'''", "if x:\n    y = Gauge('a', 'b')\n",
}

// editAndCompare applies pseudo-random edits through applyChange (UTF-16
// ranges, the tree edited in place, parsed incrementally) and checks after
// each parse that text and summary equal a fresh parse of the expected text.
func editAndCompare(t *testing.T, base string, seed int64, steps int) {
	ctx := context.Background()
	rnd := rand.New(rand.NewSource(seed))
	d := &document{kind: project.KindPython, text: []byte(base), rel: "app.py"}
	if err := d.summarize(ctx); err != nil {
		t.Fatal(err)
	}
	defer d.dropTree()
	want := base
	for i := 0; i < steps; i++ {
		a, b := runeOffset(want, rnd.Intn(len(want)+1)), runeOffset(want, rnd.Intn(len(want)+1))
		if a > b {
			a, b = b, a
		}
		if b-a > 40 {
			b = runeOffset(want, a+40)
		}
		snip := snippets[rnd.Intn(len(snippets))]
		idx := source.NewLineIndex([]byte(want))
		pa, pb := idx.Position(a, source.UTF16), idx.Position(b, source.UTF16)
		r := protocol.Range{
			Start: protocol.Position{Line: uint32(pa.Line), Character: uint32(pa.Col)},
			End:   protocol.Position{Line: uint32(pb.Line), Character: uint32(pb.Col)},
		}
		d.applyChange(contentChange{Range: &r, Text: snip}, source.UTF16)
		want = want[:a] + snip + want[b:]
		if string(d.text) != want {
			t.Fatalf("step %d: text after edit differs:\n got %q\nwant %q", i, d.text, want)
		}
		if rnd.Intn(3) > 0 {
			continue // several edits between parses, as in a burst
		}
		if err := d.summarize(ctx); err != nil {
			t.Fatal(err)
		}
		fresh, err := python.ParsePython(ctx, nil, []byte(want))
		if err != nil {
			t.Fatal(err)
		}
		got, exp := d.py, python.SummarizeEdit(nil, fresh, []byte(want))
		fresh.Close()
		if !reflect.DeepEqual(got, exp) {
			t.Fatalf("step %d: incremental summary differs from a fresh parse of\n%s", i, want)
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

func TestIncrementalParseMatchesFresh(t *testing.T) {
	base := readFile(t, "../testdata/lsp/basic/app.py") + "\n# 😀 中文 comment\nLABEL = \"ü\"\n"
	for seed := int64(1); seed <= 5; seed++ {
		editAndCompare(t, base, seed, 200)
	}
}

func FuzzIncrementalEdits(f *testing.F) {
	f.Add(readFileF(f, "../testdata/lsp/basic/app.py"), int64(1))
	f.Add("x = 1\r\ny = '😀'\n", int64(2))
	f.Add("", int64(3))
	f.Fuzz(func(t *testing.T, base string, seed int64) {
		if !utf8.ValidString(base) || len(base) > 4096 {
			t.Skip()
		}
		editAndCompare(t, base, seed, 30)
	})
}

func readFileF(f *testing.F, p string) string {
	data, err := readFileBytes(p)
	if err != nil {
		f.Fatal(err)
	}
	return string(data)
}

func newServerForTest(t *testing.T) *Server {
	t.Helper()
	s := newServer(t.Context(), zaptest.NewLogger(t), Options{})
	t.Cleanup(s.stop)
	return s
}

func emptyProject(t *testing.T, root string) *project.Project {
	t.Helper()
	return project.NewProject(context.Background(), root, nil, project.Settings{})
}

// applyChange tells an edit inside a comment (which no other file can
// see, so the other open documents keep their findings) from any other.
func TestApplyChangeInComment(t *testing.T) {
	const text = "x = 1  # note here\ns = \"a # b\"\n# whole line\n"
	at := func(sub string, off int) protocol.Position {
		i := strings.Index(text, sub) + off
		line := strings.Count(text[:i], "\n")
		return protocol.Position{Line: uint32(line), Character: uint32(i - strings.LastIndex(text[:i], "\n") - 1)}
	}
	tests := []struct {
		name       string
		start, end protocol.Position
		insert     string
		want       bool
	}{
		{"typing inside a comment", at("note", 2), at("note", 2), "x", true},
		{"deleting inside a comment", at("note", 1), at("note", 3), "", true},
		{"typing at the end of a comment", at("whole line", 10), at("whole line", 10), "s", true},
		{"deleting the #", at("# note", 0), at("# note", 1), "", false},
		{"a new line inside a comment", at("note", 2), at("note", 2), "\n", false},
		{"typing in a string after #", at("# b", 1), at("# b", 1), "x", false},
		{"typing in code", at("1", 0), at("1", 1), "2", false},
		{"a range from code into a comment", at("1", 0), at("note", 1), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &document{kind: project.KindPython, text: []byte(text), rel: "app.py"}
			if err := d.summarize(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer d.dropTree()
			r := protocol.Range{Start: tt.start, End: tt.end}
			if got := d.applyChange(contentChange{Range: &r, Text: tt.insert}, source.UTF16); got != tt.want {
				t.Errorf("applyChange reported inComment = %v, want %v (text now %q)", got, tt.want, d.text)
			}
			// A second change before the next parse cannot be told: the
			// tree is stale.
			if d.applyChange(contentChange{Range: &r, Text: ""}, source.UTF16) {
				t.Error("a change after an unparsed one was taken as inside a comment")
			}
		})
	}
}
