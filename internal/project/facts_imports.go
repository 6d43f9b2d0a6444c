package project

import (
	"strings"
	"sync"

	"github.com/multiprom/multiprom/internal/python"
)

// preloaded are the modules the interpreter (with site) and gunicorn have
// imported before any project code runs. An absolute import of one binds
// the loaded module, never a project file of the same name: a project's
// os.py that imports prometheus_client does not make `import os` load it
// (found by FuzzFixProject: MP206's fix put `import os` above the set it
// moved, and then reported the set as after a prometheus import, forever).
var preloaded = map[string]bool{
	"abc": true, "builtins": true, "codecs": true, "encodings": true, "errno": true,
	"genericpath": true, "io": true, "marshal": true, "os": true, "posix": true,
	"posixpath": true, "signal": true, "site": true, "stat": true, "sys": true,
	"time": true, "zipimport": true,
}

// ImportReachesPrometheus reports whether executing the import loads
// prometheus_client: it imports prometheus_client or
// prometheus_flask_exporter, or a project module whose module-level imports
// do (followed transitively, each module once).
func (p *Project) ImportReachesPrometheus(f *File, im *python.Import) bool {
	r := p.promReach()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.importReaches(p, f, im)
}

// ModuleReachesPrometheus reports whether importing module g loads
// prometheus_client through its module-level imports. seen, when not nil,
// holds the paths of the modules this search has entered already; they are
// not entered again.
func (p *Project) ModuleReachesPrometheus(g *File, seen map[string]bool) bool {
	if seen == nil {
		if p.byPath[g.Path] != g {
			// Not this project's file: the memo is keyed by the
			// project's files.
			return p.walkModuleReaches(g, map[string]bool{g.Path: true})
		}
		r := p.promReach()
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.reaches(p, g)
	}
	return p.walkModuleReaches(g, seen)
}

// FirstPrometheusImport returns the first module-level import of f that
// loads prometheus_client, or nil.
func (p *Project) FirstPrometheusImport(f *File) *python.Import {
	r := p.promReach()
	r.mu.Lock()
	defer r.mu.Unlock()
	if first, ok := r.first[f]; ok {
		return first
	}
	var first *python.Import
	for _, im := range f.Py.Imports {
		if im.Scope != nil || (first != nil && im.Span.Start >= first.Span.Start) {
			continue
		}
		if r.importReaches(p, f, im) {
			first = im
		}
	}
	if p.byPath[f.Path] == f {
		r.first[f] = first
	}
	return first
}

// importTargets returns what executing the import runs: whether it loads
// prometheus_client itself (lib), else the project modules it executes.
func (p *Project) importTargets(f *File, im *python.Import) (lib bool, targets []*File) {
	mod := resolveImportModule(f, im)
	for _, lib := range []string{"prometheus_client", "prometheus_flask_exporter"} {
		if mod == lib || strings.HasPrefix(mod, lib+".") {
			return true, nil
		}
	}
	parts := strings.Split(mod, ".")
	if im.Level == 0 && preloaded[parts[0]] {
		// Already in sys.modules when project code runs: a project file of
		// the same name is never executed by this import.
		return false, nil
	}
	// `import a.b` and `from a.b import c` run a, a.b (and a.b.c when it
	// is a module).
	names := make([]string, 0, len(parts)+1)
	for i := range parts {
		names = append(names, strings.Join(parts[:i+1], "."))
	}
	if im.Name != "" && im.Name != "*" {
		names = append(names, mod+"."+im.Name)
	}
	for _, t := range names {
		if g := p.ModuleFile(t); g != nil && g.Py != nil {
			targets = append(targets, g)
		}
	}
	return false, targets
}

// walkImportReaches and walkModuleReaches search the import graph without
// the memo, each module once per search (seen). They answer for files that
// are not the project's own and for callers that pass their own seen; the
// tests compare the memo with them.
func (p *Project) walkImportReaches(f *File, im *python.Import, seen map[string]bool) bool {
	lib, targets := p.importTargets(f, im)
	if lib {
		return true
	}
	for _, g := range targets {
		if seen[g.Path] {
			continue
		}
		seen[g.Path] = true
		if p.walkModuleReaches(g, seen) {
			return true
		}
	}
	return false
}

func (p *Project) walkModuleReaches(g *File, seen map[string]bool) bool {
	for _, im := range g.Py.Imports {
		if im.Scope == nil && p.walkImportReaches(g, im, seen) {
			return true
		}
	}
	return false
}

// promReach memoises, per project, which modules load prometheus_client
// when imported, and each file's FirstPrometheusImport. A search that
// started afresh for every call walked the import graph again for every
// finding: quadratic in a chain of modules that import each other.
//
// Whether a module reaches prometheus_client does not depend on where a
// search starts: a depth-first search with one seen set for the whole
// search (the walk above) answers true exactly when a prometheus import is
// reachable in the graph of module-level imports, through cycles too (a
// module can reach its own later imports through a module that imports it
// back). So the answer is a property of the module, and is memoised.
type promReach struct {
	mu    sync.Mutex               // guards the maps: rules run on many goroutines
	known map[*File]bool           // module -> loads prometheus_client; absent: not searched yet
	first map[*File]*python.Import // file -> FirstPrometheusImport (nil: none)
}

// promReachKey keys the project's promReach (Project.Memo).
type promReachKey struct{}

func (p *Project) promReach() *promReach {
	return p.Memo(promReachKey{}, func() any {
		return &promReach{known: map[*File]bool{}, first: map[*File]*python.Import{}}
	}).(*promReach)
}

// importReaches is ImportReachesPrometheus with r.mu held.
func (r *promReach) importReaches(p *Project, f *File, im *python.Import) bool {
	lib, targets := p.importTargets(f, im)
	if lib {
		return true
	}
	for _, g := range targets {
		if r.reaches(p, g) {
			return true
		}
	}
	return false
}

// reaches reports whether module g (a project file) loads
// prometheus_client, searching the part of the graph not memoised yet.
// r.mu is held.
func (r *promReach) reaches(p *Project, g *File) bool {
	if v, ok := r.known[g]; ok {
		return v
	}
	s := &reachSearch{p: p, r: r, index: map[*File]int{}, low: map[*File]int{}, onStack: map[*File]bool{}}
	if s.visit(g) {
		// Every module still on the stack reaches the one that imports
		// prometheus_client: those on the path to it, and those in a
		// cycle with one on the path.
		for _, m := range s.stack {
			r.known[m] = true
		}
	}
	return r.known[g]
}

// reachSearch is Tarjan's strongly connected components search over the
// modules not memoised yet, stopped at the first module known to load
// prometheus_client. A component that completes before that has no edge
// to such a module: all its modules are memoised false. Each module is
// thus searched once per project, cycles included.
type reachSearch struct {
	p          *Project
	r          *promReach
	index, low map[*File]int
	stack      []*File
	onStack    map[*File]bool
}

// visit reports whether module v loads prometheus_client, as soon as
// that is found: then the search stops and the stack is left as it is.
func (s *reachSearch) visit(v *File) bool {
	s.index[v] = len(s.index)
	s.low[v] = s.index[v]
	s.stack = append(s.stack, v)
	s.onStack[v] = true
	for _, im := range v.Py.Imports {
		if im.Scope != nil {
			continue
		}
		lib, targets := s.p.importTargets(v, im)
		if lib {
			return true
		}
		for _, w := range targets {
			if reaches, ok := s.r.known[w]; ok {
				if reaches {
					return true
				}
				continue
			}
			if _, visited := s.index[w]; !visited {
				if s.visit(w) {
					return true
				}
				s.low[v] = min(s.low[v], s.low[w])
			} else if s.onStack[w] {
				s.low[v] = min(s.low[v], s.index[w])
			}
		}
	}
	if s.low[v] == s.index[v] {
		// v roots a component none of whose modules reaches prometheus.
		for {
			w := s.stack[len(s.stack)-1]
			s.stack = s.stack[:len(s.stack)-1]
			s.onStack[w] = false
			s.r.known[w] = false
			if w == v {
				break
			}
		}
	}
	return false
}
