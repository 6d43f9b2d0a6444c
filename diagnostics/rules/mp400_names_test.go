package rules

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// The byte loops answer as the regular expressions they replaced.
func TestNameChecksMatchRegexps(t *testing.T) {
	checks := []struct {
		name string
		fn   func(string) bool
		re   *regexp.Regexp
	}{
		{"validMetricName", validMetricName, regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)},
		{"validLabelName", validLabelName, regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)},
		{"isIdentifier", isIdentifier, regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)},
		{"camelCase", camelCase, regexp.MustCompile(`[a-z][A-Z]`)},
	}
	inputs := []string{
		"", "a", "A", "_", ":", "0", "9abc", "http_requests_total", "ns:sub_name", "a:b", "a-b",
		"requestCount", "RequestCount", "HTTPRequests", "aB", "a1B", "label_name", "é", "aé", "éB",
		"name\n", " name", "name ", "x.y", "abc_DEF", "abc_dEF", "\x00", "a\xffB",
	}
	for _, c := range checks {
		for _, in := range inputs {
			if got, want := c.fn(in), c.re.MatchString(in); got != want {
				t.Errorf("%s(%q) = %v, the regexp says %v", c.name, in, got, want)
			}
		}
	}
}

// Each key of an exporter's labels= dict gets its own span, a repeated
// item included (a search for the item's text found the first copy), and
// a long dict is split in one pass.
func TestDeclLabelsSpans(t *testing.T) {
	var keys []string
	for i := 0; i < 2000; i++ {
		keys = append(keys, `"__x": lambda: 1`)
	}
	src := "from flask import Flask\nfrom prometheus_flask_exporter import PrometheusMetrics\n\napp = Flask(__name__)\nmetrics = PrometheusMetrics(app)\n\n\n" +
		"@metrics.counter(\"c\", \"C\", labels={" + strings.Join(keys, ", ") + "})\ndef view():\n    return \"ok\"\n"
	f := &project.File{Path: "app.py", Kind: project.KindPython, Src: []byte(src)}
	p := project.NewProject(context.Background(), "/t", []*project.File{f}, config.Settings{})
	decls := p.Metrics().DeclsIn(f)
	if len(decls) != 1 {
		t.Fatalf("%d declarations, want 1", len(decls))
	}
	refs := declLabels(decls[0])
	if len(refs) != len(keys) {
		t.Fatalf("%d labels, want %d", len(refs), len(keys))
	}
	seen := map[int]bool{}
	for i, r := range refs {
		if got := f.Text(r.Span); r.Name != "__x" || got != `"__x"` {
			t.Fatalf("label %d: %q spanning %q, want __x spanning \"__x\"", i, r.Name, got)
		}
		if seen[r.Span.Start] {
			t.Fatalf("label %d shares its span with an earlier one (%v)", i, r.Span)
		}
		seen[r.Span.Start] = true
	}
}
