package diagnostics

import "strings"

// MetricDecl is a metric constructor call: prometheus_client's classes or an
// exporter's metrics.counter/gauge/... method.
type MetricDecl struct {
	File     *File
	Call     *Call
	Type     string // "Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"
	Var      string // assignment target, "" if not assigned
	Exporter bool   // created through a prometheus_flask_exporter object
}

// NameArg returns the literal metric name (first positional or name=).
func (d *MetricDecl) NameArg() (string, bool) {
	e := d.Call.Positional(0)
	if a := d.Call.Keyword("name"); a != nil {
		e = a.Value
	}
	if e == nil || !e.IsStr {
		return "", false
	}
	return e.Str, true
}

var clientMetricTypes = []string{"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"}

// MetricDecls returns the metric constructors of one module.
func (m *Module) MetricDecls(f *File) []*MetricDecl {
	var out []*MetricDecl
	exporterVars := exporterObjects(m)
	for _, c := range m.Calls {
		q := m.Qualify(c.Func)
		for _, t := range clientMetricTypes {
			if q == "prometheus_client."+t || q == "prometheus_client.metrics."+t {
				out = append(out, &MetricDecl{File: f, Call: c, Type: t, Var: c.Target})
			}
		}
		if c.Recv == nil && exporterVars[c.Base] {
			switch c.Method {
			case "counter", "gauge", "histogram", "summary", "info":
				t := strings.ToUpper(c.Method[:1]) + c.Method[1:]
				out = append(out, &MetricDecl{File: f, Call: c, Type: t, Var: c.Target, Exporter: true})
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
		if c.Target == "" {
			continue
		}
		q := m.Qualify(c.Func)
		if strings.HasPrefix(q, "prometheus_flask_exporter.") || strings.HasSuffix(c.Func, "PrometheusMetrics") || strings.HasSuffix(c.Func, "PrometheusMetrics.for_app_factory") {
			out[c.Target] = true
		}
	}
	return out
}

// MetricUses returns the method calls made on the metric declared by d,
// anywhere in the project: NAME.inc() in its own module, in modules that
// import NAME from it, and as module.NAME.inc(). Chains through .labels()
// count (G.labels("a").inc() is a use of G with method inc).
func (p *Project) MetricUses(d *MetricDecl) []*Call {
	if d.Var == "" {
		return nil
	}
	declMod := d.File.ModuleName()
	var out []*Call
	for _, f := range p.PythonFiles() {
		names := map[string]bool{}
		if f == d.File {
			names[d.Var] = true
		}
		for _, im := range f.Py.Imports {
			mod := resolveImportModule(f, im)
			switch {
			case im.Name == d.Var && (mod == declMod || strings.HasSuffix(declMod, "."+mod) || mod == lastPart(declMod)):
				names[im.Local()] = true
			case im.Name != "" && (mod+"."+im.Name == declMod || im.Name == lastPart(declMod) && strings.HasSuffix(declMod, im.Name)):
				names[im.Local()+"."+d.Var] = true
			case im.Name == "" && im.Module == declMod:
				names[im.Local()+strings.TrimPrefix(declMod, im.Local())+"."+d.Var] = true
				if im.Alias != "" {
					names[im.Alias+"."+d.Var] = true
				}
			}
		}
		if len(names) == 0 {
			continue
		}
		for _, c := range f.Py.Calls {
			if c.Method == "" || c.Method == "labels" {
				continue
			}
			if names[c.Base] {
				out = append(out, c)
			}
		}
	}
	return out
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

func lastPart(m string) string { return m[strings.LastIndexByte(m, '.')+1:] }
