package diagnostics

import (
	"fmt"
	"sort"
)

// Check runs the enabled rules over the project and returns the findings,
// sorted by path and position, suppressions applied. only, when not nil,
// restricts per-file rules to those files (the LSP re-checks the documents
// an edit can affect); project rules always run and their findings are
// filtered to only.
func Check(p *Project, rules []*Rule, only map[string]bool) []*Diagnostic {
	var out []*Diagnostic
	for _, r := range rules {
		if !p.Settings.Enabled(r.Code) {
			continue
		}
		if r.Applies != nil && !r.Applies(p) {
			continue
		}
		if r.Project {
			out = append(out, runRule(r, p, nil)...)
			continue
		}
		for _, f := range p.Files {
			if f.Kind != KindPython || f.Py == nil || (only != nil && !only[f.Path]) {
				continue
			}
			out = append(out, runRule(r, p, f)...)
		}
	}
	unsound, seen := unsoundFiles(p), map[editsKey]bool{}
	kept := out[:0]
	for _, d := range out {
		if only != nil && !only[d.Path] {
			continue
		}
		f := p.File(d.Path)
		if f == nil || suppressed(f, d.Span.Start, d.Rule.Code) {
			continue
		}
		d.Severity = p.Settings.SeverityFor(d.Rule.Code, d.Severity)
		d.Fixes = fixesOnSoundFiles(unsound, seen, d.Fixes)
		kept = append(kept, d)
	}
	SortDiagnostics(kept)
	return kept
}

// fixesOnSoundFiles drops the fixes that edit a Python file with syntax
// errors (the finding stays). The summary of such a file is tree-sitter's
// error recovery, so an edit may land inside an unclosed bracket or string:
// it would break the file further, and fix-all would re-apply it every
// round because the fixed construct never appears (found by FuzzFix).
// unsound is the set of such files; when it is empty nothing is scanned
// (a project-wide fix can carry thousands of edits per finding).
//
// seen remembers the answer per edit slice: a project-wide fix attaches the
// same slice of one edit per gauge to every gauge's finding, and checking
// it again for each finding was quadratic (10,000 gauges: seconds).
func fixesOnSoundFiles(unsound map[string]bool, seen map[editsKey]bool, fixes []Fix) []Fix {
	if len(unsound) == 0 {
		return fixes
	}
	kept := fixes[:0]
	for _, fx := range fixes {
		sound := true
		if len(fx.Edits) > 0 {
			key := editsKey{&fx.Edits[0], len(fx.Edits)}
			s, ok := seen[key]
			if !ok {
				s = editsSound(unsound, fx.Edits)
				seen[key] = s
			}
			sound = s
		}
		if sound {
			kept = append(kept, fx)
		}
	}
	return kept
}

// editsKey identifies a slice of edits by its first element and length.
type editsKey struct {
	first *Edit
	n     int
}

func editsSound(unsound map[string]bool, edits []Edit) bool {
	for _, e := range edits {
		if unsound[e.Path] {
			return false
		}
	}
	return true
}

// unsoundFiles are the Python files that did not parse cleanly.
func unsoundFiles(p *Project) map[string]bool {
	out := map[string]bool{}
	for _, f := range p.Files {
		if f.Kind == KindPython && (f.Py == nil || len(f.Py.Errors) > 0) {
			out[f.Path] = true
		}
	}
	return out
}

// runRule runs one rule, turning a panic in it into an internal-error
// finding-free result plus a problem, so one bad rule never stops a run.
func runRule(r *Rule, p *Project, f *File) (out []*Diagnostic) {
	pass := &Pass{Rule: r, Project: p, File: f}
	defer func() {
		if e := recover(); e != nil {
			where := "project"
			if f != nil {
				where = f.Path
			}
			p.Problems = append(p.Problems, Problem{where, fmt.Sprintf("internal error in rule %s: %v", r.Code, e)})
			out = nil
		}
	}()
	r.Run(pass)
	return pass.pending
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
