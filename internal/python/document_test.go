package python

import (
	"context"
	"math/rand"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

var editSnippets = []string{
	"", "x", "\n", "(", ")", ":", "    ", "😀", "中文", "\r\n", "#",
	`Gauge("jobs", "Jobs")`, ", multiprocess_mode=\"livesum\"", "def f(server, worker):\n    pass\n",
	"from prometheus_client import Gauge\n", "'''", "if x:\n    y = Gauge('a', 'b')\n",
}

// editAndCompare applies pseudo-random edits to a Document (the tree
// edited in place, parsed incrementally, re-parsed from scratch around
// syntax errors) and checks after each summary that text and summary equal
// a fresh parse of the expected text.
func editAndCompare(t *testing.T, base string, seed int64, steps int) {
	ctx := context.Background()
	rnd := rand.New(rand.NewSource(seed))
	d := NewDocument([]byte(base))
	defer d.DropTree()
	if _, err := d.Summarize(ctx); err != nil {
		t.Fatal(err)
	}
	want := base
	for i := 0; i < steps; i++ {
		a, b := runeOffset(want, rnd.Intn(len(want)+1)), runeOffset(want, rnd.Intn(len(want)+1))
		if a > b {
			a, b = b, a
		}
		if b-a > 40 {
			b = runeOffset(want, a+40)
		}
		snip := editSnippets[rnd.Intn(len(editSnippets))]
		d.Edit(a, b, snip)
		want = want[:a] + snip + want[b:]
		if string(d.Text()) != want {
			t.Fatalf("step %d: text after edit differs:\n got %q\nwant %q", i, d.Text(), want)
		}
		if rnd.Intn(3) > 0 {
			continue // several edits between parses, as in a burst
		}
		got, err := d.Summarize(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != d.Module() {
			t.Fatalf("step %d: Summarize returned a summary Module does not hold", i)
		}
		fresh, err := ParsePython(ctx, nil, []byte(want))
		if err != nil {
			t.Fatal(err)
		}
		exp := SummarizeEdit(nil, fresh, []byte(want))
		fresh.Close()
		if !reflect.DeepEqual(got, exp) {
			t.Fatalf("step %d: incremental summary differs from a fresh parse of\n%s", i, want)
		}
	}
}

// runeOffset moves off back to the start of the rune containing it, and
// out of a CRLF pair: an editor cannot edit between them.
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

func readAppPy(t testing.TB) string {
	b, err := os.ReadFile("../../testdata/lsp/basic/app.py")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocumentEditsMatchFresh(t *testing.T) {
	base := readAppPy(t) + "\n# 😀 中文 comment\nLABEL = \"ü\"\n"
	for seed := int64(1); seed <= 5; seed++ {
		editAndCompare(t, base, seed, 200)
	}
}

func FuzzDocumentEdits(f *testing.F) {
	f.Add(readAppPy(f), int64(1))
	f.Add("x = 1\r\ny = '😀'\n", int64(2))
	f.Add("", int64(3))
	f.Fuzz(func(t *testing.T, base string, seed int64) {
		if !utf8.ValidString(base) || len(base) > 4096 {
			t.Skip()
		}
		editAndCompare(t, base, seed, 30)
	})
}

// Edit tells an edit inside a comment (which nothing outside it can see)
// from any other, by the tree of the text before the edit.
func TestDocumentEditInComment(t *testing.T) {
	const text = "x = 1  # note here\ns = \"a # b\"\n# whole line\n"
	at := func(sub string, off int) int { return strings.Index(text, sub) + off }
	tests := []struct {
		name       string
		start, end int
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
		{"typing at the start of the text", 0, 0, "y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDocument([]byte(text))
			defer d.DropTree()
			if got := d.Edit(tt.start, tt.end, tt.insert); got {
				t.Fatal("an edit before any parse was taken as inside a comment")
			}
			d.Replace([]byte(text))
			if _, err := d.Summarize(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := d.Edit(tt.start, tt.end, tt.insert); got != tt.want {
				t.Errorf("Edit reported inComment = %v, want %v (text now %q)", got, tt.want, d.Text())
			}
			// A second edit before the next parse cannot be told: the
			// tree is stale.
			if d.Edit(tt.start, tt.start, "") {
				t.Error("an edit after an unparsed one was taken as inside a comment")
			}
		})
	}
}

// A dropped tree is not needed for a correct summary (the next parse is
// from scratch), and the last summary stays until the text changes.
func TestDocumentDropTree(t *testing.T) {
	ctx := context.Background()
	const text = "from prometheus_client import Gauge\nG = Gauge('g', 'h')\n"
	d := NewDocument([]byte(text))
	m, err := d.Summarize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !d.HasTree() {
		t.Fatal("no tree kept after Summarize")
	}
	d.DropTree()
	if d.HasTree() || d.Module() != m {
		t.Fatalf("after DropTree: HasTree = %v, summary kept = %v", d.HasTree(), d.Module() == m)
	}
	if d.Edit(len(text), len(text), "x = 1\n") {
		t.Error("an edit without a tree was taken as inside a comment")
	}
	if d.Module() != nil {
		t.Error("the summary outlived an edit")
	}
	got, err := d.Summarize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.DropTree()
	if len(got.Calls) != 1 || got.Calls[0].Func != "Gauge" {
		t.Errorf("summary after an edit without a tree: calls %+v", got.Calls)
	}
}
