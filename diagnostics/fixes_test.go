package diagnostics

import (
	"sort"
	"testing"
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
		f := &File{Path: "app.py", Kind: KindPython, Src: []byte(tt.src)}
		f.Py = summarize(t, tt.src)
		got := applyEdits(tt.src, AddImports(f, []string{"from prometheus_client import Gauge"}))
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
