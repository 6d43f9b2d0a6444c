// Package deps reads the libraries a Python project declares, with their
// version specifiers, from each file a Python packaging tool reads them
// from: requirements*.txt (pip), pyproject.toml's [project] dependencies,
// Pipfile's [packages] (pipenv) and setup.cfg's [options] install_requires
// (setuptools); setup.py is Python, read from its summary by
// internal/project. A pin matters to multiprom: it decides which
// multiprocess modes the client has.
package deps

import (
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/internal/source"
)

// Pin is one declared library: its PEP 503 normalised name, its version
// specifier ("==0.16.0", ">=0.9,<0.10", "" for any) and where it is written.
type Pin struct {
	Name string
	Spec string
	Span source.Span
}

var reqLine = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// NormalizeDist normalises a distribution name as PEP 503 does.
func NormalizeDist(name string) string {
	name = strings.ToLower(name)
	return strings.NewReplacer("_", "-", ".", "-").Replace(name)
}

// Parse reads one PEP 508 requirement string ("prometheus_client==0.7.1 ;
// python_version > '3'"); ok is false for an option line (-r base.txt) or
// text that names no distribution.
func Parse(req string, at source.Span) (Pin, bool) {
	if i := strings.Index(req, ";"); i >= 0 {
		req = req[:i] // environment markers
	}
	m := reqLine.FindStringSubmatch(req)
	if m == nil || strings.HasPrefix(strings.TrimSpace(req), "-") {
		return Pin{}, false
	}
	return Pin{Name: NormalizeDist(m[1]), Spec: strings.TrimSpace(m[3]), Span: at}, true
}

// Requirements reads a requirements file, a pin per line; its span is the
// whole line (where a suppression comment or an edit goes).
func Requirements(src []byte) []Pin {
	var pins []Pin
	off := 0
	for _, line := range strings.SplitAfter(string(src), "\n") {
		text := strings.TrimRight(line, "\r\n")
		body := text
		if i := strings.Index(body, "#"); i >= 0 {
			body = body[:i]
		}
		if p, ok := Parse(body, source.Span{Start: off, End: off + len(text)}); ok {
			pins = append(pins, p)
		}
		off += len(line)
	}
	return pins
}
