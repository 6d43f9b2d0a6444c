package workspace

import (
	"bytes"
	"path"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
)

// The scan prefilter decides from a Python file's bytes, before parsing,
// whether the file can matter: to a rule (every rule is about
// prometheus_client, prometheus_flask_exporter, Flask, FastAPI, Starlette,
// gunicorn, uvicorn or Redis) or
// to the project facts (gunicorn configs, places that set or test the
// multiprocess variable). A file that cannot matter joins the project with
// an empty summary: its path still counts for module resolution, so only
// what the rules and facts read from its code is left out.
//
// Contract for rule and fact authors: if a rule or fact starts reading
// Python code that mentions none of prefilterKeywords, add the word here.
// bench's prefilter test runs every rule with and without the prefilter
// over testdata/, the golden archives and a generated corpus and fails on
// any difference.

// keyword is a byte pattern that makes a file relevant. wordStart requires a
// non-identifier byte before it; noLowerAfter forbids a lower-case letter
// after it ("redis" but not "redistribute").
type keyword struct {
	text         string
	wordStart    bool
	noLowerAfter bool
	// propagates marks app code: modules that import such a file are
	// relevant too (import chains, metric uses, app factories).
	propagates bool
}

var prefilterKeywords = []keyword{
	// prometheus_client, prometheus_flask_exporter, *PrometheusMetrics,
	// PROMETHEUS_MULTIPROC_DIR, prometheus_multiproc_dir.
	{text: "rometheus", propagates: true},
	{text: "ROMETHEUS", propagates: true},
	{text: "MultiProcessCollector", propagates: true},
	{text: "mark_process_dead", propagates: true},
	// gunicorn, Gunicorn*, GUNICORN_CMD_ARGS.
	{text: "unicorn", propagates: true},
	{text: "UNICORN", propagates: true},
	{text: "flask", propagates: true},
	{text: "Flask", propagates: true},
	{text: "FLASK", propagates: true},
	// FastAPI(...) and Starlette(...) apps (project.Facts.Apps), also
	// fastapi/starlette imports, starlette_exporter, uvicorn.
	{text: "astapi", propagates: true},
	{text: "astAPI", propagates: true},
	{text: "tarlette", propagates: true},
	{text: "uvicorn", propagates: true},
	{text: "UVICORN", propagates: true},
	{text: "redis", wordStart: true, noLowerAfter: true, propagates: true},
	{text: "Redis", wordStart: true, noLowerAfter: true, propagates: true},
	{text: "REDIS", wordStart: true, noLowerAfter: true, propagates: true},
	// Environment tests that gate multiprocess code (facts_gate.go) and the
	// worker count; os.environ alone cannot matter (every env fact names
	// one of these variables).
	{text: "SERVER_SOFTWARE"},
	{text: "WEB_CONCURRENCY"},
}

// relevance is the prefilter's verdict on one file.
type relevance uint8

const (
	irrelevant    relevance = iota
	relevantLocal           // matters in itself (a settings file, an env test)
	relevantApp             // app code: its importers matter too
)

// classifyPython applies the keyword and settings tests to a Python file.
func classifyPython(rel string, src []byte) relevance {
	// gunicorn.conf.py, gunicorn_conf.py, ... are configs by name (files
	// named by -c are found by deployMentions).
	if strings.Contains(strings.ToLower(path.Base(rel)), "gunicorn") {
		return relevantApp
	}
	for _, k := range prefilterKeywords {
		if containsKeyword(src, k) {
			if k.propagates {
				return relevantApp
			}
			return relevantLocal
		}
	}
	if assignsGunicornSetting(src) {
		return relevantLocal
	}
	return irrelevant
}

func containsKeyword(src []byte, k keyword) bool {
	needle := k.text
	off := 0
	for {
		i := bytes.Index(src[off:], []byte(needle))
		if i < 0 {
			return false
		}
		i += off
		ok := true
		if k.wordStart && i > 0 && isIdentByte(src[i-1]) {
			ok = false
		}
		if ok && k.noLowerAfter {
			if j := i + len(needle); j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
				ok = false
			}
		}
		if ok {
			return true
		}
		off = i + 1
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// assignsGunicornSetting reports whether the file could look like a gunicorn
// config to looksLikeGunicornConfig, which needs two top-level assignments
// of setting names, or one and a hook function. A file that is a config by
// name or by -c is found elsewhere (classifyPython, deployMentions). The cheap
// byte test counts setting assignments at any indentation; a file that
// passes it is then read line by line (topLevelSettings) and only its
// top-level statements count, unless its layout is anything but plain
// (odd indentation, unbalanced brackets or strings), where tree-sitter's
// error recovery could make an indented line top-level: then it counts.
func assignsGunicornSetting(src []byte) bool {
	n := settingAssignments(src, 2)
	if n == 0 {
		return false
	}
	if top, plain := topLevelSettings(src); plain {
		n = top
	}
	if n >= 2 {
		return true
	}
	if n == 0 {
		return false
	}
	for hook := range project.GunicornHooks {
		if mentionsWord(src, []string{hook}) {
			return true
		}
	}
	return false
}

// settingAssignments counts (up to max) the statements, at any indentation,
// that start a line or follow a ';' and assign a setting name. One pass
// over the lines.
func settingAssignments(src []byte, max int) int {
	n := 0
	for off := 0; off < len(src) && n < max; {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off
		}
		line := src[off:end]
		off = end + 1
		// A setting name continued with a backslash has its '=' on the
		// next line: look past the line end.
		rest := src[end-len(line):]
		k := 0
		for k < len(line) && (line[k] == ' ' || line[k] == '\t' || line[k] == '\f' || line[k] == '\v') {
			k++
		}
		if k == 0 && bytes.HasPrefix(line, []byte("\xef\xbb\xbf")) {
			k = 3
		}
		if isSettingAssign(rest[k:]) {
			n++
		}
		for j := bytes.IndexByte(line, ';'); j >= 0; {
			k := j + 1
			for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
				k++
			}
			if isSettingAssign(rest[k:]) {
				n++
			}
			next := bytes.IndexByte(line[j+1:], ';')
			if next < 0 {
				break
			}
			j += next + 1
		}
	}
	return n
}

// mentionsWord reports whether src holds one of words as a whole identifier.
func mentionsWord(src []byte, words []string) bool { return newWordMatcher(words).in(src) }

// wordMatcher finds any of many words as whole identifiers in one pass over
// a source: a word made of identifier bytes occurs as a whole identifier
// exactly when it equals a maximal run of identifier bytes. Searching for
// each word in turn made spreading relevance through a project O(words ×
// bytes): 60 ms of a 234k-line check with 3,000 metric names.
type wordMatcher struct {
	idents map[string]bool
	others []string // words with other bytes: searched one by one
}

func newWordMatcher(words []string) *wordMatcher {
	m := &wordMatcher{idents: make(map[string]bool, len(words))}
	for _, w := range words {
		if isIdentWord(w) {
			m.idents[w] = true
		} else if w != "" {
			m.others = append(m.others, w)
		}
	}
	return m
}

func isIdentWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isIdentByte(w[i]) {
			return false
		}
	}
	return w != ""
}

// in reports whether src holds one of the words as a whole identifier.
func (m *wordMatcher) in(src []byte) bool {
	if len(m.idents) > 0 {
		for i, j := nextIdent(src, 0); i < j; i, j = nextIdent(src, j) {
			if m.idents[string(src[i:j])] {
				return true
			}
		}
	}
	return searchWords(src, m.others)
}

// nextIdent finds the first maximal run of identifier bytes in src at or
// after off: src[i:j], or i == j when there is none.
func nextIdent(src []byte, off int) (i, j int) {
	i = off
	for i < len(src) && !isIdentByte(src[i]) {
		i++
	}
	j = i
	for j < len(src) && isIdentByte(src[j]) {
		j++
	}
	return i, j
}

// searchWords is mentionsWord by one search per word. The empty word names
// nothing: searching for it ran off the end of the source and panicked
// (found by TestWordMatcherMatchesSearch; no caller passes one today).
func searchWords(src []byte, words []string) bool {
	for _, w := range words {
		if w == "" {
			continue
		}
		off := 0
		for off <= len(src) {
			i := bytes.Index(src[off:], []byte(w))
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if i > 0 && isIdentByte(src[i-1]) {
				continue
			}
			if j := i + len(w); j < len(src) && isIdentByte(src[j]) {
				continue
			}
			return true
		}
	}
	return false
}

// propagationWords are the names by which other modules reach the relevant
// file f: the last part of its module name (import f / from pkg import f /
// from .f import x) and the module-level names its metrics are bound to
// (any use of a metric, however imported or re-exported, spells the name).
func propagationWords(f *project.File) []string {
	mod := f.ModuleName()
	if i := strings.LastIndexByte(mod, '.'); i >= 0 {
		mod = mod[i+1:]
	}
	words := []string{mod}
	if f.Py != nil {
		for _, d := range f.MetricDecls() {
			if d.Var != "" {
				words = append(words, identParts(d.Var)...)
			}
		}
	}
	return words
}

// identParts splits a target such as "self.G" or "a,b" into identifiers.
func identParts(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r >= 0x80 || !isIdentByte(byte(r)) })
}
