// Package frameworks names the Python web frameworks and the Prometheus
// exporters built for them that multiprom recognises, with what their
// sources do under several worker processes. It is data shared by the
// project facts and the rules; it reads no code itself.
package frameworks

// Framework is the web framework an app is built with.
type Framework string

const (
	Flask     Framework = "flask"
	FastAPI   Framework = "fastapi"
	Starlette Framework = "starlette"
	Django    Framework = "django"
)

// Title is the framework's name as its users write it ("FastAPI").
func (fw Framework) Title() string {
	switch fw {
	case Flask:
		return "Flask"
	case FastAPI:
		return "FastAPI"
	case Starlette:
		return "Starlette"
	case Django:
		return "Django"
	}
	return string(fw)
}

// AppClasses maps the qualified application classes to their framework.
// FastAPI subclasses Starlette; a construction counts as the class written.
var AppClasses = map[string]Framework{
	"flask.Flask":                      Flask,
	"flask.app.Flask":                  Flask,
	"fastapi.FastAPI":                  FastAPI,
	"fastapi.applications.FastAPI":     FastAPI,
	"starlette.applications.Starlette": Starlette,
	// A Django project's app is the `application` object its wsgi.py or
	// asgi.py builds (what `gunicorn mysite.wsgi` serves): these calls run
	// django.setup(), which imports the settings and runs every
	// AppConfig.ready.
	"django.core.wsgi.get_wsgi_application": Django,
	"django.core.asgi.get_asgi_application": Django,
}

// DjangoExporterApp is django-prometheus's INSTALLED_APPS entry. Its
// AppConfig.ready calls SetupPrometheusExportsFromConfig, which starts an
// HTTP server thread in every process that runs django.setup() when the
// settings name PROMETHEUS_METRICS_EXPORT_PORT_RANGE (the first free port
// of the range) or PROMETHEUS_METRICS_EXPORT_PORT (that port; a second
// process fails to bind it and its ready raises). Its export view,
// ExportToDjangoView (django_prometheus.urls), aggregates with a fresh
// registry and a MultiProcessCollector only when PROMETHEUS_MULTIPROC_DIR
// or the lowercase name is set (2.2, Debian bookworm; older releases, e.g.
// the tree at commit 003dccf, checked only the
// lowercase name and added the collector to the default registry).
const DjangoExporterApp = "django_prometheus"

// DjangoSettingsVar names the settings module Django imports.
const DjangoSettingsVar = "DJANGO_SETTINGS_MODULE"

// ASGIExporterModules are the FastAPI/Starlette exporters built on
// prometheus_client. Both aggregate the workers' files (a fresh registry
// with a MultiProcessCollector per scrape) only when
// PROMETHEUS_MULTIPROC_DIR is in the environment at scrape time, and serve
// the answering worker's default registry otherwise:
// prometheus_fastapi_instrumentator's Instrumentator.expose and
// starlette_exporter's handle_metrics (which also honours the lowercase
// name; the Instrumentator copies the lowercase name to the upper-case one
// at construction).
var ASGIExporterModules = []string{"prometheus_fastapi_instrumentator", "starlette_exporter"}
