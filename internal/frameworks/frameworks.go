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
}

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
