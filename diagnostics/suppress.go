package diagnostics

import (
	"github.com/multiprom/multiprom/internal/project"
	"regexp"
	"strings"
)

// Suppression comments, on the line of the finding:
//
//	# multiprom: ignore              every rule
//	# multiprom: ignore[MP301,MP108] those rules
//	# noqa: MP301                    ruff/flake8 style; a bare "# noqa" is left to other tools
var (
	ignoreRe = regexp.MustCompile(`#\s*multiprom:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?`)
	noqaRe   = regexp.MustCompile(`#\s*noqa:\s*([A-Za-z0-9_,\s]+)`)
)

// suppressed reports whether the line holding off in f silences code.
func suppressed(f *project.File, off int, code string) bool {
	idx := f.Lines()
	line := idx.Line(off)
	text := string(f.Src[idx.LineStart(line):idx.LineEnd(line)])
	if !strings.Contains(text, "#") {
		return false
	}
	if m := ignoreRe.FindStringSubmatch(text); m != nil {
		if m[1] == "" && !strings.Contains(m[0], "[") {
			return true
		}
		if codeListed(m[1], code) {
			return true
		}
	}
	if m := noqaRe.FindStringSubmatch(text); m != nil && codeListed(m[1], code) {
		return true
	}
	return false
}

func codeListed(list, code string) bool {
	for _, c := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if strings.EqualFold(strings.TrimSpace(c), code) {
			return true
		}
	}
	return false
}
