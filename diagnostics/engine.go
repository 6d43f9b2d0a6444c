package diagnostics

import (
	"fmt"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// Check runs the enabled rules over the project and returns the findings,
// sorted by path and position, suppressions applied. only, when not nil,
// restricts per-file rules to those files (the LSP re-checks the documents
// an edit can affect); project rules always run and their findings are
// filtered to only.
//
// Per-file rules run on all cores, a file at a time; rules only read the
// project (its lazy parts, the metric index, metric declarations and line
// indexes, are safe for concurrent use).
func Check(p *project.Project, rules []*Rule, only map[string]bool) []*Diagnostic {
	var projectRules, fileRules []*Rule
	ran, known := map[string]bool{}, map[string]bool{}
	noqa := false
	for _, r := range rules {
		known[r.Code] = true
		if !p.Settings.Enabled(r.Code) || r.Explicit && !named(p.Settings, r.Code) {
			continue
		}
		if r == UnusedSuppression {
			noqa = true
			continue
		}
		if r.Applies != nil && !r.Applies(p) {
			continue
		}
		ran[r.Code] = true
		if r.Project {
			projectRules = append(projectRules, r)
		} else {
			fileRules = append(fileRules, r)
		}
	}
	m := p.Settings.Matcher()
	var files []*project.File
	if len(fileRules) > 0 || noqa {
		for _, f := range p.Files {
			if f.Kind == project.KindPython && f.Py != nil && (only == nil || only[f.Path]) && !m.Excluded(f.Path) {
				files = append(files, f)
			}
		}
	}
	// One pool for both: the project rules (first, the longest) run beside
	// the files' instead of before them on one core.
	found := make([][]*Diagnostic, len(projectRules)+len(files))
	used := make([][]suppressionUse, len(found))
	project.Parallel(len(found), func(i int) {
		if i < len(projectRules) {
			pass := &Pass{Project: p}
			runRule(pass, projectRules[i])
			found[i], used[i] = unsuppressed(p, pass.pending, only, m)
			return
		}
		// One pass for all the rules of a file: a pass each was a
		// twelfth of the rules' allocation.
		pass := &Pass{Project: p, File: files[i-len(projectRules)]}
		for _, r := range fileRules {
			runRule(pass, r)
		}
		found[i], used[i] = unsuppressed(p, pass.pending, only, m)
	})
	if noqa {
		uses := map[suppressionUse]bool{}
		for _, us := range used {
			for _, u := range us {
				uses[u] = true
			}
		}
		var checked []*project.File
		for _, f := range files {
			if !m.Ignored(f.Path, UnusedSuppression.Code) {
				checked = append(checked, f)
			}
		}
		for _, d := range unusedSuppressions(p, checked, uses, ran, known) {
			d.Severity = SeverityFor(p.Settings, d.Rule.Code, d.Severity)
			found = append(found, []*Diagnostic{d})
		}
	}
	// The fix filter remembers verdicts across findings: one goroutine.
	ff := newFixFilter(p)
	var kept []*Diagnostic
	for _, ds := range found {
		for _, d := range ds {
			d.Fixes = ff.keep(d.Fixes)
			kept = append(kept, d)
		}
	}
	SortDiagnostics(kept)
	return kept
}

// unsuppressed drops the findings outside only (when set), in a file the
// settings exclude, of a rule per-file-ignores turns off there, or
// suppressed by a comment, and sets each one's configured severity, in
// place. It returns the suppressions that silenced a finding. It runs in
// Check's pool: the first suppression test of a file builds its line index,
// which for a whole project was 8 ms on one core (a third of a check).
func unsuppressed(p *project.Project, ds []*Diagnostic, only map[string]bool, m *config.FileMatcher) ([]*Diagnostic, []suppressionUse) {
	kept := ds[:0]
	var used []suppressionUse
	for _, d := range ds {
		if only != nil && !only[d.Path] {
			continue
		}
		f := p.File(d.Path)
		if f == nil || m.Excluded(d.Path) || m.Ignored(d.Path, d.Rule.Code) {
			continue
		}
		if by, ok := suppressedBy(f, d.Span.Start, d.Rule.Code); ok {
			used = append(used, suppressionUse{d.Path, f.Lines().Line(d.Span.Start), by})
			continue
		}
		d.Severity = SeverityFor(p.Settings, d.Rule.Code, d.Severity)
		kept = append(kept, d)
	}
	return kept, used
}

// named reports whether a selector names code (at least "MP0" of "MP001"):
// an Explicit rule runs only then.
func named(s config.Settings, code string) bool {
	for _, sel := range append(s.Select[:len(s.Select):len(s.Select)], s.ExtendSelect...) {
		sel = strings.ToUpper(strings.TrimSpace(sel))
		if len(sel) >= 3 && strings.HasPrefix(code, sel) {
			return true
		}
	}
	return false
}

// runRule runs rule r in pass, adding its findings to the pass's. A panic
// in the rule drops the findings it added and becomes a problem, so one
// bad rule never stops a run.
func runRule(pass *Pass, r *Rule) {
	before := len(pass.pending)
	pass.Rule = r
	defer func() {
		if e := recover(); e != nil {
			where := "project"
			if pass.File != nil {
				where = pass.File.Path
			}
			pass.Project.AddProblem(where, fmt.Sprintf("internal error in rule %s: %v", r.Code, e))
			clear(pass.pending[before:])
			pass.pending = pass.pending[:before]
		}
	}()
	r.Run(pass)
}

// SortDiagnostics orders findings by path, position and code.
func SortDiagnostics(ds []*Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Rule.Code < b.Rule.Code
	})
}
