package diagnostics

import (
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// Suppression comments, on the line of the finding:
//
//	# multiprom: ignore              every rule
//	# multiprom: ignore[MP301,MP108] those rules
//	# noqa: MP301                    ruff/flake8 style (other tools' codes in the list are theirs)
//	# noqa                           every rule, as in ruff
//
// A suppression that silences nothing, or names no rule, is itself a
// finding of UnusedSuppression (MP001, like ruff's RUF100) when that rule
// is selected by name.
//
// This file is the one place that knows the syntax: the engine reads it
// (suppressed), the language server's hover finds the codes in it
// (SuppressionAt) and its "disable for this line" action writes it
// (SuppressEdit).
var (
	ignoreRe = regexp.MustCompile(`#\s*multiprom:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?`)
	noqaRe   = regexp.MustCompile(`(?i)#\s*noqa\b(?:\s*:\s*([A-Za-z0-9_,\s]+))?`)
)

// suppression is one suppression comment of a line.
type suppression struct {
	all   bool         // "# multiprom: ignore" without a list, or a bare "# noqa"
	noqa  bool         // a noqa comment: its list may hold other tools' codes
	codes []listedCode // the listed codes, in order
	close int          // offset in the line of a list's "]", or -1
	start int          // offset in the line of the comment's "#"
	end   int          // offset in the line just after the comment's codes
}

// listedCode is a code as written in a suppression comment.
type listedCode struct {
	code       string
	start, end int // offsets in the line
}

// suppressions parses the suppression comments of one line.
func suppressions(line string) []suppression {
	if !strings.Contains(line, "#") {
		return nil
	}
	var out []suppression
	for _, m := range ignoreRe.FindAllStringSubmatchIndex(line, -1) {
		if m[2] < 0 {
			out = append(out, suppression{all: true, close: -1, start: m[0], end: m[1]})
			continue
		}
		out = append(out, suppression{codes: listedCodes(line, m[2], m[3]), close: m[3], start: m[0], end: m[1]})
	}
	for _, m := range noqaRe.FindAllStringSubmatchIndex(line, -1) {
		if m[2] < 0 {
			out = append(out, suppression{all: true, noqa: true, close: -1, start: m[0], end: m[1]})
			continue
		}
		out = append(out, suppression{noqa: true, codes: listedCodes(line, m[2], m[3]), close: -1, start: m[0], end: m[1]})
	}
	return out
}

// listedCodes splits the list line[start:end] at commas and blanks.
func listedCodes(line string, start, end int) []listedCode {
	var out []listedCode
	sep := func(c byte) bool { return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' }
	for i := start; i < end; {
		for i < end && sep(line[i]) {
			i++
		}
		j := i
		for j < end && !sep(line[j]) {
			j++
		}
		if j > i {
			out = append(out, listedCode{code: line[i:j], start: i, end: j})
		}
		i = j
	}
	return out
}

// lineText is the line of f holding off, without its line break, and the
// offset where it starts.
func lineText(f *project.File, off int) (string, int) {
	idx := f.Lines()
	line := idx.Line(off)
	start, end := idx.LineStart(line), idx.LineEnd(line)
	return string(f.Src[start:end]), start
}

// suppressed reports whether the line holding off in f silences code.
func suppressed(f *project.File, off int, code string) bool {
	_, ok := suppressedBy(f, off, code)
	return ok
}

// suppressedBy is suppressed, also saying by what: the code as listed
// (upper case), or "*" for a comment that silences every rule.
func suppressedBy(f *project.File, off int, code string) (string, bool) {
	line, _ := lineText(f, off)
	for _, s := range suppressions(line) {
		for _, c := range s.codes {
			if strings.EqualFold(c.code, code) {
				return strings.ToUpper(code), true
			}
		}
	}
	for _, s := range suppressions(line) {
		if s.all {
			return "*", true
		}
	}
	return "", false
}

// SuppressionAt returns the code listed in a suppression comment under
// off in f (a hover there explains the rule), and its span. The code is
// as written: it may name no rule, and its case may differ from the rule's.
func SuppressionAt(f *project.File, off int) (code string, span source.Span, ok bool) {
	line, start := lineText(f, off)
	for _, s := range suppressions(line) {
		for _, c := range s.codes {
			if start+c.start <= off && off <= start+c.end {
				return c.code, source.Span{Start: start + c.start, End: start + c.end}, true
			}
		}
	}
	return "", source.Span{}, false
}

// SuppressEdit is the edit that silences d on its line: d's code added to
// the line's "# multiprom: ignore[...]" list, or that comment appended to
// the line. ok is false where a trailing comment is not safe (only Python,
// requirements and pyproject files take one) or the line already
// suppresses d.
func SuppressEdit(f *project.File, d *Diagnostic) (edit Edit, ok bool) {
	switch f.Kind {
	case project.KindPython, project.KindRequirements, project.KindPyproject:
	default:
		return Edit{}, false
	}
	code := d.Rule.Code
	if suppressed(f, d.Span.Start, code) {
		return Edit{}, false
	}
	line, start := lineText(f, d.Span.Start)
	for _, s := range suppressions(line) {
		if s.close < 0 {
			continue
		}
		text := "," + code
		if len(s.codes) == 0 {
			text = code
		}
		at := start + s.close
		return Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text}, true
	}
	end := start + len(line)
	return Edit{Path: f.Path, Span: source.Span{Start: end, End: end}, NewText: "  # multiprom: ignore[" + code + "]"}, true
}
