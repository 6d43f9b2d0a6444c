package diagnostics

import (
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// UnusedSuppression reports suppression comments that silence nothing or
// name no rule (ruff's RUF100). It is Explicit: a selector must name it
// (--extend-select MP001), since a code in a noqa may be kept on purpose.
// The engine does its work (it needs every other rule's findings); Run is
// empty.
var UnusedSuppression = &Rule{
	Code:     "MP001",
	Name:     "unused-suppression",
	Severity: Warning,
	Title:    "Suppression comment that silences nothing, or names no rule",
	Doc: "A `# multiprom: ignore[...]` or `# noqa: MP...` comment whose code has no finding on its line " +
		"(the bug was fixed, or the code moved) hides the next real finding there; a code that names no " +
		"rule (a typo, MP3O1) suppresses nothing. Codes of other tools in a noqa list are left alone. " +
		"Enabled only when selected by name: `--extend-select MP001` or `extend-select = [\"MP001\"]`.",
	Before:   `G = Gauge("g", "help", multiprocess_mode="livesum")  # noqa: MP301`,
	After:    `G = Gauge("g", "help", multiprocess_mode="livesum")`,
	FixDoc:   "Removes the code from the list, or the whole comment when it is the only code.",
	Fix:      FixSafe,
	Explicit: true,
	Run:      func(*Pass) {},
}

var ourCode = regexp.MustCompile(`(?i)^MP\d+$`)

// suppressionUse is a finding silenced by a comment: the line it is on and
// its code.
type suppressionUse struct {
	path string
	line int
	code string
}

// unusedSuppressions returns the UnusedSuppression findings of files:
// used holds the suppressions that silenced a finding, ran tells the rules
// that ran (only their codes can be judged unused) and known every code.
func unusedSuppressions(p *project.Project, files []*project.File, used map[suppressionUse]bool, ran, known map[string]bool) []*Diagnostic {
	var out []*Diagnostic
	for _, f := range files {
		if !strings.Contains(string(f.Src), "#") {
			continue
		}
		idx := f.Lines()
		for line := 0; line < idx.LineCount(); line++ {
			start := idx.LineStart(line)
			text := string(f.Src[start:idx.LineEnd(line)])
			for _, s := range suppressions(text) {
				if s.all {
					if !s.noqa && !used[suppressionUse{f.Path, line, "*"}] {
						span := source.Span{Start: start + s.start, End: start + s.end}
						out = append(out, unusedDiag(f, span, "unused suppression: nothing on this line is reported", removeComment(f, text, start, s)))
					}
					continue
				}
				for _, c := range s.codes {
					code := strings.ToUpper(c.code)
					if s.noqa && !ourCode.MatchString(code) || code == UnusedSuppression.Code {
						continue
					}
					span := source.Span{Start: start + c.start, End: start + c.end}
					fix := removeCode(f, text, start, s, c)
					switch {
					case !known[code]:
						out = append(out, unusedDiag(f, span, "unknown rule code "+c.code+" in a suppression comment: it suppresses nothing", fix))
					case ran[code] && !used[suppressionUse{f.Path, line, code}]:
						out = append(out, unusedDiag(f, span, "unused suppression: no "+code+" finding on this line", fix))
					}
				}
			}
		}
	}
	return out
}

func unusedDiag(f *project.File, span source.Span, msg string, fix Fix) *Diagnostic {
	d := &Diagnostic{Path: f.Path, Span: span, Rule: UnusedSuppression, Severity: UnusedSuppression.Severity, Message: msg}
	return d.AddFix(fix)
}

// removeComment deletes a suppression comment and the blanks before it.
func removeComment(f *project.File, text string, lineStart int, s suppression) Fix {
	from := len(strings.TrimRight(text[:s.start], " \t"))
	return Fix{Title: "Remove the suppression comment", Edits: []Edit{{Path: f.Path, Span: source.Span{Start: lineStart + from, End: lineStart + s.end}}}}
}

// removeCode deletes one code from a suppression's list (with the comma
// that joins it to its neighbour), or the comment when it is the only one
// of ours and no other tool's code stays.
func removeCode(f *project.File, text string, lineStart int, s suppression, c listedCode) Fix {
	if len(s.codes) == 1 {
		return removeComment(f, text, lineStart, s)
	}
	from, to := c.start, c.end
	// Take the separator after the code, or, for the last one, before it.
	if rest := text[to:]; len(strings.TrimLeft(rest, " \t")) > 0 && strings.TrimLeft(rest, " \t")[0] == ',' {
		to += len(rest) - len(strings.TrimLeft(rest, " \t")) + 1
		to += len(text[to:]) - len(strings.TrimLeft(text[to:], " \t"))
	} else {
		before := strings.TrimRight(text[:from], " \t")
		if strings.HasSuffix(before, ",") {
			from = len(before) - 1
		}
	}
	return Fix{Title: "Remove " + c.code + " from the suppression", Edits: []Edit{{Path: f.Path, Span: source.Span{Start: lineStart + from, End: lineStart + to}}}}
}
