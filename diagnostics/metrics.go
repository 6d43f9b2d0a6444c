package diagnostics

import (
	"slices"
	"strings"
	"sync"
)

// MetricDecl is a metric constructor call: prometheus_client's classes or an
// exporter's metrics.counter/gauge/... method.
type MetricDecl struct {
	File     *File
	Call     *Call
	Type     string // "Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"
	Var      string // assignment target, "" if not assigned
	Exporter bool   // created through a prometheus_flask_exporter object

	// full, fullOK and onDefault hold FullName and OnDefaultRegistry,
	// computed when the declaration is made, with the module's summary
	// (while its calls are in cache), rather than by each rule of each check.
	full      string
	fullOK    bool
	onDefault bool
}

// remember computes what FullName and OnDefaultRegistry return, m being
// the declaring module; the decl is not shared yet. Every declaration is
// made this way (metricDecls).
func (d *MetricDecl) remember(m *Module) *MetricDecl {
	d.full, d.fullOK = d.fullName()
	d.onDefault = d.onDefaultRegistry(m)
	return d
}

// clientParams is the positional order of prometheus_client's metric
// constructors (metrics.py: name, documentation, labelnames, namespace,
// subsystem, unit, registry, ...).
var clientParams = []string{"name", "documentation", "labelnames", "namespace", "subsystem", "unit", "registry"}

// Param returns the argument bound to a constructor parameter, by keyword or
// by position, or nil. Exporter methods take only name and description
// positionally.
func (d *MetricDecl) Param(name string) *Expr {
	if a := d.Call.Keyword(name); a != nil {
		return a.Value
	}
	if d.Exporter && name == "documentation" {
		if a := d.Call.Keyword("description"); a != nil {
			return a.Value
		}
	}
	for i, p := range clientParams {
		if p == name {
			if d.Exporter && i > 1 {
				return nil
			}
			return d.Call.Positional(i)
		}
	}
	return nil
}

// NameArg returns the literal metric name (first positional or name=).
func (d *MetricDecl) NameArg() (string, bool) {
	e := d.Param("name")
	if e == nil || !e.IsStr() {
		return "", false
	}
	return e.Str(), true
}

// FullName is the family name prometheus_client exposes, built as its
// _build_full_name does: namespace_subsystem_name, "_total" stripped from
// counters (the exposition adds it back to the sample), "_unit" appended
// unless already there. ok is false when a part is not a literal.
func (d *MetricDecl) FullName() (string, bool) { return d.full, d.fullOK }

func (d *MetricDecl) fullName() (string, bool) {
	// Asked by several rules for every declaration: no allocation beyond
	// the result.
	var parts [4]string // name, namespace, subsystem, unit
	for i, p := range [4]string{"name", "namespace", "subsystem", "unit"} {
		e := d.Param(p)
		if e == nil {
			if i == 0 {
				return "", false
			}
			continue
		}
		if !e.IsStr() {
			return "", false
		}
		parts[i] = e.Str()
	}
	name, ns, ss, unit := parts[0], parts[1], parts[2], parts[3]
	if ns == "" && ss == "" && (d.Type != "Counter" || !strings.HasSuffix(name, "_total")) && (unit == "" || strings.HasSuffix(name, "_"+unit)) {
		return name, true
	}
	full := ""
	if ns != "" {
		full += ns + "_"
	}
	if ss != "" {
		full += ss + "_"
	}
	full += name
	if d.Type == "Counter" {
		full = strings.TrimSuffix(full, "_total")
	}
	if unit != "" && !strings.HasSuffix(full, "_"+unit) {
		full += "_" + unit
	}
	return full, true
}

// SampleSuffixes are what the registry appends to the family name for the
// names it reserves (registry.py _get_names), the first being "" (the
// family name itself). The slice is shared: do not modify it.
func (d *MetricDecl) SampleSuffixes() []string {
	switch d.Type {
	case "Counter":
		return counterSuffixes
	case "Summary":
		return summarySuffixes
	case "Histogram":
		return histogramSuffixes
	case "Info":
		return infoSuffixes
	}
	return familyOnly
}

var (
	familyOnly        = []string{""}
	counterSuffixes   = []string{"", "_total", "_created"}
	summarySuffixes   = []string{"", "_sum", "_count", "_created"}
	histogramSuffixes = []string{"", "_bucket", "_sum", "_count", "_created"}
	infoSuffixes      = []string{"", "_info"}
)

// LabelNames returns the literal label names of a prometheus_client
// constructor (labelnames= or the third positional argument); ok is false
// when the argument is missing or not a literal list/tuple of strings.
func (d *MetricDecl) LabelNames() ([]*Expr, bool) {
	if d.Exporter {
		return nil, false
	}
	e := d.Param("labelnames")
	if e == nil {
		return nil, false
	}
	switch e.Kind() {
	case "list", "tuple":
	case "string":
		// A bare string is iterated character by character: not a list of names.
		return nil, false
	default:
		return nil, false
	}
	for _, el := range e.Elements() {
		if !el.IsStr() {
			return nil, false
		}
	}
	return e.Elements(), true
}

// OnDefaultRegistry reports whether the constructor registers on
// prometheus_client.REGISTRY: no registry= (or registry=REGISTRY). Exporter
// metrics go to the exporter's registry and are not counted.
func (d *MetricDecl) OnDefaultRegistry() bool { return d.onDefault }

func (d *MetricDecl) onDefaultRegistry(m *Module) bool {
	if d.Exporter {
		return false
	}
	if d.Call.HasSplat() {
		return false
	}
	e := d.Param("registry")
	if e == nil {
		return true
	}
	q := m.Qualify(strings.TrimSpace(e.Text))
	return q == "prometheus_client.REGISTRY" || q == "prometheus_client.registry.REGISTRY" || q == "prometheus_client.core.REGISTRY"
}

// Mode returns the literal multiprocess_mode of a Gauge ("" when absent or
// not a literal; absent means the client's default "all").
func (d *MetricDecl) Mode() (string, *Arg) {
	a := d.Call.Keyword("multiprocess_mode")
	if a == nil || a.Value == nil || !a.Value.IsStr() {
		return "", a
	}
	return a.Value.Str(), a
}

var clientMetricTypes = []string{"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"}

// clientMetricCtors maps the qualified names of the client's metric
// classes to their type (built once: concatenating the names for every
// call was most of an edit's metric index).
var clientMetricCtors = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, t := range clientMetricTypes {
		for _, mod := range []string{"prometheus_client.", "prometheus_client.metrics.", "prometheus_client.core."} {
			out[mod+t] = t
		}
	}
	return out
})

// MetricDecls returns the metric constructors of one module.
//
// The result is computed once per (module, file) and shared: callers must
// not modify it. Rules run on every keystroke and several of them ask.
func (m *Module) MetricDecls(f *File) []*MetricDecl {
	m.declsMu.Lock()
	defer m.declsMu.Unlock()
	if m.decls != nil && m.declsFile == f {
		return m.decls
	}
	m.decls, m.declsFile = m.metricDecls(f), f
	return m.decls
}

func (m *Module) metricDecls(f *File) []*MetricDecl {
	out := []*MetricDecl{}
	exporterVars := exporterObjects(m)
	for _, c := range m.Calls {
		if t, ok := clientMetricCtors()[c.Qualified()]; ok {
			out = append(out, (&MetricDecl{File: f, Call: c, Type: t, Var: c.TargetName()}).remember(m))
		}
		if c.Recv == nil && exporterVars[c.BaseName()] {
			switch c.MethodName() {
			case "counter", "gauge", "histogram", "summary", "info":
				t := strings.ToUpper(c.MethodName()[:1]) + c.MethodName()[1:]
				out = append(out, (&MetricDecl{File: f, Call: c, Type: t, Var: c.TargetName(), Exporter: true}).remember(m))
			}
		}
	}
	return out
}

// exporterObjects are the names bound to a prometheus_flask_exporter
// metrics object in the module (metrics = PrometheusMetrics(app) ...).
func exporterObjects(m *Module) map[string]bool {
	out := map[string]bool{}
	for _, c := range m.Calls {
		if c.TargetName() == "" {
			continue
		}
		q := c.Qualified()
		if strings.HasPrefix(q, "prometheus_flask_exporter.") || strings.HasSuffix(c.Func, "PrometheusMetrics") || strings.HasSuffix(c.Func, "PrometheusMetrics.for_app_factory") {
			out[c.TargetName()] = true
		}
	}
	return out
}

// MetricIndex is every metric declaration of the project and the method
// calls made on each, with names resolved through the project's own imports:
// a Gauge declared in pkg/metrics.py is the same metric in views.py whether
// it is reached as `from .metrics import G`, `from pkg import metrics;
// metrics.G`, `import pkg.metrics as m; m.G` or a re-export from a package
// __init__. It is built once per Project, on first use (rules run on every
// keystroke; per-call project scans would be quadratic).
type MetricIndex struct {
	decls  []*MetricDecl
	byFile map[*File][]*MetricDecl
	uses   map[*Call][]MetricUse // declaring call -> method calls on the metric
	// names holds, per file, the names that denote a metric there (its own
	// declarations and what its imports bind): Owner resolves a call with
	// them. A project-wide call -> metric map was a fifth of the index and
	// grew faster than the project.
	names map[*File]*metricNames
}

// MetricUse is a method call made on a metric and the file that holds it.
type MetricUse struct {
	Call *Call
	File *File
}

// Metrics returns the project's metric index, building it on first use.
// Safe for concurrent use.
func (p *Project) Metrics() *MetricIndex {
	p.metricsOnce.Do(func() { p.metrics = buildMetricIndex(p) })
	return p.metrics
}

// Decls returns every metric declaration, in file and source order.
func (ix *MetricIndex) Decls() []*MetricDecl { return ix.decls }

// DeclsIn returns the declarations of one file.
func (ix *MetricIndex) DeclsIn(f *File) []*MetricDecl { return ix.byFile[f] }

// Uses returns the method calls made on the metric (G.inc(), G.labels(..),
// G.labels(..).set(), m.G.dec(), @G.track_inprogress()), in file and
// source order, with their files. .labels() calls are included; a chained
// call's Recv is the labels call.
func (ix *MetricIndex) Uses(d *MetricDecl) []MetricUse { return ix.uses[d.Call] }

// Owner returns the metric a method call of file f is made on, or nil.
func (ix *MetricIndex) Owner(f *File, c *Call) *MetricDecl {
	return ownerOf(ix.names[f], c)
}

// ownerOf resolves the receiver of a method call through a file's metric
// names; the declaring call itself is not a use.
func ownerOf(names *metricNames, c *Call) *MetricDecl {
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
func (p *Project) MetricUses(d *MetricDecl) []*Call {
	var out []*Call
	for _, u := range p.Metrics().uses[d.Call] {
		if u.Call.MethodName() != "labels" {
			out = append(out, u.Call)
		}
	}
	return out
}

type moduleTable struct {
	byName map[string]*File
	// bySuffix maps every proper dotted suffix of a module name ("b.c" and
	// "c" for "a.b.c") to its file, or to nil when several files share it.
	bySuffix map[string]*File
}

func newModuleTable(files []*File) *moduleTable {
	// Sized up front: rebuilt on every check, and growing maps of a large
	// project by rehashing showed in the model's profile.
	t := &moduleTable{byName: make(map[string]*File, len(files)), bySuffix: make(map[string]*File, 2*len(files))}
	for _, f := range files {
		name := f.ModuleName()
		t.byName[name] = f
		for i := 0; i < len(name); i++ {
			if name[i] != '.' {
				continue
			}
			suffix := name[i+1:]
			if prev, seen := t.bySuffix[suffix]; seen && prev != f {
				t.bySuffix[suffix] = nil // ambiguous
			} else {
				t.bySuffix[suffix] = f
			}
		}
	}
	return t
}

// resolve finds the project file of a dotted module name: exact, or the one
// file whose module name ends with ".name" (the project root may sit above
// the directory Python runs from, e.g. src/ or a service folder).
func (t *moduleTable) resolve(name string) *File {
	if name == "" {
		return nil
	}
	if f := t.byName[name]; f != nil {
		return f
	}
	return t.bySuffix[name]
}

func buildMetricIndex(p *Project) *MetricIndex {
	files := p.PythonFiles()
	ix := &MetricIndex{byFile: make(map[*File][]*MetricDecl, len(files))}
	mods := newModuleTable(files)
	// exports: module-level names bound to a metric, per file.
	exports := make(map[*File]map[string]*MetricDecl, len(files))
	for _, f := range files {
		ds := f.Py.MetricDecls(f)
		ix.byFile[f] = ds
		ix.decls = append(ix.decls, ds...)
		for _, d := range ds {
			if d.Var != "" && d.Call.Scope == nil && d.Call.Class == "" && !strings.ContainsAny(d.Var, ".,[") {
				if exports[f] == nil {
					exports[f] = map[string]*MetricDecl{}
				}
				exports[f][d.Var] = d
			}
		}
	}
	// lookup follows re-exports (`from .metrics import G` in __init__.py).
	var lookup func(f *File, name string, depth int) *MetricDecl
	lookup = func(f *File, name string, depth int) *MetricDecl {
		if d := exports[f][name]; d != nil {
			return d
		}
		if depth == 0 {
			return nil
		}
		for _, im := range f.Py.Imports {
			if im.Scope != nil || im.Local() != name || im.Name == "" || im.Name == "*" {
				continue
			}
			if t := mods.resolve(resolveImportModule(f, im)); t != nil && t != f {
				return lookup(t, im.Name, depth-1)
			}
		}
		return nil
	}
	declAt := make(map[*Call]int, len(ix.decls)) // a declaration's index in ix.decls
	for i, d := range ix.decls {
		declAt[d.Call] = i
	}
	// Each file's uses are found on all cores (exports and the module table
	// are only read), then merged in file order.
	perFile := make([][]useHit, len(files))
	fileNames := make([]*metricNames, len(files))
	parallel(len(files), func(i int) {
		f := files[i]
		names := newMetricNames(exports)
		for _, d := range ix.byFile[f] {
			if d.Var != "" {
				names.bind(d.Var, d)
			}
		}
		for _, im := range f.Py.Imports {
			mod := resolveImportModule(f, im)
			switch {
			case im.Name == "*":
				if t := mods.resolve(mod); t != nil && t != f {
					for n, d := range exports[t] {
						names.bind(n, d)
					}
				}
			case im.Name != "":
				if t := mods.resolve(mod); t != nil && t != f {
					if d := lookup(t, im.Name, 3); d != nil {
						names.bind(im.Local(), d)
						continue
					}
				}
				if sub := mods.resolve(joinModule(mod, im.Name)); sub != nil && sub != f {
					names.bindModule(im.Local(), sub)
				}
			default:
				t := mods.resolve(im.Module)
				if t == nil || t == f {
					continue
				}
				if im.Alias != "" {
					names.bindModule(im.Alias, t)
				} else {
					names.bindModule(im.Module, t)
				}
			}
		}
		if names.empty() {
			return
		}
		fileNames[i] = names
		perFile[i] = usesIn(f, names, declAt)
	})
	ix.names = make(map[*File]*metricNames, len(files))
	ix.uses = make(map[*Call][]MetricUse, len(ix.decls))
	for i, names := range fileNames {
		if names != nil {
			ix.names[files[i]] = names
		}
	}
	ix.layOutUses(files, perFile)
	return ix
}

// layOutUses fills ix.uses from each file's uses, in file order: counted
// per declaration, then laid out in one array (appending each use to a map
// entry and trimming the slices after was a third of the index, serial).
func (ix *MetricIndex) layOutUses(files []*File, perFile [][]useHit) {
	counts := make([]int, len(ix.decls))
	total := 0
	for _, hits := range perFile {
		for _, h := range hits {
			counts[h.at]++
		}
		total += len(hits)
	}
	all := make([]MetricUse, total)
	lists := make([][]MetricUse, len(ix.decls))
	off := 0
	for i, n := range counts {
		lists[i] = all[off : off : off+n]
		off += n
	}
	for i, hits := range perFile {
		calls := files[i].Py.Calls
		for _, h := range hits {
			lists[h.at] = append(lists[h.at], MetricUse{calls[h.k], files[i]})
		}
	}
	for i, l := range lists {
		if len(l) > 0 {
			ix.uses[ix.decls[i].Call] = l
		}
	}
}

// usesIn returns the method calls of f made on a metric that names
// binds, in source order: what ownerOf says of each call, asked once per
// distinct callee and base instead of once per call, so that the pass
// reads the module's callee index rather than every call record of the
// project (those reads grew faster than the project). declAt gives each
// declaration's index in the metric index (names bind only those).
func usesIn(f *File, names *metricNames, declAt map[*Call]int) []useHit {
	m := f.Py
	type match struct {
		g    *calleeGroup
		at   int
		decl *Call // the declaring call, which is not a use of itself
	}
	var matched []match
	n := 0
	for i := range m.calleeIndex() {
		g := &m.callees[i]
		if g.base == "" || g.method() == "" {
			continue
		}
		d := names.lookup(g.base)
		if d == nil {
			continue
		}
		at, ok := declAt[d.Call]
		if !ok {
			continue // not the index's (cannot happen): never a wrong metric
		}
		matched = append(matched, match{g, at, d.Call})
		n += len(g.calls)
	}
	if n == 0 {
		return nil
	}
	hits := make([]useHit, 0, n)
	for _, mt := range matched {
		for _, k := range mt.g.calls {
			if m.Calls[k] != mt.decl {
				hits = append(hits, useHit{k, int32(mt.at)})
			}
		}
	}
	if len(matched) > 1 {
		slices.SortFunc(hits, func(a, b useHit) int { return int(a.k - b.k) })
	}
	return hits
}

// useHit is a use found in a file's pass: the call's index in the file's
// module and its metric's index in the metric index (8 bytes: a large
// project has hundreds of thousands of them per check).
type useHit struct{ k, at int32 }

func joinModule(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// resolveImportModule turns a relative import's module into an absolute
// dotted name using the importing file's package.
func resolveImportModule(f *File, im *Import) string {
	if im.Level == 0 {
		return im.Module
	}
	pkg := f.ModuleName()
	if !strings.HasSuffix(f.Path, "__init__.py") {
		pkg = parentModule(pkg)
	}
	for i := 1; i < im.Level; i++ {
		pkg = parentModule(pkg)
	}
	switch {
	case pkg == "":
		return im.Module
	case im.Module == "":
		return pkg
	}
	return pkg + "." + im.Module
}

func parentModule(m string) string {
	if i := strings.LastIndexByte(m, '.'); i >= 0 {
		return m[:i]
	}
	return ""
}
