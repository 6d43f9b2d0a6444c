package rules

import (
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// Helpers of the MP4xx naming rules, after prometheus_client's validation
// (metrics_core.py) and promtool's lint (client_golang promlint).

// The name checks run for every declaration on every check: byte loops,
// not regular expressions (the backtracking matcher was half of MP405).

// validMetricName: ^[a-zA-Z_:][a-zA-Z0-9_:]*$
func validMetricName(s string) bool { return allBytes(s, ":") }

// validLabelName: ^[a-zA-Z_][a-zA-Z0-9_]*$
func validLabelName(s string) bool { return allBytes(s, "") }

// allBytes reports whether s is non-empty, every byte a letter, digit, _
// or one of extra, and the first not a digit.
func allBytes(s, extra string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || strings.IndexByte(extra, b) >= 0) {
			return false
		}
	}
	return true
}

// camelCase: a lower-case letter followed by an upper-case one.
func camelCase(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= 'a' && s[i-1] <= 'z' && s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// labelRef is one label name a declaration defines, with where it is written.
type labelRef struct {
	Name string
	Span source.Span
}

// declLabels returns the literal label names of a declaration: the
// labelnames list of a prometheus_client constructor, or the keys of an
// exporter method's labels={...} dict.
func declLabels(decl *project.MetricDecl) []labelRef {
	var out []labelRef
	if !decl.Exporter {
		ls, _ := decl.LabelNames()
		for _, l := range ls {
			out = append(out, labelRef{l.Str(), l.Span()})
		}
		return out
	}
	a := decl.Call.Keyword("labels")
	if a == nil || a.Value == nil || a.Value.Kind() != "dictionary" {
		return nil
	}
	text := a.Value.Text
	if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
		return nil // an unclosed "{" (a MISSING "}") panicked here (FuzzProject)
	}
	inner := text[1 : len(text)-1]
	off := a.Value.Span().Start + 1
	for _, it := range topLevelItems(inner) {
		item, start := it.text, it.at
		m := labelKeyRe.FindStringSubmatchIndex(item)
		if m == nil {
			continue
		}
		ks, ke := m[2], m[3]
		if ks < 0 {
			ks, ke = m[4], m[5]
		}
		// The span covers the quoted key.
		out = append(out, labelRef{item[ks:ke], source.Span{Start: off + start + ks - 1, End: off + start + ke + 1}})
	}
	return out
}

// namedDecls are the declarations whose exposed name is known.
func namedDecls(p *project.Project, f *project.File) []*project.MetricDecl {
	var out []*project.MetricDecl
	for _, decl := range p.Metrics().DeclsIn(f) {
		if _, ok := decl.FullName(); ok {
			out = append(out, decl)
		}
	}
	return out
}

// units maps unit words to their base unit (promlint units.go).
var units = map[string]string{
	"amperes": "amperes", "bytes": "bytes", "celsius": "celsius", "grams": "grams", "joules": "joules",
	"kelvin": "kelvin", "meters": "meters", "metres": "metres", "seconds": "seconds", "volts": "volts",
	"minutes": "seconds", "hours": "seconds", "days": "seconds", "weeks": "seconds",
	"kelvins": "kelvin", "fahrenheit": "celsius", "rankine": "celsius",
	"inches": "meters", "yards": "meters", "miles": "meters",
	"bits": "bytes", "calories": "joules", "pounds": "grams", "ounces": "grams",
}

var unitPrefixes = []string{"pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi",
	"mega", "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi"}

// unitAbbreviations are promlint's discouraged abbreviations, with the base
// unit each most likely means ("" when ambiguous).
var unitAbbreviations = []struct{ Abbr, Base string }{
	{"s", "seconds"}, {"ms", "seconds"}, {"us", "seconds"}, {"ns", "seconds"}, {"sec", "seconds"},
	{"b", "bytes"}, {"kb", "bytes"}, {"mb", "bytes"}, {"gb", "bytes"}, {"tb", "bytes"}, {"pb", "bytes"},
	{"m", ""}, {"h", "seconds"}, {"d", "seconds"},
}

// nonBaseUnit finds the first name part that is a known non-base unit, as
// promlint's metricUnits does.
func nonBaseUnit(name string) (unit, base string, ok bool) {
	for _, s := range strings.Split(name, "_") {
		if b, found := units[s]; found {
			return s, b, s != b
		}
		for _, p := range unitPrefixes {
			if strings.HasPrefix(s, p) {
				if b, found := units[s[len(p):]]; found {
					return s, b, s != b
				}
			}
		}
	}
	return "", "", false
}

// abbreviatedUnit finds a discouraged abbreviation as a whole name part.
func abbreviatedUnit(name string) (abbr, base string, ok bool) {
	n := strings.ToLower(name)
	for _, u := range unitAbbreviations {
		if strings.Contains(n, "_"+u.Abbr+"_") || strings.HasSuffix(n, "_"+u.Abbr) {
			return u.Abbr, u.Base, true
		}
	}
	return "", "", false
}
