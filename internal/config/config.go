// Package config is multiprom's settings: the Settings type (from
// [tool.multiprom] in pyproject.toml, a --config file, or the editor),
// read strictly — an unknown key or a wrong type is an error that names the
// key and its line — and their path patterns, which are gitignore's
// (github.com/sabhiram/go-gitignore).
package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/pelletier/go-toml/v2"
	ignore "github.com/sabhiram/go-gitignore"
)

// Error is a setting that cannot be read: an
// unknown key or a value of the wrong type. Line is 1-based (0: unknown).
type Error struct {
	Line    int
	Key     string // the key as written, dotted below [tool.multiprom] ("severity.MP301")
	Message string
}

func (e *Error) Error() string { return e.Message }

// Strict decodes src into target refusing unknown keys, and returns the
// first unknown key inside table (the settings table's path in the
// document: ["tool", "multiprom"], or none for a file of its own) as an
// Error; keys are the known ones, for a "did you mean". Unknown keys elsewhere in the
// document are not its business.
func Strict(src []byte, table []string, target any, keys []string) error {
	dec := toml.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	err := dec.Decode(target)
	var strict *toml.StrictMissingError
	if !errors.As(err, &strict) {
		return TypeError(err, table)
	}
	for _, e := range strict.Errors {
		key := e.Key()
		if len(key) <= len(table) || !slices.Equal(key[:len(table)], table) {
			continue
		}
		row, _ := e.Position()
		name := key[len(table)]
		msg := fmt.Sprintf("unknown key %q in %s", strings.Join(key[len(table):], "."), tableName(table))
		if near := Nearest(name, keys); near != "" && len(key) == len(table)+1 {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		} else if len(key) == len(table)+1 {
			msg += " (known keys: " + strings.Join(keys, ", ") + ")"
		}
		return &Error{Line: row, Key: strings.Join(key[len(table):], "."), Message: msg}
	}
	return nil
}

func tableName(table []string) string {
	if len(table) == 0 {
		return "the configuration"
	}
	return "[" + strings.Join(table, ".") + "]"
}

var decodeInto = regexp.MustCompile(`cannot decode TOML (\w+) into (?:struct field \S+ of type|a Go value of type) \*?(\S+)`)

// TypeError turns go-toml's decode error into a ConfigError naming the
// key, its line and the type wanted.
func TypeError(err error, table []string) error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return err
	}
	row, _ := de.Position()
	key := de.Key()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	if m := decodeInto.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("a TOML %s where %s is wanted", m[1], goTypeWords(m[2]))
	}
	if len(key) == 0 {
		return &Error{Line: row, Message: "not valid TOML: " + msg}
	}
	name := strings.Join(key, ".")
	if len(key) >= len(table) && slices.Equal(key[:len(table)], table) {
		name = strings.Join(key[len(table):], ".")
		return &Error{Line: row, Key: name, Message: fmt.Sprintf("%s in %s: %s", name, tableName(table), msg)}
	}
	return &Error{Line: row, Key: name, Message: fmt.Sprintf("%s: %s", name, msg)}
}

func goTypeWords(t string) string {
	switch t {
	case "int":
		return "an integer"
	case "bool":
		return "a boolean (true or false)"
	case "string":
		return "a string"
	case "[]string":
		return "a list of strings"
	}
	if strings.HasPrefix(t, "map[") {
		return "a table"
	}
	return t
}

// Nearest is the known key closest to name (at most two edits away, or
// the same without case and punctuation), or "".
func Nearest(name string, known []string) string {
	norm := func(s string) string { return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s)) }
	best, bestD := "", 3
	for _, k := range known {
		if norm(k) == norm(name) {
			return k
		}
		if d := levenshtein.ComputeDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// KeyLine is the 1-based line of key in src's settings table (its
// first line when the key is not written there; 0 when neither is found),
// for a setting that parsed but cannot be honoured.
func KeyLine(src []byte, pyproject bool, key string) int {
	in := !pyproject
	first := 0
	keyRe := regexp.MustCompile(`^\s*["']?` + regexp.QuoteMeta(key) + `["']?\s*[=.]`)
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			in = pyproject && (t == "[tool.multiprom]" || strings.HasPrefix(t, "[tool.multiprom."))
			if in && first == 0 {
				first = i + 1
			}
			if in && strings.HasPrefix(t, "[tool.multiprom."+key) {
				return i + 1
			}
			continue
		}
		if in && keyRe.MatchString(line) {
			return i + 1
		}
	}
	return first
}

// Matcher answers the settings' questions about paths: excluded, and
// which rules are ignored there. Paths are slash-separated, relative to the
// project root; patterns are gitignore's. A nil Matcher matches nothing.
type Matcher struct {
	exclude *ignore.GitIgnore // nil: nothing excluded
	ignores []perFileIgnore
	off     func(selectors []string, code string) bool
}

type perFileIgnore struct {
	match     *ignore.GitIgnore
	selectors []string
}

// NewMatcher compiles exclude patterns and per-file ignores (pattern ->
// rule selectors). off says whether selectors turn a rule code off.
func NewMatcher(exclude []string, perFile map[string][]string, off func(selectors []string, code string) bool) *Matcher {
	m := &Matcher{off: off}
	if len(exclude) > 0 {
		m.exclude = ignore.CompileIgnoreLines(exclude...)
	}
	pats := make([]string, 0, len(perFile))
	for p := range perFile {
		pats = append(pats, p)
	}
	sort.Strings(pats)
	for _, pat := range pats {
		m.ignores = append(m.ignores, perFileIgnore{ignore.CompileIgnoreLines(pat), perFile[pat]})
	}
	return m
}

// Excluded reports whether the file at rel is neither checked nor reported.
func (m *Matcher) Excluded(rel string) bool {
	return m != nil && m.exclude != nil && m.exclude.MatchesPath(rel)
}

// Ignored reports whether per-file-ignores turns rule code off in rel.
func (m *Matcher) Ignored(rel, code string) bool {
	if m == nil {
		return false
	}
	for _, pi := range m.ignores {
		if !pi.match.MatchesPath(rel) {
			continue
		}
		if m.off(pi.selectors, code) {
			return true
		}
	}
	return false
}

// Empty reports whether the matcher excludes and ignores nothing.
func (m *Matcher) Empty() bool { return m == nil || m.exclude == nil && len(m.ignores) == 0 }
