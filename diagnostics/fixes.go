package diagnostics

import (
	"bytes"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// Helpers that rules use to build fixes. They compute edits against the
// file's current source; the appliers reject overlapping edits.

// AddKeyword returns an edit that appends `name=value` to a call's
// arguments, keeping a trailing comma and multi-line layout intact. The
// insertion point is found from the last argument's span, never from the
// text before ")": that text may end in a comment (`f(a  # why\n)`), and an
// insertion there would land inside the comment, change nothing, and be
// re-applied by every fix-all round (found by FuzzFix).
func AddKeyword(f *project.File, c *python.Call, name, value string) Edit {
	args := c.ArgListSpan()
	kw := name + "=" + value
	if len(c.Arguments()) == 0 {
		if strings.TrimSpace(f.Text(source.Span{Start: args.Start + 1, End: args.End - 1})) == "" {
			return Edit{Path: f.Path, Span: source.Span{Start: args.Start + 1, End: args.End - 1}, NewText: kw}
		}
		// Only comments (or a bare generator) inside: put it first.
		return Edit{Path: f.Path, Span: source.Span{Start: args.Start + 1, End: args.Start + 1}, NewText: kw + ","}
	}
	last := c.Arguments()[len(c.Arguments())-1].Span().End
	after := f.Text(source.Span{Start: last, End: args.End - 1}) // between the last argument and ")"
	gap := len(after) - len(strings.TrimLeft(after, " \t\r\n\\"))
	if !strings.HasPrefix(after[gap:], ",") {
		return Edit{Path: f.Path, Span: source.Span{Start: last, End: last}, NewText: ", " + kw}
	}
	comma := last + gap + 1 // just after the trailing comma
	if strings.Contains(f.Text(source.Span{Start: comma, End: args.End - 1}), "\n") {
		// f(a, b,\n) -> f(a, b,\n    kw,\n): one argument a line.
		return Edit{Path: f.Path, Span: source.Span{Start: comma, End: comma}, NewText: "\n" + lastArgIndent(f, c) + kw + ","}
	}
	return Edit{Path: f.Path, Span: source.Span{Start: comma, End: comma}, NewText: " " + kw}
}

func lastArgIndent(f *project.File, c *python.Call) string {
	if len(c.Arguments()) == 0 {
		return "    "
	}
	last := c.Arguments()[len(c.Arguments())-1].Span().Start
	idx := f.Lines()
	start := idx.LineStart(idx.Line(last))
	end := start
	for end < len(f.Src) && (f.Src[end] == ' ' || f.Src[end] == '\t') {
		end++
	}
	return string(f.Src[start:end])
}

// Replace returns an edit replacing a span.
func Replace(f *project.File, s source.Span, text string) Edit {
	return Edit{Path: f.Path, Span: s, NewText: text}
}

// AddImports returns edits adding the import lines that the module does
// not already have. Names from a module the file already imports from at top
// level are appended to that `from X import ...` statement; the rest go
// after the docstring, __future__ imports and existing top-level imports.
// Lines are full statements ("from a import b").
func AddImports(f *project.File, lines []string) []Edit {
	var missing []string
	for _, l := range lines {
		if !hasImportLine(f, l) && !contains(missing, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var edits []Edit
	extend := map[*python.Import][]string{} // existing from-import -> names to add
	var order []*python.Import
	var rest []string
	for _, l := range missing {
		mod, names, ok := splitFromImport(l)
		target := existingFromImport(f, mod)
		if !ok || target == nil {
			rest = append(rest, l)
			continue
		}
		if _, seen := extend[target]; !seen {
			order = append(order, target)
		}
		for _, n := range names {
			if !hasImportLine(f, "from "+mod+" import "+n) && !contains(extend[target], n) {
				extend[target] = append(extend[target], n)
			}
		}
	}
	for _, im := range order {
		text := f.Text(im.Span)
		at := im.Span.End
		if strings.HasSuffix(strings.TrimSpace(text), ")") {
			at = im.Span.Start + strings.LastIndexByte(text, ')')
			inner := strings.TrimRight(f.Text(source.Span{Start: im.Span.Start, End: at}), " \t\r\n")
			at = im.Span.Start + len(inner)
			if strings.HasSuffix(inner, ",") {
				edits = append(edits, Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: " " + strings.Join(extend[im], ", ") + ","})
				continue
			}
		}
		if line := strings.TrimSpace(text) + ", " + strings.Join(extend[im], ", "); len(line) > 88 && !strings.Contains(text, "(") {
			// Too long for one line: rewrite it parenthesized, one name a line.
			_, names, _ := splitFromImport(text)
			names = append(names, extend[im]...)
			mod, _, _ := splitFromImport(text)
			edits = append(edits, Edit{Path: f.Path, Span: im.Span, NewText: "from " + mod + " import (\n    " + strings.Join(names, ",\n    ") + ",\n)"})
			continue
		}
		sep := ", "
		if strings.HasSuffix(strings.TrimSpace(text), ",") {
			// "from m import A," (a trailing comma tree-sitter accepts and
			// Python does not): the names complete the list instead of
			// doubling the comma (found by FuzzFixProject).
			sep = " "
		}
		edits = append(edits, Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: sep + strings.Join(extend[im], ", ")})
	}
	if len(rest) > 0 {
		at := importInsertPoint(f)
		text := strings.Join(rest, "\n") + "\n"
		if at > 0 && f.Src[at-1] != '\n' {
			text = "\n" + text
		}
		edits = append(edits, Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text})
	}
	return edits
}

// splitFromImport splits "from a import b, c as d" into "a" and its names.
func splitFromImport(line string) (string, []string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "from ")
	if !ok {
		return "", nil, false
	}
	mod, names, ok := strings.Cut(rest, " import ")
	if !ok {
		return "", nil, false
	}
	var out []string
	for _, n := range strings.Split(strings.Trim(names, "() "), ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return strings.TrimSpace(mod), out, true
}

// existingFromImport finds a top-level, non-wildcard `from mod import ...`.
func existingFromImport(f *project.File, mod string) *python.Import {
	if f.Py == nil {
		return nil
	}
	for _, im := range f.Py.Imports {
		if im.Scope == nil && im.Level == 0 && im.Module == mod && im.Name != "*" && im.Name != "" {
			if strings.HasPrefix(f.Text(im.Span), "from ") && !strings.Contains(f.Text(im.Span), ";") {
				return im
			}
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// hasImportLine reports whether every name the line imports is already
// bound by a module-level import of the same module.
func hasImportLine(f *project.File, line string) bool {
	line = strings.TrimSpace(line)
	if f.Py == nil {
		return strings.Contains(string(f.Src), line)
	}
	if rest, ok := strings.CutPrefix(line, "from "); ok {
		mod, names, ok := strings.Cut(rest, " import ")
		if !ok {
			return false
		}
		for _, n := range strings.Split(names, ",") {
			n = strings.TrimSpace(n)
			name, alias, _ := strings.Cut(n, " as ")
			found := false
			for _, im := range f.Py.Imports {
				if im.Scope == nil && im.Module == strings.TrimSpace(mod) && im.Name == strings.TrimSpace(name) && im.Alias == strings.TrimSpace(alias) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	if rest, ok := strings.CutPrefix(line, "import "); ok {
		mod, alias, _ := strings.Cut(strings.TrimSpace(rest), " as ")
		for _, im := range f.Py.Imports {
			if im.Scope == nil && im.Name == "" && im.Module == mod && im.Alias == strings.TrimSpace(alias) {
				return true
			}
		}
	}
	return false
}

// importInsertPoint is just after the last top-level import that follows
// only docstrings, comments and imports; else after a leading docstring.
func importInsertPoint(f *project.File) int {
	if f.Py == nil {
		return 0
	}
	at := 0
	for i, st := range f.Py.Statements {
		text := f.Text(st)
		isImport := strings.HasPrefix(text, "import ") || strings.HasPrefix(text, "from ")
		isDoc := i == 0 && (strings.HasPrefix(text, `"""`) || strings.HasPrefix(text, `'''`) || strings.HasPrefix(text, `"`) || strings.HasPrefix(text, `r"""`))
		if isImport || isDoc {
			at = f.LineEndOf(st.End - 1)
			continue
		}
		break
	}
	return at
}

// TopInsertPoint is where code that must run before any import goes: after
// a shebang/encoding line, the module docstring and `from __future__`.
func TopInsertPoint(f *project.File) int {
	at := 0
	if f.Py != nil {
		for i, st := range f.Py.Statements {
			text := f.Text(st)
			if (i == 0 && (strings.HasPrefix(text, `"""`) || strings.HasPrefix(text, `'''`))) || strings.HasPrefix(text, "from __future__") {
				at = f.LineEndOf(st.End - 1)
				continue
			}
			break
		}
	}
	if at == 0 {
		// Keep a shebang or coding comment first.
		// Bytes, not strings: a string of the rest of the file for each
		// comment line was quadratic in a long header.
		for at < len(f.Src) && f.Src[at] == '#' && (bytes.HasPrefix(f.Src[at:], []byte("#!")) || bytes.Contains(f.Src[at:f.LineEndOf(at)], []byte("coding"))) {
			at = f.LineEndOf(at)
		}
	}
	return at
}

// AppendToFile returns an edit adding text at the end of the file, separated
// by a blank line pair as PEP 8 wants between top-level definitions. It only
// inserts at the very end: replacing the trailing blank lines instead made it
// overlap another edit of the same fix that inserts after a docstring
// followed by blank lines (found by FuzzFixProject).
func AppendToFile(f *project.File, text string) Edit {
	// The source is not copied into a string: a fix per finding would copy
	// the file once per finding.
	end := len(bytes.TrimRight(f.Src, " \t\r\n"))
	sep := ""
	if end > 0 {
		sep = strings.Repeat("\n", max(0, 3-bytes.Count(f.Src[end:], []byte("\n"))))
	}
	return Edit{Path: f.Path, Span: source.Span{Start: len(f.Src), End: len(f.Src)}, NewText: sep + strings.TrimRight(text, "\n") + "\n"}
}
