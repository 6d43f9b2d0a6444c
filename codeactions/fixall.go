package codeactions

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// MaxRounds bounds fix-all: each round applies every non-conflicting
// preferred fix, then re-checks (a fix may enable or satisfy another).
const MaxRounds = 8

// Result is what fix-all changes, by slash path relative to the root.
type Result struct {
	Changed map[string][]byte // existing files with new content
	Created map[string][]byte // new files
	Applied int               // fixes applied over all rounds
	Rounds  int
	// Remaining are the findings left after the last round, with spans in
	// Final's files (not the original ones).
	Remaining []*diagnostics.Diagnostic
	// Final is the project with every fix applied.
	Final *project.Project
	// Fixed are the findings whose fix was applied, round by round, with
	// spans in the text of their round (for --show-fixes: path and code).
	Fixed []*diagnostics.Diagnostic
}

// Options narrow or widen what fix-all applies.
type Options struct {
	// Unsafe also applies a preferred fix marked Unsafe (--unsafe-fixes):
	// still all or nothing, still re-checked round after round.
	Unsafe bool
	// Only, when set, applies only the fixes of findings in these files
	// (check --fix FILE); a fix may still edit or create other files.
	Only map[string]bool
	// Confine, with Only, applies only the fixes that edit nothing but
	// Only's files and create none, and adds no requirement: fix-all that
	// edits just the file it was asked for (an editor's fix on save).
	Confine bool
}

// FixAll applies preferred fixes until nothing changes (bounded by
// MaxRounds). It works on copies: p's files are not modified.
func FixAll(ctx context.Context, p *project.Project, rules []*diagnostics.Rule) (*Result, error) {
	return FixAllWith(ctx, p, rules, Options{})
}

// FixAllWith is FixAll with options.
func FixAllWith(ctx context.Context, p *project.Project, rules []*diagnostics.Rule, opt Options) (*Result, error) {
	orig := map[string][]byte{}
	for _, f := range p.Files {
		orig[f.Path] = f.Src
	}
	res := &Result{Changed: map[string][]byte{}, Created: map[string][]byte{}}
	cur := p
	for round := 0; round < MaxRounds; round++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("fix all: %w", err)
		}
		ds := diagnostics.Check(cur, rules, nil)
		edits, creates, fixed := pickWith(cur, ds, opt)
		n := len(fixed)
		if n == 0 {
			break
		}
		res.Rounds = round + 1
		next, err := applyToProject(ctx, cur, edits, creates)
		if err != nil {
			return nil, err
		}
		res.Applied += n
		res.Fixed = append(res.Fixed, fixed...)
		cur = next
	}
	if !opt.Confine {
		cur = withNewRequirements(ctx, p, cur) // requirements.go: dependencies the fixes introduced
	}
	for _, f := range cur.Files {
		old, existed := orig[f.Path]
		switch {
		case !existed:
			res.Created[f.Path] = f.Src
		case string(old) != string(f.Src):
			res.Changed[f.Path] = f.Src
		}
	}
	res.Final = cur
	res.Remaining = diagnostics.Check(cur, rules, nil)
	return res, nil
}

// pickFixes takes each diagnostic's preferred fix when none of its edits
// conflict with an edit taken before it, its own included (a fix whose
// edits overlap each other cannot be applied). It returns the distinct
// edits and creations taken, and how many fixes brought something new.
// Taken edits are kept per file in position order and creations by path,
// so that fixing a large project stays linear.
func pickFixes(p *project.Project, ds []*diagnostics.Diagnostic) ([]diagnostics.Edit, []diagnostics.Create, int) {
	edits, creates, fixed := pickWith(p, ds, Options{})
	return edits, creates, len(fixed)
}

// pickWith is pickFixes with options; it returns the findings whose fix
// brought something new.
func pickWith(p *project.Project, ds []*diagnostics.Diagnostic, opt Options) ([]diagnostics.Edit, []diagnostics.Create, []*diagnostics.Diagnostic) {
	var fixed []*diagnostics.Diagnostic
	var edits []diagnostics.Edit
	var creates []diagnostics.Create
	taken := newTakenEdits()
	created := map[string]string{} // the content of each creation taken, by path
	for _, d := range ds {
		if len(d.Fixes) == 0 || d.Fixes[0].Unsafe && !opt.Unsafe || opt.Only != nil && !opt.Only[d.Path] {
			continue
		}
		fix := d.Fixes[0]
		if opt.Confine && !confined(fix, opt.Only) {
			continue
		}
		ok := true
		for _, c := range fix.Creates {
			if content, dup := created[c.Path]; p.File(c.Path) != nil || dup && content != c.Content {
				ok = false
			}
		}
		var added []diagnostics.Edit // this fix's new edits, given back if one conflicts
		for _, e := range fix.Edits {
			if !ok {
				break
			}
			var novel bool
			if ok, novel = p.File(e.Path) != nil, false; ok {
				ok, novel = taken.add(e)
			}
			if novel {
				added = append(added, e)
			}
		}
		if !ok {
			for _, e := range added {
				taken.remove(e)
			}
			continue
		}
		edits = append(edits, added...)
		novel := len(added) > 0
		for _, c := range fix.Creates {
			if _, dup := created[c.Path]; !dup {
				novel = true
				creates = append(creates, c)
				created[c.Path] = c.Content
			}
		}
		if novel {
			fixed = append(fixed, d)
		}
	}
	return edits, creates, fixed
}

// confined reports whether fix edits only files in only and creates none.
func confined(fix diagnostics.Fix, only map[string]bool) bool {
	if len(fix.Creates) > 0 {
		return false
	}
	for _, e := range fix.Edits {
		if !only[e.Path] {
			return false
		}
	}
	return true
}

// applyToProject returns a new project with the edits applied and files created.
func applyToProject(ctx context.Context, p *project.Project, edits []diagnostics.Edit, creates []diagnostics.Create) (*project.Project, error) {
	byPath := map[string][]diagnostics.Edit{}
	for _, e := range edits {
		byPath[e.Path] = append(byPath[e.Path], e)
	}
	files := make([]*project.File, 0, len(p.Files)+len(creates))
	for _, f := range p.Files {
		es, ok := byPath[f.Path]
		if !ok {
			files = append(files, f)
			continue
		}
		src, err := ApplyEdits(f.Src, es)
		if err != nil {
			return nil, fmt.Errorf("fix %s: %w", f.Path, err)
		}
		files = append(files, &project.File{Path: f.Path, Kind: f.Kind, Src: src})
	}
	for _, c := range creates {
		if err := CheckRelPath(c.Path); err != nil {
			return nil, err
		}
		files = append(files, &project.File{Path: c.Path, Kind: project.Classify(c.Path), Src: []byte(c.Content)})
	}
	return project.NewProject(ctx, p.Root, files, p.Settings), nil
}

// CheckRelPath refuses paths that would leave the workspace root.
func CheckRelPath(rel string) error {
	clean := path.Clean(rel)
	if rel == "" || path.IsAbs(rel) || strings.HasPrefix(rel, "\\") || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(rel, ":") {
		return fmt.Errorf("refusing path %q: it leaves the workspace root", rel)
	}
	return nil
}
