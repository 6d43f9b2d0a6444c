package diagnostics

import (
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

func textFile(path, src string) *project.File {
	return &project.File{Path: path, Kind: project.Classify(path), Src: []byte(src)}
}

func TestSuppressed(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"G = Gauge('g', 'h')", false},
		{"G = Gauge('g', 'h')  # multiprom: ignore", true},
		{"G = Gauge('g', 'h')  #multiprom:ignore[MP301]", true},
		{"G = Gauge('g', 'h')  # multiprom: ignore[MP108, mp301]", true},
		{"G = Gauge('g', 'h')  # multiprom: ignore[MP108]", false},
		{"G = Gauge('g', 'h')  # multiprom: ignore[]", false},
		{"G = Gauge('g', 'h')  # noqa: E501,MP301", true},
		{"G = Gauge('g', 'h')  # noqa", true}, // bare, as in ruff
		{"G = Gauge('g', 'h')  # NOQA", true},
		{"G = Gauge('g', 'h')  # noqanother", false},
		{"G = Gauge('g', 'h')  # noqa: MP3011", false},
	}
	for _, tt := range tests {
		f := textFile("app.py", "import x\n"+tt.line+"\r\nnext = 1  # multiprom: ignore\n")
		if got := suppressed(f, len("import x\n"), "MP301"); got != tt.want {
			t.Errorf("%q: suppressed = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestSuppressionAt(t *testing.T) {
	const src = "x = 1\nG = Gauge('MP301')  # multiprom: ignore[MP108, MP301]  # noqa: mp201\n"
	f := textFile("app.py", src)
	at := func(sub string, delta int) int { return strings.LastIndex(src, sub) + delta }
	tests := []struct {
		off      int
		wantCode string
	}{
		{at("MP108", 0), "MP108"},
		{at("MP108", 5), "MP108"}, // just after the code
		{at("MP301", 2), "MP301"},
		{at("mp201", 1), "mp201"},
		{at("MP301')", 1), ""}, // in a string, not a comment
		{at("ignore", 1), ""},
		{at("x = 1", 0), ""},
	}
	for _, tt := range tests {
		code, span, ok := SuppressionAt(f, tt.off)
		if ok != (tt.wantCode != "") || code != tt.wantCode {
			t.Errorf("at %d: %q %v, want %q", tt.off, code, ok, tt.wantCode)
			continue
		}
		if ok && src[span.Start:span.End] != code {
			t.Errorf("at %d: span %v holds %q, not %q", tt.off, span, src[span.Start:span.End], code)
		}
	}
}

// The edit either extends the line's list or appends a comment, and the
// line it leaves suppresses the finding.
func TestSuppressEdit(t *testing.T) {
	rule := &Rule{Code: "MP301"}
	tests := []struct {
		name, path, src, want string
		ok                    bool
	}{
		{"append", "app.py", "G = Gauge('g', 'h')\nx = 1\n", "G = Gauge('g', 'h')  # multiprom: ignore[MP301]\nx = 1\n", true},
		{"append before CRLF", "app.py", "G = Gauge('g', 'h')\r\n", "G = Gauge('g', 'h')  # multiprom: ignore[MP301]\r\n", true},
		{"append at the end of the text", "app.py", "G = Gauge('g', 'h')", "G = Gauge('g', 'h')  # multiprom: ignore[MP301]", true},
		{"extend a list", "app.py", "G = Gauge('g', 'h')  # multiprom: ignore[MP108]  # why\n",
			"G = Gauge('g', 'h')  # multiprom: ignore[MP108,MP301]  # why\n", true},
		{"fill an empty list", "app.py", "G = Gauge('g', 'h')  #multiprom:ignore[]\n",
			"G = Gauge('g', 'h')  #multiprom:ignore[MP301]\n", true},
		{"beside noqa", "app.py", "G = Gauge('g', 'h')  # noqa: E501\n",
			"G = Gauge('g', 'h')  # noqa: E501  # multiprom: ignore[MP301]\n", true},
		{"requirements", "requirements.txt", "prometheus-client==0.16\n", "prometheus-client==0.16  # multiprom: ignore[MP301]\n", true},
		{"already suppressed", "app.py", "G = Gauge('g', 'h')  # noqa: MP301\n", "", false},
		{"no trailing comment in a Dockerfile", "Dockerfile", "ENV X=1\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := textFile(tt.path, tt.src)
			d := &Diagnostic{Path: tt.path, Span: source.Span{Start: 0, End: 1}, Rule: rule}
			e, ok := SuppressEdit(f, d)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			got := applyEdits(tt.src, []Edit{e})
			if e.Path != tt.path || got != tt.want {
				t.Fatalf("edit %+v gives\n%q, want\n%q", e, got, tt.want)
			}
			if !suppressed(textFile(tt.path, got), 0, rule.Code) {
				t.Errorf("%q does not suppress %s", got, rule.Code)
			}
		})
	}
}
