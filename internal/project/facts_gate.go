package project

import (
	"path"
	"strings"

	"github.com/multiprom/multiprom/internal/python"
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
	lines := python.LinesOf(f.Src, f.Lines())
	callLine := lines.Index.Line(c.StatementSpan().Start)
	indent := f.IndentOf(c.StatementSpan().Start)
	// Walk back through the lines of the call's block.
	for i := callLine - 1; i >= 0; i-- {
		l := lines.At(i)
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if len(ind) < len(indent) {
			// The enclosing block's header: a try protects the call when a
			// matching except follows.
			if trimmed == "try:" && lines.ExceptCatches(lines.Index.Line(c.StatementSpan().End), ind, catchesValueError) {
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
			if is && lines.BlockLeaves(i, ind) {
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

// catchesValueError: a bare except, Exception or ValueError.
func catchesValueError(clause string) bool {
	return clause == "except:" || strings.Contains(clause, "ValueError") || strings.Contains(clause, "Exception")
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
