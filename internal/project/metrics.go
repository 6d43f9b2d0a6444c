package project

import (
	"slices"
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
)

// MetricDecl is a metric constructor call: prometheus_client's classes or an
// exporter's metrics.counter/gauge/... method.
type MetricDecl struct {
	File     *File
	Call     *python.Call
	Type     string // "Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"
	Var      string // assignment target, "" if not assigned
	Exporter bool   // created through a prometheus_flask_exporter object
	// Factory is the module's function the metric is made through
	// (`make(Gauge, "g", "help")`, see python.Factory), nil for a direct
	// call; the constructor's arguments are then args.
	Factory  *python.FuncDef
	args     []python.FactorySlot
	forwards bool

	// full, fullOK and onDefault hold FullName and OnDefaultRegistry,
	// computed when the declaration is made, with the module's summary
	// (while its calls are in cache), rather than by each rule of each check.
	full      string
	fullOK    bool
	onDefault bool

	pos int32 // index in its file's declarations (the metric index's uses are laid out by it)
}

// remember computes what FullName and OnDefaultRegistry return, m being
// the declaring module; the decl is not shared yet. Every declaration is
// made this way (metricDecls).
func (d *MetricDecl) remember(m *python.Module) *MetricDecl {
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
func (d *MetricDecl) Param(name string) *python.Expr {
	if a := d.Keyword(name); a != nil {
		return a.Value
	}
	if d.Factory != nil {
		return nil // every argument is in args, by its constructor parameter
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

// Keyword returns the argument the constructor receives as name=: the
// call's own, or for a factory's metric what the factory passes there (an
// argument of the call, or one of the factory's body; see SiteArg).
func (d *MetricDecl) Keyword(name string) *python.Arg {
	if d.Factory == nil {
		return d.Call.Keyword(name)
	}
	for _, s := range d.args {
		if s.Slot == name {
			return s.Arg
		}
	}
	return nil
}

// HasSplat reports whether the constructor's arguments are not all known.
func (d *MetricDecl) HasSplat() bool { return d.Factory == nil && d.Call.HasSplat() }

// SiteArg reports whether a is an argument of the declaring call itself, so
// that its span is in d.File and an edit of its value changes this metric.
func (d *MetricDecl) SiteArg(a *python.Arg) bool { return slices.Contains(d.Call.Arguments(), a) }

// KeywordsReachConstructor reports whether a keyword added to the declaring
// call reaches the constructor: always for a direct call, for a factory's
// metric when the factory passes its **kwargs on.
func (d *MetricDecl) KeywordsReachConstructor() bool { return d.Factory == nil || d.forwards }

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
func (d *MetricDecl) LabelNames() ([]*python.Expr, bool) {
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

func (d *MetricDecl) onDefaultRegistry(m *python.Module) bool {
	if d.Exporter {
		return false
	}
	if d.HasSplat() {
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
func (d *MetricDecl) Mode() (string, *python.Arg) {
	a := d.Keyword("multiprocess_mode")
	if a == nil || a.Value == nil || !a.Value.IsStr() {
		return "", a
	}
	return a.Value.Str(), a
}

// MetricDecls returns the metric constructors of one module.
//
// The result is computed once per file and module, kept on the File, and
// shared: callers must not modify it. Rules run on every keystroke and
// several of them ask; and the language server carries a File that did not
// change from one project to the next, so its declarations, the same
// values, can be recognised by the next project's metric index.
func (f *File) MetricDecls() []*MetricDecl {
	if f.Py == nil {
		return nil
	}
	return f.metricDecls(f.Py).decls
}

// metricExports returns the module-level names of f bound to one of its
// metrics (what `from f import X` can bring in), computed with its
// declarations.
func (f *File) metricExports() map[string]*MetricDecl {
	if f.Py == nil {
		return nil
	}
	return f.metricDecls(f.Py).exports
}

// fileDecls is what MetricDecls computes for a file.
type fileDecls struct {
	of      *python.Module // the summary they were made from
	decls   []*MetricDecl
	exports map[string]*MetricDecl // nil when none
}

func (f *File) metricDecls(m *python.Module) *fileDecls {
	f.declsMu.Lock()
	defer f.declsMu.Unlock()
	if f.decls != nil && f.decls.of == m {
		return f.decls
	}
	fd := &fileDecls{of: m, decls: declare(m, f)}
	for i, d := range fd.decls {
		d.pos = int32(i)
		if d.Var != "" && d.Call.Scope == nil && d.Call.Class == "" && !strings.ContainsAny(d.Var, ".,[") {
			if fd.exports == nil {
				fd.exports = map[string]*MetricDecl{}
			}
			fd.exports[d.Var] = d
		}
	}
	f.decls = fd
	return fd
}

func declare(m *python.Module, f *File) []*MetricDecl {
	out := []*MetricDecl{}
	exporterVars := exporterObjects(m)
	factories := metricFactories(m)
	for _, c := range m.Calls {
		if fa := factories[c.Func]; fa != nil && c.Recv == nil && c.Qualified() == c.Func {
			if d := declareFactoryCall(fa, m, f, c); d != nil {
				out = append(out, d.remember(m))
			}
			continue
		}
		if t, ok := frameworks.ClientMetricCtors()[c.Qualified()]; ok {
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
func exporterObjects(m *python.Module) map[string]bool {
	out := map[string]bool{}
	for _, c := range m.Calls {
		if c.TargetName() == "" {
			continue
		}
		q := c.Qualified()
		if _, metric := frameworks.ClientMetricCtors()[q]; metric {
			continue // a re-exported client class: a metric, not a metrics object
		}
		if strings.HasPrefix(q, "prometheus_flask_exporter.") || strings.HasSuffix(c.Func, "PrometheusMetrics") || strings.HasSuffix(c.Func, "PrometheusMetrics.for_app_factory") {
			out[c.TargetName()] = true
		}
	}
	return out
}

func joinModule(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// resolveImportModule turns a relative import's module into an absolute
// dotted name using the importing file's package.
func resolveImportModule(f *File, im *python.Import) string {
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
