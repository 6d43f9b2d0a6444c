package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
)

// DjangoExportPortPerWorker reports django-prometheus's export-port
// settings that cannot work under several gunicorn workers.
var DjangoExportPortPerWorker = &diagnostics.Rule{
	Code:       "MP112",
	Name:       "django-export-port-per-worker",
	Severity:   diagnostics.Error,
	Frameworks: []frameworks.Framework{frameworks.Django},
	Title:      "django-prometheus's export port is bound by every worker",
	Doc: "django-prometheus's AppConfig.ready calls SetupPrometheusExportsFromConfig in every process that " +
		"runs django.setup(), that is in every gunicorn worker. PROMETHEUS_METRICS_EXPORT_PORT makes each " +
		"of them start an HTTP server on that one port: the first worker binds it, the next one's ready " +
		"raises OSError (Address already in use), that worker fails to boot and gunicorn's master shuts " +
		"down (\"Worker failed to boot\"; seen with gunicorn 20.1 and django-prometheus 2.2). " +
		"PROMETHEUS_METRICS_EXPORT_PORT_RANGE instead makes each worker take the first free port of the " +
		"range and serve its own registry there: that is correct when Prometheus scrapes every port of " +
		"the range (one target per worker, summed in PromQL), which multiprom cannot see, so a range is " +
		"reported only when it holds fewer ports than the known worker count (the workers left over " +
		"export nothing), or when preload_app imports the app in the master (ready runs there once; the " +
		"workers export nothing). The single /metrics view (django_prometheus.urls) with " +
		"PROMETHEUS_MULTIPROC_DIR set aggregates every worker on one target instead. (django-prometheus " +
		"documents PROMETHEUS_METRICS_EXPORT_ADDRESS = '' as all addresses; on the fixed-port path " +
		"prometheus_client 0.16's start_http_server resolves '' with getaddrinfo and raises socket.gaierror, " +
		"so even one worker fails to boot: name an address. The range path binds '' directly and works.)",
	Before: `# settings.py (gunicorn --workers 4)
PROMETHEUS_METRICS_EXPORT_PORT = 8001`,
	After: `# settings.py: one port per worker; Prometheus scrapes 8001-8004
PROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(8001, 8001 + 4)`,
	Fix: diagnostics.FixUnsafe,
	FixDoc: "Unsafe (it changes the scrape targets: Prometheus must then scrape every port of the range): " +
		"replaces PROMETHEUS_METRICS_EXPORT_PORT = P by PROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(P, P + N), " +
		"N the known worker count. The alternative is to remove the setting and route /metrics to " +
		"django_prometheus.urls with PROMETHEUS_MULTIPROC_DIR set.",
	Project: true,
	Applies: func(p *project.Project) bool { return p.Facts.MultiWorker },
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		preload := anyRunBool(p, "preload_app", "--preload") != nil
		workers := p.Facts.Workers
		if !p.Facts.DjangoExporter() {
			return // nothing reads the settings
		}
		// Any settings module counts, not only the one installing the app:
		// prod.py often star-imports a base.py that lists INSTALLED_APPS.
		for _, s := range p.Facts.Django {
			set := s.Settings
			if set.FullApps && !set.HasApp(frameworks.DjangoExporterApp) {
				continue // its own complete INSTALLED_APPS: another project's settings
			}
			switch {
			case set.ExportPortRange != nil && preload:
				pass.ReportIn(s.File, set.ExportPortRange.Span, "PROMETHEUS_METRICS_EXPORT_PORT_RANGE with preload_app: django-prometheus's ready runs once, in the gunicorn master, whose exporter holds no worker's values; the workers export nothing")
			case set.ExportPortRange != nil:
				if workers.Known && !workers.Expr && set.RangeSize >= 0 && set.RangeSize < workers.Max {
					pass.ReportIn(s.File, set.ExportPortRange.Span, "PROMETHEUS_METRICS_EXPORT_PORT_RANGE holds %d ports for %d gunicorn workers: the workers left over export nothing", set.RangeSize, workers.Max)
				}
			case set.ExportPort != nil && preload:
				pass.ReportIn(s.File, set.ExportPort.Span, "PROMETHEUS_METRICS_EXPORT_PORT with preload_app: django-prometheus's ready runs once, in the gunicorn master, whose exporter holds no worker's values")
			case set.ExportPort != nil:
				d := pass.ReportIn(s.File, set.ExportPort.Span, "PROMETHEUS_METRICS_EXPORT_PORT under several gunicorn workers: each worker's django-prometheus binds this one port, the second fails with \"Address already in use\" and gunicorn stops; use a port range scraped port by port, or the /metrics view with PROMETHEUS_MULTIPROC_DIR")
				if workers.Known && !workers.Expr && workers.Max > 1 {
					d.AddFix(portRangeFix(s, workers.Max))
				}
			}
		}
	},
}

// portRangeFix replaces the fixed port by a range of one port per worker.
func portRangeFix(s *project.DjangoSettings, n int) diagnostics.Fix {
	a := s.Settings.ExportPort
	port := strings.TrimSpace(a.Value.Text)
	if _, err := strconv.Atoi(port); err != nil {
		return diagnostics.Fix{} // not a literal: the range's start is unknown
	}
	text := fmt.Sprintf("PROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(%s, %s + %d)", port, port, n)
	return diagnostics.Fix{
		Title:  fmt.Sprintf("Export one port per worker (range of %d from %s; scrape each)", n, port),
		Unsafe: true,
		Edits:  []diagnostics.Edit{diagnostics.Replace(s.File, a.Span, text)},
	}
}
