package snippets

import (
	"fmt"
	"regexp"
	"strings"
)

// Flavour selects which library the inserted code uses.
type Flavour string

const (
	// Exporter code uses prometheus_flask_exporter.
	Exporter Flavour = "exporter"
	// Raw code uses prometheus_client only.
	Raw Flavour = "raw"
)

// Params describes the project a snippet is rendered for. Zero values get defaults (see withDefaults).
type Params struct {
	Flavour      Flavour
	AppTag       string // application label value, e.g. "demo"
	MetricsPath  string // default "/metrics"
	MultiprocDir string // default: "/tmp/prometheus-multiproc-" + AppTag (sanitised)
	Redis        bool
	AppVar       string // name of the Flask app variable in the target code, e.g. "app"
	Indent       string // indentation of the line the block is inserted at, e.g. "    "
	Package      string // python package name of the app (for business_metrics import), may be ""

	// Added beyond the agreed shape:

	// Business lists the Redis-backed business metrics; with Redis set, AppFiles also returns
	// business_metrics.py declaring them (the metrics handler imports that module).
	Business []BusinessMetric
	// WSGIApp is the gunicorn application spec used by the deploy snippets, e.g.
	// "demo:create_app()". Default "<Package or 'app'>:<AppVar>".
	WSGIApp string
	// ASGI marks FastAPI/Starlette code: comments name its single-process
	// runs (uvicorn without --workers) instead of Flask's (flask run).
	ASGI bool
}

// Exposed names of the request metrics, identical in both flavours so dashboards and
// `multiprom verify` see the same series (the exporter's defaults with defaults_prefix="flask").
const (
	RequestTotalName    = "flask_http_request_total"
	RequestDurationName = "flask_http_request_duration_seconds"
	ExceptionsName      = "flask_http_request_exceptions_total" // exporter flavour only
	InProgressName      = "flask_http_requests_in_progress"     // raw flavour only (livesum gauge)
	AppInfoName         = "app_info"
	MultiprocEnv        = "PROMETHEUS_MULTIPROC_DIR"
)

var unsafeDirChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// withDefaults returns p with every empty field filled in.
func (p Params) withDefaults() Params {
	if p.Flavour == "" {
		p.Flavour = Raw
	}
	if p.AppTag == "" {
		p.AppTag = "app"
	}
	if p.MetricsPath == "" {
		p.MetricsPath = "/metrics"
	}
	if p.MultiprocDir == "" {
		p.MultiprocDir = DefaultMultiprocDir(p.AppTag)
	}
	if p.AppVar == "" {
		p.AppVar = "app"
	}
	if p.WSGIApp == "" {
		mod := p.Package
		if mod == "" {
			mod = "app"
		}
		p.WSGIApp = mod + ":" + p.AppVar
	}
	return p
}

// DefaultMultiprocDir is the directory used when the project names none: one per application so
// two apps on a host never share (and wipe) each other's files.
func DefaultMultiprocDir(appTag string) string {
	tag := strings.Trim(unsafeDirChars.ReplaceAllString(appTag, "-"), "-.")
	if tag == "" {
		tag = "app"
	}
	return "/tmp/prometheus-multiproc-" + tag
}

func (p Params) validate() error {
	switch p.Flavour {
	case Exporter, Raw:
	default:
		return fmt.Errorf("snippets: unknown flavour %q (want %q or %q)", p.Flavour, Exporter, Raw)
	}
	if !pyIdent.MatchString(p.AppVar) {
		return fmt.Errorf("snippets: app variable %q is not a Python identifier", p.AppVar)
	}
	if p.Package != "" && !pyDotted.MatchString(p.Package) {
		return fmt.Errorf("snippets: package %q is not a Python module path", p.Package)
	}
	if strings.Trim(p.Indent, " \t") != "" {
		return fmt.Errorf("snippets: indent %q is not whitespace", p.Indent)
	}
	if !strings.HasPrefix(p.MetricsPath, "/") {
		return fmt.Errorf("snippets: metrics path %q must start with /", p.MetricsPath)
	}
	return nil
}

var (
	pyIdent  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	pyDotted = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
)
