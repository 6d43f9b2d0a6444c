package codeactions

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deps"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// Requirement is one dependency the set-up needs.
type Requirement struct {
	Module string // the import name that needs it
	Dist   string // normalised distribution name
	Line   string // the requirement line added
}

// KnownRequirements are the dependencies multiprom's snippets import. The lower bounds
// are the set-up checklist's; they are only ever written for a dependency
// the project does not list at all: an existing pin is the user's choice and
// is never touched (our snippets work with prometheus_client 0.16).
var KnownRequirements = []Requirement{
	{Module: "prometheus_client", Dist: "prometheus-client", Line: "prometheus_client>=0.19.0"},
	{Module: "prometheus_flask_exporter", Dist: "prometheus-flask-exporter", Line: "prometheus_flask_exporter>=0.23.0"},
	{Module: "redis", Dist: "redis", Line: "redis>=5.0.0"},
}

// withNewRequirements is fix-all's post-step: the requirements edit for the
// libraries that the fixes made the project import (before imports neither
// was nor was listed). A library the project already imported is the
// user's business (multiprom setup --requirements offers it): fix-all
// leaves a project it did not change byte-for-byte alone. It edits an
// existing requirements file and never creates one: a project without one
// may use a dependency file multiprom reads but does not edit (setup.py,
// setup.cfg, Pipfile).
func withNewRequirements(ctx context.Context, before, after *project.Project) *project.Project {
	var need []Requirement
	for _, r := range KnownRequirements {
		if importsModule(after, r.Module) && !importsModule(before, r.Module) && !listed(after, r.Dist) {
			need = append(need, r)
		}
	}
	fix, _ := requirementsEdit(after, need, false)
	if fix.IsZero() {
		return after
	}
	next, err := applyToProject(ctx, after, fix.Edits, fix.Creates)
	if err != nil {
		return after // our own edits never overlap; keep the fixes rather than fail them
	}
	return next
}

// RequirementsAction is the set-up step: add prometheus_client, the
// exporter (exporter flavour) and redis (Redis used) when missing,
// creating requirements.txt when the project has no dependency file.
// Notes explain what was deliberately left alone.
func RequirementsAction(p *project.Project) (diagnostics.Fix, []string) {
	wanted := []Requirement{KnownRequirements[0]}
	if p.Facts.Flavour == "exporter" || importsModule(p, KnownRequirements[1].Module) {
		wanted = append(wanted, KnownRequirements[1])
	}
	if p.Facts.Redis || importsModule(p, KnownRequirements[2].Module) {
		wanted = append(wanted, KnownRequirements[2])
	}
	var need []Requirement
	var notes []string
	for _, r := range wanted {
		if have := p.Facts.Requirements[r.Dist]; have != nil {
			if pinnedBelow(have.Spec, r.Line) {
				notes = append(notes, fmt.Sprintf("%s: %s%s is kept (multiprom's code works with it; %s is recommended)",
					have.Loc.File.Path, r.Dist, have.Spec, r.Line))
			}
			continue
		}
		need = append(need, r)
	}
	fix, note := requirementsEdit(p, need, true)
	if note != "" {
		notes = append(notes, note)
	}
	return fix, notes
}

// pinnedBelow reports whether the spec keeps the version below the line's
// minimum (the user's pin is kept, with a note).
func pinnedBelow(spec, line string) bool {
	_, min, _ := strings.Cut(line, ">=")
	_, _, max := deps.VersionBounds(spec)
	return max != "" && deps.CompareVersions(max, min) < 0
}

// importsModule reports whether any application module imports mod.
func importsModule(p *project.Project, mod string) bool {
	for _, f := range p.PythonFiles() {
		if len(f.Py.ImportsFrom(mod)) > 0 {
			return true
		}
	}
	return false
}

func listed(p *project.Project, dist string) bool {
	return p.Facts.Requirements[deps.NormalizeDist(dist)] != nil
}

// requirementsEdit adds the lines to the chosen dependency file. create
// allows making requirements.txt when there is none. The note says why
// nothing could be done, when that is the case.
func requirementsEdit(p *project.Project, need []Requirement, create bool) (diagnostics.Fix, string) {
	if len(need) == 0 {
		return diagnostics.Fix{}, ""
	}
	var lines, names []string
	for _, r := range need {
		lines = append(lines, r.Line)
		names = append(names, r.Line)
	}
	title := "Add " + strings.Join(names, ", ") + " to "
	target, note := requirementsTarget(p)
	switch {
	case target != nil && target.Kind == project.KindPyproject:
		edit, err := pyprojectAddDeps(target, lines)
		if err != nil {
			return diagnostics.Fix{}, fmt.Sprintf("%s: %v; add %s by hand", target.Path, err, strings.Join(lines, ", "))
		}
		return diagnostics.Fix{Title: title + target.Path, Edits: []diagnostics.Edit{edit}}, ""
	case target != nil:
		return diagnostics.Fix{Title: title + target.Path, Edits: requirementsTxtAdd(target, lines)}, ""
	case note != "":
		return diagnostics.Fix{}, note + "; add " + strings.Join(lines, ", ") + " there"
	case create:
		return diagnostics.Fix{Title: title + "a new requirements.txt",
			Creates: []diagnostics.Create{{Path: "requirements.txt", Content: strings.Join(lines, "\n") + "\n"}}}, ""
	}
	return diagnostics.Fix{}, ""
}

// requirementsTarget picks the file to edit: the requirements file that
// lists Flask or gunicorn (requirements.txt may only say -r base.txt), else
// requirements.txt, else a pyproject.toml with a [project] table whose
// dependencies are not dynamic, else the first non-dev requirements file.
// Generated files (pip-compile) are not edited; the note names the input
// file instead.
func requirementsTarget(p *project.Project) (*project.File, string) {
	note := ""
	usable := func(f *project.File) bool {
		if f == nil {
			return false
		}
		if f.Kind == project.KindRequirements && isGenerated(f) {
			note = f.Path + " is generated by pip-compile: edit " + strings.TrimSuffix(f.Path, ".txt") + ".in and re-run pip-compile"
			return false
		}
		switch f.Kind {
		case project.KindPyproject:
			return pyprojectUsable(f)
		case project.KindRequirements:
			return true
		}
		// setup.py, setup.cfg and Pipfile pins are read, not edited: a
		// Pipfile has its lock file to re-generate, setup.py is code.
		return false
	}
	for _, dist := range []string{"flask", "gunicorn"} {
		if r := p.Facts.Requirements[dist]; r != nil && usable(r.Loc.File) {
			return r.Loc.File, ""
		}
	}
	if f := p.File("requirements.txt"); usable(f) {
		return f, ""
	}
	if f := p.File("pyproject.toml"); usable(f) {
		return f, ""
	}
	reqs := p.FilesOf(project.KindRequirements)
	sort.SliceStable(reqs, func(i, j int) bool { return len(reqs[i].Path) < len(reqs[j].Path) })
	for _, f := range reqs {
		base := strings.ToLower(path.Base(f.Path))
		if strings.Contains(base, "dev") || strings.Contains(base, "test") || strings.Contains(base, "lint") || strings.Contains(base, "doc") {
			continue
		}
		if usable(f) {
			return f, ""
		}
	}
	if note == "" {
		note = readOnlyDependencies(p)
	}
	return nil, note
}

func isGenerated(f *project.File) bool {
	head := string(f.Src[:min(len(f.Src), 600)])
	return strings.Contains(head, "autogenerated by pip-compile") || strings.Contains(head, "uv pip compile")
}

// requirementsTxtAdd inserts the lines: at their sorted place when the file's
// requirements are already sorted, else at the end; the file's line ending
// is kept.
func requirementsTxtAdd(f *project.File, lines []string) []diagnostics.Edit {
	src := string(f.Src)
	nl := "\n"
	if strings.Contains(src, "\r\n") {
		nl = "\r\n"
	}
	type entry struct {
		key   string
		start int // offset of the line
	}
	var entries []entry
	off := 0
	for _, raw := range strings.SplitAfter(src, "\n") {
		body := strings.TrimSpace(raw)
		if body != "" && !strings.HasPrefix(body, "#") && !strings.HasPrefix(body, "-") {
			entries = append(entries, entry{distOf(body), off})
		}
		off += len(raw)
	}
	sorted := len(entries) > 1 && sort.SliceIsSorted(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	if !sorted || strings.Contains(src, "\\\n") {
		text := strings.Join(lines, nl) + nl
		if src != "" && !strings.HasSuffix(src, "\n") {
			text = nl + text
		}
		return []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: len(src), End: len(src)}, NewText: text}}
	}
	// Each new line goes before the first entry that sorts after it; lines
	// sharing a place form one edit, so no two edits insert at one offset.
	sortedNew := append([]string(nil), lines...)
	sort.Slice(sortedNew, func(i, j int) bool { return distOf(sortedNew[i]) < distOf(sortedNew[j]) })
	var edits []diagnostics.Edit
	for _, l := range sortedNew {
		at := len(src)
		for _, e := range entries {
			if e.key > distOf(l) {
				at = e.start
				break
			}
		}
		if n := len(edits); n > 0 && edits[n-1].Span.Start == at {
			edits[n-1].NewText += l + nl
			continue
		}
		text := l + nl
		if at == len(src) && src != "" && !strings.HasSuffix(src, "\n") {
			text = nl + text
		}
		edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text})
	}
	return edits
}

// distOf is the normalised distribution name of a requirement line.
func distOf(line string) string {
	name := line
	if i := strings.IndexAny(name, " \t=<>!~;[@"); i >= 0 {
		name = name[:i]
	}
	return deps.NormalizeDist(name)
}

// readOnlyDependencies names the dependency file a project without a
// requirements file or usable pyproject.toml keeps its pins in (Pipfile,
// setup.cfg, setup.py), which multiprom reads but does not edit; "" when
// there is none.
func readOnlyDependencies(p *project.Project) string {
	for _, k := range []project.Kind{project.KindPipfile, project.KindSetupCfg} {
		if fs := p.FilesOf(k); len(fs) > 0 {
			return fs[0].Path + " holds the dependencies and multiprom does not edit it"
		}
	}
	if f := p.File("setup.py"); f != nil {
		return f.Path + " holds the dependencies and multiprom does not edit it"
	}
	return ""
}
