package rules

import (
	"regexp"
	"testing"
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
