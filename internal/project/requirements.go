package project

import (
	"errors"
	"fmt"
	"path"

	"github.com/multiprom/multiprom/internal/deps"
	"github.com/multiprom/multiprom/internal/python"
)

// readDependencies adds the pins of every dependency file, in the order
// their tools matter (requirements*.txt, then pyproject.toml's
// dependencies, then Pipfiles, setup.cfg and setup.py; the first pin of a
// name wins), and records a file that does not parse as a problem.
func readDependencies(p *Project, pyprojectDeps []string, add func(*Requirement)) {
	addPins := func(f *File, pins []deps.Pin) {
		for _, pin := range pins {
			add(&Requirement{Name: pin.Name, Spec: pin.Spec, Loc: Loc{f, pin.Span}})
		}
	}
	for _, f := range p.FilesOf(KindRequirements) {
		addPins(f, deps.Requirements(f.Src))
	}
	if f := p.File("pyproject.toml"); f != nil {
		for _, d := range pyprojectDeps {
			if pin, ok := deps.Parse(d, findSpan(f, d)); ok {
				addPins(f, []deps.Pin{pin})
			}
		}
	}
	read := func(f *File, pins []deps.Pin, err error) {
		if err != nil {
			pr := Problem{Path: f.Path, Message: fmt.Sprintf("cannot read %s: %v", path.Base(f.Path), err)}
			var de *deps.Error
			if errors.As(err, &de) {
				pr.Line = de.Line
			}
			p.Problems = append(p.Problems, pr)
		}
		addPins(f, pins)
	}
	for _, f := range p.FilesOf(KindPipfile) {
		pins, err := deps.Pipfile(f.Src)
		read(f, pins, err)
	}
	for _, f := range p.FilesOf(KindSetupCfg) {
		pins, err := deps.SetupCfg(f.Src)
		read(f, pins, err)
	}
	for _, f := range p.FilesOf(KindPython) {
		if path.Base(f.Path) == "setup.py" && f.Py != nil {
			addPins(f, setupPyPins(f.Py))
		}
	}
}

// setupCallees are the functions whose install_requires a setup.py pins.
var setupCallees = map[string]bool{"setuptools.setup": true, "distutils.core.setup": true, "setup": true}

// setupPyPins reads the string literals of setup(install_requires=[...]),
// also through a module-level name (`run_requirements = [...]`). A list
// built at run time (read from requirements.txt, say) is not followed: the
// file it reads is read on its own.
func setupPyPins(m *python.Module) []deps.Pin {
	var pins []deps.Pin
	for _, c := range m.Calls {
		if !setupCallees[c.Qualified()] {
			continue
		}
		for _, a := range c.Arguments() {
			if a.Name != "install_requires" || a.Value == nil {
				continue
			}
			for _, e := range setupList(m, a.Value).Elements() {
				if !e.IsStr() {
					continue
				}
				if p, ok := deps.Parse(e.Str(), e.Span()); ok {
					pins = append(pins, p)
				}
			}
		}
	}
	return pins
}

// setupList is the list literal an install_requires value is: the value
// itself, or the one top-level plain assignment of the name it is (a name
// assigned twice, or added to, is built at run time).
func setupList(m *python.Module, v *python.Expr) *python.Expr {
	if v.Kind() != "identifier" {
		return v
	}
	var found *python.Expr
	for _, a := range m.Assigns {
		if a.Target != v.Text || a.Scope != nil {
			continue
		}
		if found != nil || a.Op != "=" || !a.TopLevel {
			return v
		}
		found = a.Value
	}
	if found == nil {
		return v
	}
	return found
}
