package codeactions

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/pelletier/go-toml/v2"
)

// pyprojectDoc is the part of pyproject.toml the requirements step reads.
type pyprojectDoc struct {
	Project *struct {
		Dependencies []string `toml:"dependencies"`
		Dynamic      []string `toml:"dynamic"`
	} `toml:"project"`
}

// pyprojectUsable reports whether the file has a [project] table whose
// dependencies are listed there (not "dynamic", i.e. read from elsewhere).
func pyprojectUsable(f *project.File) bool {
	var doc pyprojectDoc
	if toml.Unmarshal(f.Src, &doc) != nil || doc.Project == nil {
		return false
	}
	return !slices.Contains(doc.Project.Dynamic, "dependencies")
}

var (
	projectHeader = regexp.MustCompile(`(?m)^[ \t]*\[[ \t]*project[ \t]*\][ \t]*(#[^\r\n]*)?\r?$`)
	anyHeader     = regexp.MustCompile(`(?m)^[ \t]*\[`)
	depsKey       = regexp.MustCompile(`(?m)^[ \t]*dependencies[ \t]*=[ \t]*\[`)
)

// pyprojectAddDeps returns one edit appending lines to
// [project].dependencies, in the array's own layout (one item a line, or
// inline), or adding the key when the table has none. The edited text is
// parsed again: anything but the old list followed by the new items is an
// error, never a broken file.
func pyprojectAddDeps(f *project.File, lines []string) (diagnostics.Edit, error) {
	var before pyprojectDoc
	if err := toml.Unmarshal(f.Src, &before); err != nil || before.Project == nil {
		return diagnostics.Edit{}, errors.New("no [project] table")
	}
	src := string(f.Src)
	nl := "\n"
	if strings.Contains(src, "\r\n") {
		nl = "\r\n"
	}
	h := projectHeader.FindStringIndex(src)
	if h == nil {
		return diagnostics.Edit{}, errors.New("[project] is not a plain table header")
	}
	tableEnd := len(src)
	if next := anyHeader.FindStringIndex(src[h[1]:]); next != nil {
		tableEnd = h[1] + next[0]
	}
	var edit diagnostics.Edit
	if k := depsKey.FindStringIndex(src[h[1]:tableEnd]); k != nil {
		open := h[1] + k[1] - 1
		e, err := appendToArray(f.Path, src, open, lines, nl)
		if err != nil {
			return diagnostics.Edit{}, err
		}
		edit = e
	} else {
		// After the table's last non-blank line.
		at := h[1] + len(strings.TrimRight(src[h[1]:tableEnd], " \t\r\n"))
		text := nl + "dependencies = [" + nl
		for _, l := range lines {
			text += "    " + tomlQuote(l) + "," + nl
		}
		text += "]"
		edit = diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text}
	}
	// Prove it: the result parses and lists exactly old + new.
	out := src[:edit.Span.Start] + edit.NewText + src[edit.Span.End:]
	var after pyprojectDoc
	if err := toml.Unmarshal([]byte(out), &after); err != nil {
		return diagnostics.Edit{}, fmt.Errorf("editing dependencies would break the TOML (%v)", err)
	}
	want := append(append([]string(nil), before.Project.Dependencies...), lines...)
	if after.Project == nil || !slices.Equal(after.Project.Dependencies, want) {
		return diagnostics.Edit{}, errors.New("could not edit [project].dependencies safely")
	}
	return edit, nil
}

// appendToArray adds items to the TOML array whose "[" is at open.
func appendToArray(path, src string, open int, items []string, nl string) (diagnostics.Edit, error) {
	closeAt, lastSig, err := scanArray(src, open)
	if err != nil {
		return diagnostics.Edit{}, err
	}
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = tomlQuote(it)
	}
	inner := src[open+1 : closeAt]
	multiline := strings.Contains(inner, "\n")
	lineStart := strings.LastIndexByte(src[:closeAt], '\n') + 1
	closeOwnLine := strings.TrimSpace(src[lineStart:closeAt]) == ""
	switch {
	case lastSig < 0: // empty array
		text := nl
		for _, q := range quoted {
			text += "    " + q + "," + nl
		}
		return diagnostics.Edit{Path: path, Span: source.Span{Start: open + 1, End: closeAt}, NewText: text}, nil
	case multiline && closeOwnLine:
		// One item a line, at the last item's indentation, before the "]" line;
		// comments after the last item stay where they are.
		ls := strings.LastIndexByte(src[:lastSig], '\n') + 1
		indent := "    "
		if ls > open { // the last item starts its own line: use its indentation
			line := src[ls:lastSig]
			indent = line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		}
		text := ""
		if src[lastSig] != ',' {
			text = ","
		}
		text += src[lastSig+1 : lineStart]
		for _, q := range quoted {
			text += indent + q + "," + nl
		}
		return diagnostics.Edit{Path: path, Span: source.Span{Start: lastSig + 1, End: lineStart}, NewText: text}, nil
	default: // inline: ["a", "b"] -> ["a", "b", "new"]
		text := ", " + strings.Join(quoted, ", ")
		if src[lastSig] == ',' {
			text = " " + strings.Join(quoted, ", ") + ","
		}
		return diagnostics.Edit{Path: path, Span: source.Span{Start: lastSig + 1, End: lastSig + 1}, NewText: text}, nil
	}
}

// scanArray finds the "]" closing the array opened at open and the offset
// of its last significant character (not blank, not in a comment), -1 for
// an empty array. It knows TOML's four string forms and comments.
func scanArray(src string, open int) (closeAt, lastSig int, err error) {
	depth := 0
	lastSig = -1
	for i := open; i < len(src); i++ {
		switch c := src[i]; c {
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case '"', '\'':
			end, err := skipString(src, i)
			if err != nil {
				return 0, 0, err
			}
			lastSig = end - 1
			i = end - 1
		case '[', '{':
			depth++
			if i != open {
				lastSig = i
			}
		case ']', '}':
			depth--
			if depth == 0 {
				return i, lastSig, nil
			}
			lastSig = i
		case ' ', '\t', '\r', '\n':
		default:
			lastSig = i
		}
	}
	return 0, 0, errors.New("unterminated dependencies array")
}

// skipString returns the offset just past the string starting at i.
func skipString(src string, i int) (int, error) {
	q := src[i]
	triple := strings.Repeat(string(q), 3)
	if strings.HasPrefix(src[i:], triple) {
		end := strings.Index(src[i+3:], triple)
		if end < 0 {
			return 0, errors.New("unterminated string")
		}
		end = i + 3 + end + 3
		for end < len(src) && src[end] == q { // """a"""" ends with the last quotes
			end++
		}
		return end, nil
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if q == '"' {
				j++
			}
		case q:
			return j + 1, nil
		case '\n':
			return 0, errors.New("unterminated string")
		}
	}
	return 0, errors.New("unterminated string")
}

// tomlQuote writes a basic string; requirement lines hold no quotes or
// backslashes, but be safe.
func tomlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
