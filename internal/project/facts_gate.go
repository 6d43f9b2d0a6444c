package project

import (
	"path"
	"strings"

	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// Gate says under which condition on the multiprocess variable a call runs.
type Gate struct {
	WhenSet   bool // only when PROMETHEUS_MULTIPROC_DIR (or SERVER_SOFTWARE=gunicorn) is set
	WhenUnset bool // only when it is not: the fallback branch
	Handled   bool // inside try/except that catches the ValueError
}

// Gated reports whether the call is conditional on the variable at all.
func (g Gate) Gated() bool { return g.WhenSet || g.WhenUnset || g.Handled }

// envNames are the names whose test makes a multiprocess gate.
var envNames = []string{EnvVar, LegacyEnvVar, "SERVER_SOFTWARE"}

// envTest reports whether a test expression checks the multiprocess
// variable, and whether it is negated (`not in`, `not ...`). A bare name is
// followed to its module-level assignment (MULTIPROC = "..." in os.environ).
func envTest(f *File, text string) (isEnv, negated bool) {
	t := strings.TrimSpace(text)
	for strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	if rest, ok := strings.CutPrefix(t, "not "); ok {
		is, neg := envTest(f, rest)
		return is, !neg
	}
	for _, n := range envNames {
		if strings.Contains(t, n) {
			return true, strings.Contains(t, " not in ") || strings.Contains(t, "is None") || strings.Contains(t, "== None")
		}
	}
	if isIdent(t) {
		negated, isEnv = f.envFlags()[t]
		return isEnv, negated
	}
	return false, false
}

// envFlags maps the names of module-level assignments that test the
// multiprocess variable (MULTIPROC = "..." in os.environ) to whether the
// test is negated; the first such assignment to a name decides. It is built
// once per module: envTest is asked for every gated call, and walking every
// assignment each time made a file of many gated calls quadratic. Safe for
// concurrent use (rules call EnvGate on several goroutines).
func (f *File) envFlags() map[string]bool {
	f.envFlagsOnce.Do(func() {
		flags := map[string]bool{}
		for _, a := range f.Py.Assigns {
			if a.Scope != nil || a.Value == nil {
				continue
			}
			if _, seen := flags[a.Target]; seen || !mentionsEnvName(a.Value.Text) {
				continue
			}
			flags[a.Target] = strings.Contains(a.Value.Text, " not in ")
		}
		f.envFlagsV = flags
	})
	return f.envFlagsV
}

// mentionsEnvName reports whether text names one of envNames.
func mentionsEnvName(text string) bool {
	for _, n := range envNames {
		if strings.Contains(text, n) {
			return true
		}
	}
	return false
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// EnvGate classifies a call by the conditions around it: enclosing if/else
// and conditional expressions, an earlier `if <env test>: return` in the same
// block, and a try whose except catches ValueError.
func EnvGate(f *File, c *python.Call) Gate {
	var g Gate
	for _, cond := range c.Conds {
		is, neg := envTest(f, cond.Text)
		if !is {
			continue
		}
		if cond.Else != neg {
			g.WhenUnset = true
		} else {
			g.WhenSet = true
		}
	}
	if g.WhenSet || g.WhenUnset {
		return g
	}
	lines, callLine := scopeLinesBefore(f, c)
	indent := f.IndentOf(c.StatementSpan().Start)
	// Walk back through the lines of the call's block.
	for i := callLine - 1; i >= 0; i-- {
		l := lines.at(i)
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if len(ind) < len(indent) {
			// The enclosing block's header: a try protects the call when a
			// matching except follows.
			if trimmed == "try:" && exceptCatchesValueError(f, c, ind) {
				g.Handled = true
			}
			// The except branch of such a try is the fallback.
			if strings.HasPrefix(trimmed, "except") && (trimmed == "except:" || strings.Contains(trimmed, "ValueError") || strings.Contains(trimmed, "Exception")) {
				g.Handled = true
			}
			if strings.HasPrefix(trimmed, "def ") || strings.HasPrefix(trimmed, "class ") {
				break
			}
			indent = ind
			continue
		}
		if len(ind) == len(indent) && strings.HasPrefix(trimmed, "if ") && strings.HasSuffix(trimmed, ":") {
			is, neg := envTest(f, strings.TrimSuffix(strings.TrimPrefix(trimmed, "if "), ":"))
			if is && blockReturns(lines, i, ind) {
				// `if set: return ...` before the call: the call runs when unset.
				if neg {
					g.WhenSet = true
				} else {
					g.WhenUnset = true
				}
				return g
			}
		}
	}
	return g
}

// scopeLinesBefore returns the file's lines and the 0-based line of the call.
func scopeLinesBefore(f *File, c *python.Call) (srcLines, int) {
	lines := linesOf(f)
	return lines, lines.idx.Line(c.StatementSpan().Start)
}

// srcLines reads a file's lines as strings.Split(src, "\n") would give
// them, through the file's cached line index: EnvGate runs for every
// multiprocess call, and splitting the whole file each time made a file of
// many such calls quadratic.
type srcLines struct {
	src []byte
	idx *source.LineIndex
}

func linesOf(f *File) srcLines { return srcLines{f.Src, f.Lines()} }

// len is the number of lines (a trailing newline opens an empty one).
func (l srcLines) len() int { return l.idx.LineCount() }

// at returns line i without its "\n" (a "\r" before it stays, as in Split).
func (l srcLines) at(i int) string {
	end := len(l.src)
	if i+1 < l.idx.LineCount() {
		end = l.idx.LineStart(i+1) - 1
	}
	return string(l.src[l.idx.LineStart(i):end])
}

// blockReturns reports whether the block under line i (header indentation
// ind) leaves the function: a return or raise directly in it.
func blockReturns(lines srcLines, i int, ind string) bool {
	for j := i + 1; j < lines.len(); j++ {
		l := lines.at(j)
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		li := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if len(li) <= len(ind) {
			return false
		}
		if strings.HasPrefix(t, "return") || strings.HasPrefix(t, "raise") {
			return true
		}
	}
	return false
}

// exceptCatchesValueError looks for the except clauses at indentation ind
// after the call: bare, Exception, or ValueError.
func exceptCatchesValueError(f *File, c *python.Call, ind string) bool {
	lines := linesOf(f)
	for j := lines.idx.Line(c.StatementSpan().End) + 1; j < lines.len(); j++ {
		l := lines.at(j)
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		li := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if len(li) < len(ind) {
			return false
		}
		if len(li) == len(ind) {
			if !strings.HasPrefix(t, "except") {
				if strings.HasPrefix(t, "else") || strings.HasPrefix(t, "finally") {
					continue
				}
				return false
			}
			if t == "except:" || strings.Contains(t, "ValueError") || strings.Contains(t, "Exception") {
				return true
			}
		}
	}
	return false
}

// IsTestFile reports whether a Python file belongs to the test suite
// (test_*.py, *_test.py, conftest.py, or anything under a tests/ or test/
// directory at any depth): pytest runs it, gunicorn never serves it. Rules,
// facts and code actions all ask this one predicate, so a file is a test
// file for all of them or for none.
func IsTestFile(f *File) bool {
	base := path.Base(f.Path)
	if strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" {
		return true
	}
	// Asked for every declaration by several rules: no allocation.
	for dir := path.Dir(f.Path); dir != ""; {
		var part string
		part, dir, _ = strings.Cut(dir, "/")
		if part == "tests" || part == "test" {
			return true
		}
	}
	return false
}
