package snippets

// appData is what the app-level templates see.
type appData struct {
	Params
	ModulePrefix   string // "pkg." or "" — where generated modules are imported from
	BusinessImport string // import line for business_metrics
	CustomPath     bool   // MetricsPath differs from the exporter's default
	Var            string // registry variable, for the registry blocks
	KeyPrefix      string // Redis key prefix for business metrics
	Metrics        []BusinessMetric
	// Once: the registry is built once for a long-lived metrics app
	// (make_asgi_app/make_wsgi_app), not per scrape.
	Once bool
}

func newAppData(p Params) appData {
	d := appData{Params: p, CustomPath: p.MetricsPath != "/metrics"}
	if p.Package != "" {
		d.ModulePrefix = p.Package + "."
		d.BusinessImport = "from " + p.Package + " import business_metrics"
	} else {
		d.BusinessImport = "import business_metrics"
	}
	return d
}

// AppBlock returns the import lines to merge at the top of the module (each a full "import x" or
// "from x import y" line importing exactly one name, so merging by line never imports a name
// twice; skip ones already present) and the statement block to insert right
// after `app = Flask(__name__)`, indented with p.Indent and ending in "\n".
//
// Exporter flavour: the gated snippet — GunicornInternalPrometheusMetrics when
// PROMETHEUS_MULTIPROC_DIR is set, else PrometheusMetrics on a private CollectorRegistry, so
// create_app() can run twice in one process — then metrics.info("app_info", ...).
// Raw flavour: one call, init_metrics(app), into the generated prom_metrics.py (see AppFiles),
// which declares the metrics at module level, adds the request hooks and serves MetricsPath.
func AppBlock(p Params) (imports []string, block string, err error) {
	p = p.withDefaults()
	if err := p.validate(); err != nil {
		return nil, "", err
	}
	name := "app_raw"
	if p.Flavour == Exporter {
		name = "app_exporter"
	}
	s, err := render(name, newAppData(p))
	if err != nil {
		return nil, "", err
	}
	imports, body := splitImports(s)
	return imports, indent(body, p.Indent), nil
}

// AppFiles returns the extra files the app block needs, keyed by path relative to the package
// directory (the directory of the app module when p.Package is ""):
//   - raw flavour: prom_metrics.py;
//   - with p.Redis: business_metrics.py declaring p.Business (both flavours).
//
// The caller decides what to do when a file already exists (keep the user's).
func AppFiles(p Params) (map[string]string, error) {
	p = p.withDefaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	files := map[string]string{}
	if p.Flavour == Raw {
		s, err := render("prom_metrics.py.tmpl", newAppData(p))
		if err != nil {
			return nil, err
		}
		files["prom_metrics.py"] = s
	}
	if p.Redis {
		s, err := businessModule(p, p.Business)
		if err != nil {
			return nil, err
		}
		files["business_metrics.py"] = s
	}
	return files, nil
}

// PerRequestRegistry returns the imports and the statements (indented with p.Indent) that replace
// a handler's use of the default registry (MP104's fix): they assign a fresh CollectorRegistry
// to registryVar — a MultiProcessCollector plus the process, platform and GC collectors when
// PROMETHEUS_MULTIPROC_DIR is set, the default registry otherwise (flask run, pytest). The caller
// then passes registryVar to generate_latest()/make_wsgi_app(registry=...). With p.Redis the
// business metrics are registered on it too.
func PerRequestRegistry(p Params, registryVar string) (imports []string, block string) {
	return registryBlock(p, registryVar, false)
}

// MetricsAppRegistry is PerRequestRegistry for a metrics app built once and
// mounted (make_asgi_app(registry=...) in FastAPI/Starlette, make_wsgi_app):
// the same registry, built once, since its MultiProcessCollector reads every
// worker's files at each scrape.
func MetricsAppRegistry(p Params, registryVar string) (imports []string, block string) {
	return registryBlock(p, registryVar, true)
}

func registryBlock(p Params, registryVar string, once bool) (imports []string, block string) {
	p = p.withDefaults()
	if !pyIdent.MatchString(registryVar) {
		registryVar = "registry"
	}
	d := newAppData(p)
	d.Var = registryVar
	d.Once = once
	imports, body := splitImports(mustRender("per_request_registry", d))
	return imports, indent(body, p.Indent)
}
