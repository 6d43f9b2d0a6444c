package diagnostics

import (
	"context"
	"sort"
	"testing"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// applyEdits applies non-overlapping edits of one file.
func applyEdits(src string, edits []Edit) string {
	sort.Slice(edits, func(i, j int) bool { return edits[i].Span.Start > edits[j].Span.Start })
	for _, e := range edits {
		src = src[:e.Span.Start] + e.NewText + src[e.Span.End:]
	}
	return src
}

func TestAddImportsExtendsFromImports(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"plain", "from prometheus_client import A\nx = 1\n",
			"from prometheus_client import A, Gauge\nx = 1\n"},
		{"trailing comma", "from prometheus_client import A,\nx = 1\n",
			"from prometheus_client import A, Gauge\nx = 1\n"},
		{"parenthesized", "from prometheus_client import (\n    A,\n)\nx = 1\n",
			"from prometheus_client import (\n    A, Gauge,\n)\nx = 1\n"},
		{"new line", "import os\nx = 1\n",
			"import os\nfrom prometheus_client import Gauge\nx = 1\n"},
	}
	for _, tt := range tests {
		f := &project.File{Path: "app.py", Kind: project.KindPython, Src: []byte(tt.src)}
		f.Py = mustParse(t, tt.src)
		got := applyEdits(tt.src, AddImports(f, []string{"from prometheus_client import Gauge"}))
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestAddKeyword(t *testing.T) {
	tests := []struct{ src, want string }{
		{`G("a", "b")`, `G("a", "b", mode="x")`},
		{`G()`, `G(mode="x")`},
		{"G(\n    \"a\",\n    \"b\",\n)", "G(\n    \"a\",\n    \"b\",\n    mode=\"x\",\n)"},
		{`G("a", "b",)`, `G("a", "b", mode="x")`},
	}
	for _, tt := range tests {
		f := &project.File{Path: "m.py", Kind: project.KindPython, Src: []byte(tt.src)}
		if err := f.Parse(context.Background()); err != nil {
			t.Fatal(err)
		}
		e := AddKeyword(f, f.Py.Calls[0], "mode", `"x"`)
		got := string(f.Src[:e.Span.Start]) + e.NewText + string(f.Src[e.Span.End:])
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

// mustParse is the summary of src.
func mustParse(t testing.TB, src string) *python.Module {
	t.Helper()
	m, err := python.Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
