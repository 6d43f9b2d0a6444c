package project

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/multiprom/multiprom/internal/python"
)

// MetricIndex is every metric declaration of the project and the method
// calls made on each, with names resolved through the project's own imports:
// a Gauge declared in pkg/metrics.py is the same metric in views.py whether
// it is reached as `from .metrics import G`, `from pkg import metrics;
// metrics.G`, `import pkg.metrics as m; m.G` or a re-export from a package
// __init__. It is built once per Project, on first use (rules run on every
// keystroke; per-call project scans would be quadratic).
//
// It is built from parts that a project derived from an earlier one
// (NewProjectFrom: the language server's next keystroke) takes over
// unchanged: a file's part is kept while the file and every file its names
// were resolved through are the same File values, and the uses of a file's
// metrics are kept while the parts that hold them are. So an edit
// recomputes the edited file, the files that import from it and the uses
// of the metrics they touch, not the project.
type MetricIndex struct {
	files     []*File // the parsed Python files, in path order
	declsOnce sync.Once
	decls     []*MetricDecl // see Decls
	mods      *moduleTable
	parts     map[*File]*filePart
	// users holds, per declaring file, the parts that use its metrics, in
	// path order; uses, the uses of its metrics, laid out on first ask
	// (Uses): a keystroke's rules ask about a few files.
	users map[*File][]*filePart
	uses  map[*File]*declUses
}

// filePart is what one file contributes to the index: what its names
// denote, and its method calls on metrics, grouped by declaring file.
type filePart struct {
	file  *File
	names *metricNames // nil when the file names no metric
	// deps are the other files whose metric exports or imports the names
	// were resolved through: the part is stale once one of them changes.
	deps []*File
	segs []useSeg
}

// useSeg is a file's uses of the metrics of one declaring file, in source
// order.
type useSeg struct {
	from *File
	hits []useHit
}

// useHit is one use: the call's index in the using file's module and the
// metric's position among its file's declarations (8 bytes: a large
// project has hundreds of thousands of them per check).
type useHit struct{ k, at int32 }

// declUses is the uses of one file's metrics, by declaration position,
// laid out once from the parts that hold them.
type declUses struct {
	from  []*filePart // the parts it is laid out from, in path order
	once  sync.Once
	built atomic.Bool // set once lists is complete (a later project may take it over)
	lists [][]MetricUse
}

// MetricUse is a method call made on a metric and the file that holds it.
type MetricUse struct {
	Call *python.Call
	File *File
}

// Metrics returns the project's metric index, building it on first use.
// Safe for concurrent use.
func (p *Project) Metrics() *MetricIndex {
	p.metricsOnce.Do(func() {
		p.metrics.Store(buildMetricIndex(p, p.metricsBasis))
		p.metricsBasis = nil // keep no chain of earlier projects alive
	})
	return p.metrics.Load()
}

// Decls returns every metric declaration, in file and source order.
func (ix *MetricIndex) Decls() []*MetricDecl {
	ix.declsOnce.Do(func() {
		n := 0
		for _, f := range ix.files {
			n += len(f.MetricDecls())
		}
		ix.decls = make([]*MetricDecl, 0, n)
		for _, f := range ix.files {
			ix.decls = append(ix.decls, f.MetricDecls()...)
		}
	})
	return ix.decls
}

// DeclsIn returns the declarations of one file.
func (ix *MetricIndex) DeclsIn(f *File) []*MetricDecl {
	if ix.parts[f] == nil {
		return nil
	}
	return f.MetricDecls()
}

// Uses returns the method calls made on the metric (G.inc(), G.labels(..),
// G.labels(..).set(), m.G.dec(), @G.track_inprogress()), in file and
// source order, with their files. .labels() calls are included; a chained
// call's Recv is the labels call. Safe for concurrent use.
func (ix *MetricIndex) Uses(d *MetricDecl) []MetricUse {
	u := ix.uses[d.File]
	if u == nil {
		return nil
	}
	u.once.Do(func() { u.layOut(d.File); u.built.Store(true) })
	if int(d.pos) >= len(u.lists) || d.File.MetricDecls()[d.pos] != d {
		return nil // not a declaration of this project's file
	}
	return u.lists[d.pos]
}

// Owner returns the metric a method call of file f is made on, or nil.
func (ix *MetricIndex) Owner(f *File, c *python.Call) *MetricDecl {
	if part := ix.parts[f]; part != nil {
		return ownerOf(part.names, c)
	}
	return nil
}

// ownerOf resolves the receiver of a method call through a file's metric
// names; the declaring call itself is not a use.
func ownerOf(names *metricNames, c *python.Call) *MetricDecl {
	base := c.BaseName()
	if base == "" || c.MethodName() == "" {
		return nil
	}
	if d := names.lookup(base); d != nil && c != d.Call {
		return d
	}
	return nil
}

// MetricUses returns the method calls made on the metric declared by d,
// anywhere in the project, .labels() calls excluded.
func (p *Project) MetricUses(d *MetricDecl) []*python.Call {
	var out []*python.Call
	for _, u := range p.Metrics().Uses(d) {
		if u.Call.MethodName() != "labels" {
			out = append(out, u.Call)
		}
	}
	return out
}

// buildMetricIndex builds the index of p, taking over what it can from
// basis, the index of the project p was derived from (nil: none).
func buildMetricIndex(p *Project, basis *MetricIndex) *MetricIndex {
	files := p.PythonFiles()
	ix := &MetricIndex{files: files, parts: make(map[*File]*filePart, len(files))}
	// The module table depends only on the paths of the Python files.
	if basis != nil && samePaths(basis.files, files) {
		ix.mods = basis.mods
	} else {
		ix.mods = newModuleTable(files)
		basis = nil
	}
	var stale []int
	for i, f := range files {
		if part := basis.reusablePart(p, f); part != nil {
			ix.parts[f] = part
		} else {
			stale = append(stale, i)
		}
	}
	// Each stale file's part is made on all cores (the module table and
	// the files' exports are only read), then recorded in file order.
	made := make([]*filePart, len(stale))
	Parallel(len(stale), func(i int) { made[i] = ix.makePart(files[stale[i]]) })
	for _, part := range made {
		ix.parts[part.file] = part
	}
	if basis != nil && len(made) <= max(16, len(files)/8) {
		ix.patchUses(basis, made)
	} else {
		ix.collectUses()
	}
	return ix
}

// samePaths reports whether two path-ordered file lists name the same paths.
func samePaths(a, b []*File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Path != b[i].Path {
			return false
		}
	}
	return true
}

// reusablePart returns f's part in the basis when it still holds in p: f
// is the same File and so is every file its names were resolved through.
func (basis *MetricIndex) reusablePart(p *Project, f *File) *filePart {
	if basis == nil {
		return nil
	}
	part := basis.parts[f]
	if part == nil {
		return nil
	}
	for _, dep := range part.deps {
		if p.byPath[dep.Path] != dep {
			return nil
		}
	}
	return part
}

// makePart resolves what f's names denote and finds its uses.
func (ix *MetricIndex) makePart(f *File) *filePart {
	part := &filePart{file: f}
	names := &metricNames{}
	for _, d := range f.MetricDecls() {
		if d.Var != "" {
			names.bind(d.Var, d)
		}
	}
	dep := func(t *File) {
		if !slices.Contains(part.deps, t) {
			part.deps = append(part.deps, t)
		}
	}
	for _, im := range f.Py.Imports {
		mod := resolveImportModule(f, im)
		switch {
		case im.Name == "*":
			if t := ix.resolve(mod); t != nil && t != f {
				dep(t)
				for n, d := range t.metricExports() {
					names.bind(n, d)
				}
			}
		case im.Name != "":
			if t := ix.resolve(mod); t != nil && t != f {
				if d := ix.lookupExport(t, im.Name, 3, dep); d != nil {
					names.bind(im.Local(), d)
					continue
				}
			}
			if sub := ix.resolve(joinModule(mod, im.Name)); sub != nil && sub != f {
				dep(sub)
				names.bindModule(im.Local(), sub.metricExports())
			}
		default:
			t := ix.resolve(im.Module)
			if t == nil || t == f {
				continue
			}
			dep(t)
			if im.Alias != "" {
				names.bindModule(im.Alias, t.metricExports())
			} else {
				names.bindModule(im.Module, t.metricExports())
			}
		}
	}
	if !names.empty() {
		part.names = names
		part.segs = usesIn(f, names)
	}
	return part
}

// resolve finds the project file of a dotted module name, or nil.
func (ix *MetricIndex) resolve(name string) *File { return ix.mods.resolve(ix.files, name) }

// lookupExport finds the metric a module t exports as name, following
// re-exports (`from .metrics import G` in __init__.py) up to depth more
// modules; every module read is passed to dep.
func (ix *MetricIndex) lookupExport(t *File, name string, depth int, dep func(*File)) *MetricDecl {
	dep(t)
	if d := t.metricExports()[name]; d != nil {
		return d
	}
	if depth == 0 {
		return nil
	}
	for _, im := range t.Py.Imports {
		if im.Scope != nil || im.Local() != name || im.Name == "" || im.Name == "*" {
			continue
		}
		if u := ix.resolve(resolveImportModule(t, im)); u != nil && u != t {
			return ix.lookupExport(u, im.Name, depth-1, dep)
		}
	}
	return nil
}

// collectUses records, per declaring file, the parts that use its metrics
// (in path order).
func (ix *MetricIndex) collectUses() {
	ix.users = make(map[*File][]*filePart)
	for _, f := range ix.files {
		for _, seg := range ix.parts[f].segs {
			ix.users[seg.from] = append(ix.users[seg.from], ix.parts[f])
		}
	}
	ix.uses = make(map[*File]*declUses, len(ix.users))
	for from, parts := range ix.users {
		ix.uses[from] = &declUses{from: parts}
	}
}

// patchUses is collectUses for an index that took over all but a few
// parts (made) from basis: the declaring files those parts use, or used
// in basis, get their users listed again; every other file keeps the
// basis's, and its laid-out uses.
func (ix *MetricIndex) patchUses(basis *MetricIndex, made []*filePart) {
	affected := map[*File]bool{}
	for _, part := range made {
		for _, seg := range part.segs {
			affected[seg.from] = true
		}
		if old := basis.parts[basis.fileAt(part.file.Path)]; old != nil {
			for _, seg := range old.segs {
				affected[seg.from] = true
			}
		}
	}
	ix.users, ix.uses = maps.Clone(basis.users), maps.Clone(basis.uses)
	for from := range affected {
		// Kept parts that still use from, and the made ones.
		var parts []*filePart
		for _, part := range basis.users[from] {
			if ix.parts[part.file] == part {
				parts = append(parts, part)
			}
		}
		for _, part := range made {
			if part.segOf(from) != nil {
				parts = append(parts, part)
			}
		}
		slices.SortFunc(parts, func(a, b *filePart) int { return strings.Compare(a.file.Path, b.file.Path) })
		if len(parts) == 0 {
			delete(ix.users, from)
			delete(ix.uses, from)
			continue
		}
		ix.users[from] = parts
		if old := basis.uses[from]; old == nil || !old.built.Load() || !slices.Equal(old.from, parts) {
			ix.uses[from] = &declUses{from: parts}
		}
	}
}

// fileAt returns the index's file at a path, or nil.
func (ix *MetricIndex) fileAt(path string) *File {
	i, ok := slices.BinarySearchFunc(ix.files, path, func(f *File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return nil
	}
	return ix.files[i]
}

// layOut fills lists from the parts' uses of from's metrics: counted per
// declaration, then laid out in one array (appending each use to its own
// slice was a third of the index).
func (u *declUses) layOut(from *File) {
	n := len(from.MetricDecls())
	counts := make([]int, n)
	total := 0
	for _, part := range u.from {
		hits := part.segOf(from)
		for _, h := range hits {
			counts[h.at]++
		}
		total += len(hits)
	}
	all := make([]MetricUse, total)
	lists := make([][]MetricUse, n)
	off := 0
	for i, c := range counts {
		lists[i] = all[off : off : off+c]
		off += c
	}
	for _, part := range u.from {
		calls := part.file.Py.Calls
		for _, h := range part.segOf(from) {
			lists[h.at] = append(lists[h.at], MetricUse{calls[h.k], part.file})
		}
	}
	for i, l := range lists {
		if len(l) == 0 {
			lists[i] = nil
		}
	}
	u.lists = lists
}

// segOf returns the part's uses of from's metrics.
func (part *filePart) segOf(from *File) []useHit {
	for _, s := range part.segs {
		if s.from == from {
			return s.hits
		}
	}
	return nil
}

// usesIn returns the method calls of f made on a metric that names
// binds, grouped by declaring file, in source order within each: what
// ownerOf says of each call, asked once per distinct callee and base
// instead of once per call, so that the pass reads the module's callee
// index rather than every call record of the project (those reads grew
// faster than the project).
func usesIn(f *File, names *metricNames) []useSeg {
	m := f.Py
	type match struct {
		g *python.CalleeGroup
		d *MetricDecl
	}
	var matched []match
	var froms []*File // the declaring files, in first-match order (few)
	var count []int   // the uses of each, at most
	groups := m.CalleeGroups()
	for i := range groups {
		g := &groups[i]
		if g.Base == "" || g.Method() == "" {
			continue
		}
		d := names.lookup(g.Base)
		if d == nil {
			continue
		}
		matched = append(matched, match{g, d})
		at := slices.Index(froms, d.File)
		if at < 0 {
			at = len(froms)
			froms, count = append(froms, d.File), append(count, 0)
		}
		count[at] += len(g.Calls)
	}
	if len(matched) == 0 {
		return nil
	}
	segs := make([]useSeg, len(froms))
	for i, from := range froms {
		segs[i] = useSeg{from: from, hits: make([]useHit, 0, count[i])}
	}
	seg := func(from *File) *useSeg {
		for i := range segs {
			if segs[i].from == from {
				return &segs[i]
			}
		}
		return nil
	}
	for _, mt := range matched {
		s := seg(mt.d.File)
		for _, k := range mt.g.Calls {
			if m.Calls[k] != mt.d.Call {
				s.hits = append(s.hits, useHit{k, mt.d.pos})
			}
		}
	}
	out := segs[:0]
	for _, s := range segs {
		if len(s.hits) == 0 {
			continue
		}
		if len(matched) > 1 {
			slices.SortFunc(s.hits, func(a, b useHit) int { return int(a.k - b.k) })
		}
		out = append(out, s)
	}
	return out
}
