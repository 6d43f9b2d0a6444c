package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// PreloadWithReload reports preload_app combined with reload.
var PreloadWithReload = &diagnostics.Rule{
	Code:     "MP209",
	Name:     "preload-with-reload",
	Severity: diagnostics.Warning,
	Title:    "preload_app with reload: code changes are not reloaded",
	Doc: "With preload_app the master imports the app once, before forking; workers are copies of that " +
		"import. reload restarts the workers when a file changes, but they are forked from the same master " +
		"and come back with the old code (and, in multiprocess mode, with metric objects the master created " +
		"before the fork). gunicorn's docs call the two incompatible: use reload in development, preload_app " +
		"in production, not both.",
	Before: `preload_app = True
reload = True`,
	After:   `preload_app = True`,
	Fix:     diagnostics.FixUnsafe,
	FixDoc:  "Removes the `reload = True` line (a development setting) from the config; when either comes from a command line there is no automatic fix. Unsafe: an editor action, applied by --fix only with --unsafe-fixes (which of the two to drop is a choice).",
	Project: true,
	Applies: func(p *project.Project) bool { return p.Facts.Gunicorn },
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		preload, reload := boolSetting(p, "preload_app", "--preload"), boolSetting(p, "reload", "--reload")
		if preload == nil || reload == nil {
			return
		}
		diag := pass.ReportIn(reload.File, reload.Span, "reload with preload_app: restarted workers are forked from the preloaded master and keep the old code; drop one of them")
		if a := reload.assign; a != nil && a.TopLevel {
			// Unsafe: which of the two to drop is the user's choice.
			diag.AddFix(diagnostics.Fix{Title: "Remove reload = True", Edits: []diagnostics.Edit{deleteLines(reload.File, a.Span)}, Unsafe: true})
		}
	},
}

type settingLoc struct {
	project.Loc
	assign *python.Assign
}

// boolSetting finds a setting that is True in a loaded config, or its flag
// on a command line.
func boolSetting(p *project.Project, name, flag string) *settingLoc {
	for _, c := range p.Facts.LoadedConfigs() {
		if a := c.Setting(name); a != nil && a.Value != nil && a.Value.Text == "True" {
			return &settingLoc{project.Loc{File: c.File, Span: a.Span}, a}
		}
	}
	for _, c := range append(append([]*project.CommandLine{}, p.Facts.Commands...), p.Facts.CmdArgs...) {
		for _, a := range c.Args {
			if a == flag {
				return &settingLoc{project.Loc{File: c.File, Span: c.Span}, nil}
			}
		}
	}
	return nil
}
