package rules

import (
	"fmt"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// asgiExporterUse is a FastAPI/Starlette exporter in app code. Both
// exporters read (their sources, not only their READMEs) aggregate the
// workers' files only when PROMETHEUS_MULTIPROC_DIR is set at scrape time:
// prometheus_fastapi_instrumentator's Instrumentator.expose and
// starlette_exporter's handle_metrics build a CollectorRegistry with a
// MultiProcessCollector then, and serve the answering worker's default
// registry otherwise. So what they get wrong under several workers is the
// server's set-up (MP205, MP201), not their own code.
type asgiExporterUse struct {
	File *project.File
	Span source.Span
	What string // for messages: "Instrumentator", "starlette_exporter's PrometheusMiddleware"
	// LiveGauge: it declares a livesum in-progress gauge, whose dead
	// workers' values stay without child_exit: starlette_exporter's
	// PrometheusMiddleware always (requests_in_progress, incremented on
	// every request), the Instrumentator with
	// should_instrument_requests_inprogress=True.
	LiveGauge bool
}

// Where names the use for a message: "Instrumentator (main.py:7)".
func (u asgiExporterUse) Where() string {
	return fmt.Sprintf("%s (%s:%d)", u.What, u.File.Path, u.File.Lines().Line(u.Span.Start)+1)
}

var instrumentatorCalls = python.ExactCallees(
	"prometheus_fastapi_instrumentator.Instrumentator",
	"prometheus_fastapi_instrumentator.instrumentation.PrometheusFastApiInstrumentator",
)

// starletteExporterNames are starlette_exporter's names that put it to work
// (imported, then passed to add_middleware/add_route, not called).
var starletteExporterNames = map[string]bool{"PrometheusMiddleware": true, "handle_metrics": true, "handle_openmetrics": true}

// asgiExporterUses returns the exporter uses of the project's app code
// (tests and separately run scripts left out), in file order.
func asgiExporterUses(p *project.Project) []asgiExporterUse {
	var out []asgiExporterUse
	for _, f := range p.PythonFiles() {
		if standaloneOrTest(p, f) || p.Facts.IsConfig(f) {
			continue
		}
		m := f.Py
		if len(m.ImportsFrom("prometheus_fastapi_instrumentator")) > 0 {
			for _, c := range m.Select(instrumentatorCalls) {
				kw := c.Keyword("should_instrument_requests_inprogress")
				out = append(out, asgiExporterUse{File: f, Span: c.Span(), What: "Instrumentator",
					LiveGauge: kw != nil && kw.Value.Text == "True"})
			}
		}
		for _, im := range m.ImportsFrom("starlette_exporter") {
			if starletteExporterNames[im.Name] {
				out = append(out, asgiExporterUse{File: f, Span: im.Span, What: "starlette_exporter's " + im.Name,
					LiveGauge: im.Name == "PrometheusMiddleware"})
			}
		}
	}
	return out
}
