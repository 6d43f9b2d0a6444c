package rules

import (
	"fmt"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/django"
	"github.com/multiprom/multiprom/internal/project"
)

// MultiprocDirUnset reports multiprocess code in a multi-worker project
// whose gunicorn master never gets PROMETHEUS_MULTIPROC_DIR.
var MultiprocDirUnset = &diagnostics.Rule{
	Code:     "MP205",
	Name:     "multiproc-dir-unset",
	Severity: diagnostics.Error,
	Title:    "Multiprocess metrics code, but PROMETHEUS_MULTIPROC_DIR is set nowhere gunicorn sees it",
	Servers:  []string{"gunicorn", "uWSGI", "uvicorn --workers"},
	Doc: "prometheus_client picks its value store once, when it is first imported: files in " +
		"PROMETHEUS_MULTIPROC_DIR if the variable is in the environment then, per-process memory otherwise. " +
		"The project has multiprocess-aware code (a MultiProcessCollector, a Gunicorn*/Multiprocess* exporter " +
		"class, multiprocess_mode=, a FastAPI/Starlette exporter: prometheus-fastapi-instrumentator's " +
		"Instrumentator and starlette_exporter's handle_metrics aggregate the workers' files only when the " +
		"variable is set, and serve one worker's registry otherwise; or django-prometheus installed with " +
		"its /metrics view routed (django_prometheus.urls, ExportToDjangoView), which does the same) and several workers, but the variable is set nowhere that reaches the " +
		"gunicorn master: not in the gunicorn config, a Dockerfile ENV, compose environment:, systemd " +
		"Environment=, an entrypoint export, nor a .env that something loads. The exporter classes and " +
		"MultiProcessCollector then raise ValueError, and a gated set-up silently falls back to per-worker " +
		"metrics. Setting it in app code is too late for the master (MP206).\n\n" +
		"uWSGI (more than one process, or a count not known): the variable must be in uWSGI's environment " +
		"before the app is loaded — without lazy-apps the master imports the app before it forks, as " +
		"gunicorn's preload_app. An `env = PROMETHEUS_MULTIPROC_DIR=…` line of the ini or YAML counts (uWSGI " +
		"applies it while reading the file, before anything else), as do a Dockerfile ENV, compose " +
		"environment:, systemd Environment= and an entrypoint export. Because the master imports the app " +
		"before the fork (no lazy-apps), every module-level metric also gets a file named after the master's pid " +
		"(checked with uWSGI 2.0.21 and prometheus_client 0.16): its values are 0, or what import-time code " +
		"set. Counters, histograms and sum/livesum gauges are exact; min/livemin gauges also see the master's " +
		"0, and all/liveall gauges show one more pid series. With lazy-apps each worker imports the app itself " +
		"and the master writes nothing.\n\n" +
		"uvicorn --workers N (more than one, or a count from the environment): the process that runs uvicorn " +
		"spawns the workers (multiprocessing spawn: a fresh interpreter with the parent's environment; uvicorn " +
		"0.17–0.35), so the variable must be in that process's environment: an export in the start script before " +
		"uvicorn, a Dockerfile ENV, compose environment:, systemd Environment=, or a file named by --env-file " +
		"(uvicorn loads it with python-dotenv in the parent, before the spawn). The parent never imports the app, " +
		"so an os.environ.setdefault at the top of the app module, before prometheus_client's import, works too: " +
		"every worker runs it when it imports the app. uvicorn.run(\"main:app\", workers=N) under a script's main " +
		"guard is the same process manager, the script's process its parent (the app object with workers > 1 " +
		"makes uvicorn exit with status 1, and a uvicorn.run at module level runs again in every spawned worker, " +
		"which then dies: neither serves with several workers).",
	Before: `# gunicorn.conf.py
workers = 4`,
	After: `# gunicorn.conf.py
import os

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus-multiproc-shop")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

workers = 4`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Puts os.environ.setdefault(...) and os.makedirs(...) at the very top of the gunicorn config (with " +
		"the on_starting clean-up and child_exit hook where missing), creating gunicorn.conf.py when there is " +
		"none. The deploy snippets offer the Dockerfile/compose/systemd form instead. For a uWSGI-served " +
		"project it inserts `env = PROMETHEUS_MULTIPROC_DIR=…` and the exec-asap clean-up (MP204) right after " +
		"the [uwsgi] line of its configuration; no fix when uWSGI is configured by its command line alone. " +
		"Under uvicorn --workers started from a shell script it inserts `export PROMETHEUS_MULTIPROC_DIR=…` and the " +
		"clean-up (MP204) on the lines before the uvicorn command, with its indentation; from a Dockerfile, an ENV " +
		"line before the command; no fix for a command in a compose file, Procfile or unit.",
	Project: true,
	Applies: func(p *project.Project) bool {
		return p.Facts.MultiWorker && (p.Facts.Gunicorn || len(p.Facts.Uwsgi) > 0 || p.Facts.UvicornOnly())
	},
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		if p.Facts.UvicornOnly() {
			uvicornDirUnset(pass)
			return
		}
		if p.Facts.EnvVarSet() {
			return
		}
		where := multiprocCode(p)
		if where == "" {
			return
		}
		at := p.Facts.MissingAnchor()
		if at == nil {
			return
		}
		if uwsgiOnly(p) {
			diag := showOnPython(p, pass.ReportIn(at.File, at.Span, "PROMETHEUS_MULTIPROC_DIR is set nowhere the uWSGI master sees it, but %s expects multiprocess mode; add `env = PROMETHEUS_MULTIPROC_DIR=…` to the uWSGI configuration or set it in the process environment", where))
			diag.AddFix(uwsgiSetupFix(p))
			return
		}
		diag := showOnPython(p, pass.ReportIn(at.File, at.Span, "PROMETHEUS_MULTIPROC_DIR is set nowhere the gunicorn master sees it, but %s expects multiprocess mode; set it at the very top of the gunicorn config or in the process environment", where))
		if cfg := p.Facts.Config(); cfg == nil || cfg.Loaded {
			diag.AddFix(gunicornSetupFix(p))
		}
	},
}

// uvicornDirUnset is MP205 under uvicorn --workers: the variable must be in
// the environment of the process that runs uvicorn (or set by the app
// module itself, which every worker imports).
func uvicornDirUnset(pass *diagnostics.Pass) {
	p := pass.Project
	if uvicornEnvSet(p) {
		return
	}
	where := multiprocCode(p)
	at := p.Facts.MissingAnchor()
	if where == "" || at == nil {
		return
	}
	how := "uvicorn --workers spawns its workers with the environment of the process that runs it: export it before uvicorn starts"
	if at.File.Kind == project.KindPython {
		how = "uvicorn.run spawns its workers with this script's environment: set it where the script is started, or with os.environ at the script's top"
	}
	diag := showOnPython(p, pass.ReportIn(at.File, at.Span, "PROMETHEUS_MULTIPROC_DIR is set nowhere uvicorn's workers get it, but %s expects multiprocess mode; %s", where, how))
	diag.AddFix(uvicornSetupFix(p))
}

// multiprocCode names the first piece of app code that expects
// multiprocess mode, or "".
func multiprocCode(p *project.Project) string {
	for _, f := range p.PythonFiles() {
		if standaloneOrTest(p, f) || p.Facts.IsConfig(f) {
			continue
		}
		m := f.Py
		for _, c := range m.Select(multiprocCandidateCalls) {
			q := c.Qualified()
			line := f.Lines().Line(c.Span().Start) + 1
			if strings.HasPrefix(q, "prometheus_client") && strings.HasSuffix(q, "MultiProcessCollector") {
				return fmt.Sprintf("MultiProcessCollector (%s:%d)", f.Path, line)
			}
			if class, _, ok := exporterCtor(m, c); ok && multiprocExporters[class] {
				return fmt.Sprintf("%s (%s:%d)", class, f.Path, line)
			}
		}
		if p.Facts.DjangoExporter() && django.RoutesExportView(m) {
			// Its /metrics view (ExportToDjangoView) aggregates the
			// workers only when the variable is set. Its export ports
			// alone serve each worker's own registry either way.
			return fmt.Sprintf("django_prometheus's /metrics view (%s)", f.Path)
		}
		for _, decl := range f.MetricDecls() {
			if decl.Keyword("multiprocess_mode") != nil {
				return fmt.Sprintf("multiprocess_mode= (%s:%d)", f.Path, f.Lines().Line(decl.Call.Span().Start)+1)
			}
		}
	}
	// The FastAPI/Starlette exporters aggregate only when the variable is set.
	if uses := asgiExporterUses(p); len(uses) > 0 {
		return uses[0].Where()
	}
	return ""
}
