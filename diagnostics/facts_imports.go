package diagnostics

import "strings"

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
func (p *Project) ImportReachesPrometheus(f *File, im *Import) bool {
	return p.importReaches(f, im, map[string]bool{})
}

func (p *Project) importReaches(f *File, im *Import, seen map[string]bool) bool {
	mod := resolveImportModule(f, im)
	for _, lib := range []string{"prometheus_client", "prometheus_flask_exporter"} {
		if mod == lib || strings.HasPrefix(mod, lib+".") {
			return true
		}
	}
	parts := strings.Split(mod, ".")
	if im.Level == 0 && preloaded[parts[0]] {
		// Already in sys.modules when project code runs: a project file of
		// the same name is never executed by this import.
		return false
	}
	// `import a.b` and `from a.b import c` run a, a.b (and a.b.c when it
	// is a module).
	var targets []string
	for i := range parts {
		targets = append(targets, strings.Join(parts[:i+1], "."))
	}
	if im.Name != "" && im.Name != "*" {
		targets = append(targets, mod+"."+im.Name)
	}
	for _, t := range targets {
		g := p.ModuleFile(t)
		if g == nil || g.Py == nil || seen[g.Path] {
			continue
		}
		seen[g.Path] = true
		if p.ModuleReachesPrometheus(g, seen) {
			return true
		}
	}
	return false
}

// ModuleReachesPrometheus reports whether importing module g loads
// prometheus_client through its module-level imports.
func (p *Project) ModuleReachesPrometheus(g *File, seen map[string]bool) bool {
	if seen == nil {
		seen = map[string]bool{g.Path: true}
	}
	for _, im := range g.Py.Imports {
		if im.Scope == nil && p.importReaches(g, im, seen) {
			return true
		}
	}
	return false
}

// FirstPrometheusImport returns the first module-level import of f that
// loads prometheus_client, or nil.
func (p *Project) FirstPrometheusImport(f *File) *Import {
	var first *Import
	for _, im := range f.Py.Imports {
		if im.Scope != nil || (first != nil && im.Span.Start >= first.Span.Start) {
			continue
		}
		if p.ImportReachesPrometheus(f, im) {
			first = im
		}
	}
	return first
}
