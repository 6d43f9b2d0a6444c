package diagnostics

import "github.com/multiprom/multiprom/internal/project"

// fixFilter drops fixes that cannot be applied safely or that change
// nothing, before any finding leaves Check (so --fix, fix-all and the
// editor's quick fixes all see the same). Each case was found by FuzzFix as
// a fix-all that never converged:
//
//   - A fix that edits a Python file with syntax errors. The summary of such
//     a file is tree-sitter's error recovery, so an edit may land inside an
//     unclosed bracket or string: it breaks the file further and is
//     re-applied every round because the fixed construct never appears.
//   - An edit whose new text equals the text it replaces (e.g. "use
//     worker.pid" where the parameters are both named worker). A fix left
//     with no edits and no created files is dropped.
//
// A project-wide fix attaches the same slice of edits (one per gauge) to
// every gauge's finding; verdicts are remembered per slice, or checking
// 10,000 findings of 10,000 edits each is quadratic.
type fixFilter struct {
	p       *project.Project
	unsound map[string]bool // Python files that did not parse cleanly
	seen    map[editsKey]editsVerdict
}

// editsKey identifies a slice of edits by its first element and length.
type editsKey struct {
	first *Edit
	n     int
}

type editsVerdict struct {
	sound bool
	edits []Edit // the edits that change something (the same slice when all do)
}

func newFixFilter(p *project.Project) *fixFilter {
	ff := &fixFilter{p: p, unsound: map[string]bool{}, seen: map[editsKey]editsVerdict{}}
	for _, f := range p.Files {
		if f.Kind == project.KindPython && (f.Py == nil || len(f.Py.Errors) > 0) {
			ff.unsound[f.Path] = true
		}
	}
	return ff
}

// keep returns the fixes worth offering; it never modifies a slice that a
// rule may share between findings. When it keeps every fix as it is, it
// returns fixes itself: a copy for each finding was a fourteenth of the
// rules' allocation, and most findings keep all their fixes.
func (ff *fixFilter) keep(fixes []Fix) []Fix {
	var out []Fix
	for i, fx := range fixes {
		if len(fx.Edits) > 0 {
			v := ff.verdict(fx.Edits)
			if !v.sound {
				fx = Fix{} // dropped
			} else {
				fx.Edits = v.edits
			}
		}
		same := !fx.IsZero() && len(fx.Edits) == len(fixes[i].Edits)
		if same && out == nil {
			continue // all kept as they are so far
		}
		if out == nil {
			out = make([]Fix, i, len(fixes))
			copy(out, fixes[:i])
		}
		if !fx.IsZero() {
			out = append(out, fx)
		}
	}
	if out == nil && len(fixes) > 0 {
		return fixes
	}
	return out
}

func (ff *fixFilter) verdict(edits []Edit) editsVerdict {
	// Only long slices are remembered: most fixes are an edit or two, and
	// remembering each of them cost more than judging it again.
	const remembered = 8
	key := editsKey{&edits[0], len(edits)}
	if len(edits) >= remembered {
		if v, ok := ff.seen[key]; ok {
			return v
		}
	}
	v := editsVerdict{sound: true, edits: edits}
	noop := 0
	for _, e := range edits {
		if ff.unsound[e.Path] {
			v.sound = false
			break
		}
		if ff.isNoop(e) {
			noop++
		}
	}
	if v.sound && noop > 0 {
		v.edits = make([]Edit, 0, len(edits)-noop)
		for _, e := range edits {
			if !ff.isNoop(e) {
				v.edits = append(v.edits, e)
			}
		}
	}
	if len(edits) >= remembered {
		ff.seen[key] = v
	}
	return v
}

// isNoop reports whether applying e leaves its file as it is.
func (ff *fixFilter) isNoop(e Edit) bool {
	f := ff.p.File(e.Path)
	if f == nil || e.Span.Start < 0 || e.Span.End > len(f.Src) || e.Span.Start > e.Span.End {
		return false // not ours to judge; the appliers reject it
	}
	return string(f.Src[e.Span.Start:e.Span.End]) == e.NewText
}
