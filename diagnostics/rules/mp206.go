package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// MultiprocEnvSetInApp reports the variable set where it is too late.
var MultiprocEnvSetInApp = &diagnostics.Rule{
	Code:     "MP206",
	Name:     "multiproc-env-set-in-app",
	Severity: diagnostics.Error,
	Title:    "PROMETHEUS_MULTIPROC_DIR set in app code (or after prometheus_client is imported)",
	Servers:  []string{"gunicorn"},
	Doc: "The gunicorn master runs child_exit, on_starting and when_ready, and it never imports the app module " +
		"unless preload_app is on: a variable set there reaches the workers but not the master, so " +
		"mark_process_dead(worker.pid) gets no directory, raises TypeError in the master's SIGCHLD handling " +
		"and takes gunicorn down. In the gunicorn config the set must come before any import that loads " +
		"prometheus_client (directly, through prometheus_flask_exporter or through the app's own modules), " +
		"because the value store is chosen at that first import. Tests (conftest.py) and scripts run as their " +
		"own process are not reported.",
	Before: `# app/__init__.py
os.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/metrics"`,
	After: `# gunicorn.conf.py, first lines
import os

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/metrics")`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Moves a module-level set with a literal value to the very top of the gunicorn config (creating " +
		"gunicorn.conf.py when there is none). Sets inside functions or conditions get no automatic fix.",
	Applies: func(p *project.Project) bool { return p.Facts.Gunicorn || len(p.Facts.EnvSets) > 0 },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		p := pass.Project
		if standaloneOrTest(p, f) {
			return
		}
		cfg := p.Facts.ConfigFor(f)
		var first *python.Import
		if cfg != nil || !p.Facts.Gunicorn {
			first = p.FirstPrometheusImport(f)
		}
		for _, e := range p.EnvSetsIn(f) {
			if e.How == "raw_env" {
				continue
			}
			switch {
			case !p.Facts.Gunicorn:
				// No gunicorn master (uvicorn, a script): only the order
				// within the process can be wrong.
				if first != nil && e.Span.Start > first.Span.Start && !processEnvSetsVar(p) {
					reportSetAfterImport(pass, f, e, first)
				}
			case cfg == nil && e.How == "app code":
				if p.EnvVarReachesMaster() && !overridesMaster(p, f, e) {
					continue // the master has it already; setdefault here is a no-op
				}
				if preloadApp(p) {
					// With preload_app the master imports the app (Arbiter.setup)
					// before any hook runs; a set above the module's first
					// prometheus import reaches it.
					if fi := p.FirstPrometheusImport(f); fi == nil || e.Span.Start < fi.Span.Start {
						continue
					}
				}
				pass.ReportIn(f, e.Span, "%s set in app code never reaches the gunicorn master (child_exit, on_starting, when_ready): set it at the very top of the gunicorn config or in the process environment", e.Name).
					AddFix(moveEnvToConfigFix(p, f, e))
			case cfg != nil && first != nil && e.Span.Start > first.Span.Start && !processEnvSetsVar(p):
				reportSetAfterImport(pass, f, e, first).AddFix(moveEnvToConfigFix(p, f, e))
			}
		}
	},
}

// reportSetAfterImport reports a set below the module's first import of
// prometheus_client, whose values module chose the value store when it was
// imported.
func reportSetAfterImport(pass *diagnostics.Pass, f *project.File, e *project.EnvSet, first *python.Import) *diagnostics.Diagnostic {
	return pass.ReportIn(f, e.Span, "%s is set after %s is imported (line %d): prometheus_client has already chosen per-process memory; set it before any such import", e.Name, strings.TrimSpace(f.Text(first.Span)), f.Lines().Line(first.Span.Start)+1)
}

// processEnvSetsVar reports a set in the environment gunicorn is started
// with (compose environment, Dockerfile ENV, a unit, a script's export):
// the variable is present when the config first imports prometheus_client,
// whose values.get_value_class() then chooses the multiprocess store (it
// asks only whether the variable is present), and the directory is read
// later, when each metric is made. A set below the import only changes the
// directory, before any metric exists. gunicorn --env and raw_env are
// applied after the config is read, so they are not such a set.
func processEnvSetsVar(p *project.Project) bool {
	for _, e := range p.Facts.EnvSets {
		if !e.ReachesMaster || e.File.Kind == project.KindPython || e.How == "gunicorn --env" || e.How == "raw_env" {
			continue
		}
		if e.Name == project.LegacyEnvVar || !p.Facts.LegacyEnvVarOnly() {
			return true
		}
	}
	return false
}

// overridesMaster reports an unconditional assignment whose literal value
// differs from a value the master gets: workers and master then disagree.
func overridesMaster(p *project.Project, f *project.File, e *project.EnvSet) bool {
	if strings.Contains(f.Text(e.Span), "setdefault") || e.Value == "" {
		return false
	}
	return p.MasterValueDiffers(e.Value)
}

// moveEnvToConfigFix deletes a module-level set and puts the preamble with
// its value at the top of the loaded gunicorn config.
func moveEnvToConfigFix(p *project.Project, f *project.File, e *project.EnvSet) diagnostics.Fix {
	if e.Value == "" || f.IndentOf(e.Span.Start) != "" || f.LineStartOf(e.Span.Start) != e.Span.Start {
		return diagnostics.Fix{}
	}
	after := strings.TrimSpace(f.Text(source.Span{Start: e.Span.End, End: lineEndNoNL(f, e.Span.End)}))
	if after != "" && !strings.HasPrefix(after, "#") {
		return diagnostics.Fix{}
	}
	sp := snippetParams(p, nil, "")
	sp.MultiprocDir = e.Value
	edits := []diagnostics.Edit{deleteLines(f, e.Span)}
	cfg := p.Facts.Config()
	switch {
	case cfg == nil:
		fix := gunicornSetupFix(p)
		fix.Edits = append(fix.Edits, edits...)
		fix.Title = "Set " + e.Name + " in a new gunicorn.conf.py instead"
		return fix
	case !cfg.Loaded:
		return diagnostics.Fix{}
	}
	if cfg.File != f && p.EnvVarReachesMaster() {
		// The master already has a value: only drop the override.
		return diagnostics.Fix{Title: "Remove the set from app code (the master's value applies)", Edits: edits}
	}
	at := diagnostics.TopInsertPoint(cfg.File)
	edits = append(edits, diagnostics.Edit{Path: cfg.File.Path, Span: source.Span{Start: at, End: at}, NewText: snippets.GunicornPreamble(sp) + "\n"})
	return diagnostics.Fix{Title: "Move " + e.Name + " to the very top of " + cfg.File.Path, Edits: edits}
}

// preloadApp reports preload_app = True in a loaded config or --preload on
// a command line (asked per finding: computed once per project).
func preloadApp(p *project.Project) bool { return preload.Get(p) }

var preload = diagnostics.NewShared(findPreload)

func findPreload(p *project.Project) bool {
	for _, c := range p.Facts.LoadedConfigs() {
		if a := c.Setting("preload_app"); a != nil && a.Value != nil && a.Value.Text == "True" {
			return true
		}
	}
	for _, c := range append(append([]*project.CommandLine{}, p.Facts.Commands...), p.Facts.CmdArgs...) {
		for _, a := range c.Args {
			if a == "--preload" {
				return true
			}
		}
	}
	return false
}
