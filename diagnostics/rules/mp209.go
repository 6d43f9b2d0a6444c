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
	Servers:  []string{"gunicorn"},
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
		reported := map[project.Loc]bool{}
		for _, run := range gunicornRuns(pass.Project) {
			preload, reload := run.boolSetting("preload_app", "--preload"), run.boolSetting("reload", "--reload")
			if preload == nil || reload == nil || reported[reload.Loc] {
				continue
			}
			reported[reload.Loc] = true
			diag := pass.ReportIn(reload.File, reload.Span, "reload with preload_app: restarted workers are forked from the preloaded master and keep the old code; drop one of them")
			if a := reload.assign; a != nil && a.TopLevel {
				// Unsafe: which of the two to drop is the user's choice.
				diag.AddFix(diagnostics.Fix{Title: "Remove reload = True", Edits: []diagnostics.Edit{deleteLines(reload.File, a.Span)}, Unsafe: true})
			}
		}
	},
}

// gunicornRun is one way the project starts gunicorn: a command line (nil
// for a config gunicorn reads on its own), the config it loads and the
// GUNICORN_CMD_ARGS every start sees. Settings combine only within a run:
// a development Dockerfile's --reload and the production one's --preload
// never meet.
type gunicornRun struct {
	command *project.CommandLine
	config  *project.GunicornConfig
	envArgs []*project.CommandLine
}

func gunicornRuns(p *project.Project) []gunicornRun {
	var runs []gunicornRun
	for _, c := range p.Facts.Commands {
		runs = append(runs, gunicornRun{command: c, config: p.Facts.ConfigOf(c), envArgs: p.Facts.CmdArgs})
	}
	if len(runs) == 0 {
		for _, cfg := range p.Facts.LoadedConfigs() {
			runs = append(runs, gunicornRun{config: cfg, envArgs: p.Facts.CmdArgs})
		}
	}
	if len(runs) == 0 && len(p.Facts.CmdArgs) > 0 {
		runs = append(runs, gunicornRun{envArgs: p.Facts.CmdArgs})
	}
	return runs
}

type settingLoc struct {
	project.Loc
	assign *python.Assign
}

// boolSetting finds a setting that is True in the run's config, or its
// flag on the run's command line or in GUNICORN_CMD_ARGS.
func (r gunicornRun) boolSetting(name, flag string) *settingLoc {
	if r.config != nil {
		if a := r.config.Setting(name); a != nil && a.Value != nil && a.Value.Text == "True" {
			return &settingLoc{project.Loc{File: r.config.File, Span: a.Span}, a}
		}
	}
	lines := r.envArgs
	if r.command != nil {
		lines = append([]*project.CommandLine{r.command}, lines...)
	}
	for _, c := range lines {
		for _, a := range c.Args {
			if a == flag {
				return &settingLoc{project.Loc{File: c.File, Span: c.Span}, nil}
			}
		}
	}
	return nil
}

// anyRunBool finds a setting that is True in any start of gunicorn.
func anyRunBool(p *project.Project, name, flag string) *settingLoc {
	for _, r := range gunicornRuns(p) {
		if s := r.boolSetting(name, flag); s != nil {
			return s
		}
	}
	return nil
}
