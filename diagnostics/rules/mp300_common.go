package rules

import (
	"fmt"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// Helpers shared by the MP3xx-MP5xx rules (metric declarations and uses).

// where formats a position for messages: "pkg/metrics.py:12".
func where(f *project.File, off int) string {
	return fmt.Sprintf("%s:%d", f.Path, f.Lines().Line(off)+1)
}

// declLabel names a metric in messages: its literal name, else its variable.
func declLabel(decl *project.MetricDecl) string {
	if n, ok := decl.NameArg(); ok {
		return fmt.Sprintf("%s %q", decl.Type, n)
	}
	if decl.Var != "" {
		return decl.Type + " " + decl.Var
	}
	return decl.Type
}

// nameSpan is where name findings go: the name argument, else the call.
func nameSpan(decl *project.MetricDecl) source.Span {
	if e := decl.Param("name"); e != nil {
		return e.Span()
	}
	return decl.Call.Span()
}

// runsAsOwnProcess reports a module that a known command line starts with
// python (`python -m pkg.tasks`, `python tasks.py`): a separate process (a
// job runner, a batch script), not a gunicorn worker, so per-worker concerns
// do not apply to it.
func runsAsOwnProcess(p *project.Project, f *project.File) bool { return p.Facts.Standalone[f.Path] }

// exclusiveBranches reports two calls of one file on opposite sides of the
// same if/else, which never both run.
func exclusiveBranches(a, b *project.MetricDecl) bool {
	if a.File != b.File {
		return false
	}
	ca, cb := a.Call.Conds, b.Call.Conds
	for i := 0; i < len(ca) && i < len(cb); i++ {
		if ca[i].Text != cb[i].Text {
			return false
		}
		if ca[i].Else != cb[i].Else {
			return true
		}
	}
	return false
}

// onEnvUnsetBranch reports a call guarded so that it runs only when
// PROMETHEUS_MULTIPROC_DIR is not set (the single-process fallback).
func onEnvUnsetBranch(f *project.File, c *python.Call) bool { return project.EnvGate(f, c).WhenUnset }

// clientDecls are the project's prometheus_client constructors (exporter
// methods excluded) of the given types, all types when none is given.
func clientDecls(ds []*project.MetricDecl, types ...string) []*project.MetricDecl {
	var out []*project.MetricDecl
	for _, decl := range ds {
		if decl.Exporter {
			continue
		}
		if len(types) == 0 || contains(types, decl.Type) {
			out = append(out, decl)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// moduleNames are the names bound at module level of a file: assignments,
// imports, functions and classes. Fixes that add a module-level name avoid
// them, and fixes that move code to module level require its names to be
// among them.
func moduleNames(f *project.File) map[string]bool {
	out := map[string]bool{}
	for _, a := range f.Py.Assigns {
		if a.Scope == nil && a.Class == "" {
			for _, t := range strings.Split(a.Target, ",") {
				out[strings.Trim(t, "()[] ")] = true
			}
		}
	}
	for _, im := range f.Py.Imports {
		if im.Scope == nil {
			out[im.Local()] = true
		}
	}
	for _, fn := range f.Py.Funcs {
		if fn.IsModuleLevel() {
			out[fn.Name] = true
		}
	}
	for _, c := range f.Py.Classes {
		out[c.Name] = true
	}
	return out
}

// allNames are module names plus every name bound in any scope (so a new
// module-level name shadows nothing).
func allNames(f *project.File) map[string]bool {
	out := moduleNames(f)
	for _, a := range f.Py.Assigns {
		out[a.Target] = true
	}
	for _, im := range f.Py.Imports {
		out[im.Local()] = true
	}
	for _, fn := range f.Py.Funcs {
		out[fn.Name] = true
		for _, p := range fn.Params {
			out[p.Name] = true
		}
	}
	return out
}

// freeModuleName returns want (upper-cased and made an identifier), or it
// with a suffix, so that it is bound nowhere in the file.
func freeModuleName(f *project.File, want string) string {
	var b strings.Builder
	for i, r := range strings.ToUpper(want) {
		switch {
		case r >= 'A' && r <= 'Z', r == '_', r >= '0' && r <= '9' && i > 0:
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	base := strings.Trim(b.String(), "_")
	if base == "" {
		base = "METRIC"
	}
	taken := allNames(f)
	for _, cand := range []string{base, base + "_METRIC", base + "_METRIC_1", base + "_METRIC_2"} {
		if !taken[cand] {
			return cand
		}
	}
	return base + "_METRIC_MP"
}

// identifiers returns the names an expression's source text references:
// identifiers outside string literals that are not attribute names (the x
// of a.x) nor keyword-argument names (the k of f(k=v)).
func identifiers(src string) []string {
	var out []string
	i, depth := 0, 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '(' || c == '[' || c == '{':
			depth++
			i++
		case c == ')' || c == ']' || c == '}':
			depth--
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			q := c
			triple := strings.HasPrefix(src[i:], strings.Repeat(string(q), 3))
			if triple {
				end := strings.Index(src[i+3:], strings.Repeat(string(q), 3))
				if end < 0 {
					return out
				}
				i += 3 + end + 3
				continue
			}
			i++
			for i < len(src) && src[i] != q {
				if src[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			word := src[i:j]
			prev := strings.TrimRight(src[:i], " \t\r\n\\")
			next := strings.TrimLeft(src[j:], " \t\r\n\\")
			isAttr := strings.HasSuffix(prev, ".")
			isKw := depth > 0 && strings.HasPrefix(next, "=") && !strings.HasPrefix(next, "==")
			// String prefixes (f"", r"", b"") are not names.
			isPrefix := j < len(src) && (src[j] == '"' || src[j] == '\'')
			if !isAttr && !isKw && !isPrefix {
				out = append(out, word)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(src) && (src[i] == '.' || src[i] == '_' || src[i] >= '0' && src[i] <= '9' || src[i] >= 'a' && src[i] <= 'z' || src[i] >= 'A' && src[i] <= 'Z') {
				i++
			}
		default:
			i++
		}
	}
	return out
}

// pyBuiltins are names every module can reference.
var pyBuiltins = map[string]bool{
	"True": true, "False": true, "None": true, "and": true, "or": true, "not": true, "in": true, "is": true,
	"if": true, "else": true, "for": true, "lambda": true, "str": true, "int": true, "float": true, "list": true,
	"tuple": true, "dict": true, "set": true, "len": true, "range": true, "sorted": true, "frozenset": true,
}

// topLevelItem is one comma-separated item of a bracket's contents and
// its offset in them: asking strings.Index for an item's offset was a
// search per item (quadratic in a long literal), and found a repeated
// item's first copy.
type topLevelItem struct {
	text string
	at   int
}

// topLevelItems splits s at commas outside brackets and strings; an item
// of only spaces at the end (a trailing comma) is dropped.
func topLevelItems(s string) []topLevelItem {
	var out []topLevelItem
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			out = append(out, topLevelItem{s[start:i], start})
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, topLevelItem{s[start:], start})
	}
	return out
}
