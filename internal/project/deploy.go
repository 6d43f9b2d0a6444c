package project

import (
	"path"
	"strings"
	"sync"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/frameworks"
)

// This file turns the deploy files' start-up models (internal/deploy) into
// what the facts need: command lines that run gunicorn, places that set
// environment variables, and start-up clean-ups.

// envAssign is one VAR=value found in a deploy file.
type envAssign struct {
	Name, Value string
	Loc         Loc
	How         string
}

// deployKinds maps the deploy kinds of Classify to the parser's.
var deployKinds = map[Kind]deploy.Kind{
	KindProcfile:    deploy.Procfile,
	KindDockerfile:  deploy.Dockerfile,
	KindCompose:     deploy.Compose,
	KindSystemd:     deploy.Systemd,
	KindShell:       deploy.Shell,
	KindDotenv:      deploy.Dotenv,
	KindSupervisord: deploy.Supervisord,
	KindManifest:    deploy.Kubernetes,
	KindUwsgi:       deploy.Uwsgi,
}

// deployModel is a deploy file's start-up model, parsed once per file.
type deployModel struct {
	once sync.Once
	m    *deploy.Model
}

// Deploy returns the start-up model of a deploy file, nil for other files,
// parsed once for the file and its copies (At). Safe for concurrent use.
func (f *File) Deploy() *deploy.Model {
	k, ok := deployKinds[f.Kind]
	if !ok {
		return nil
	}
	if f.deployOf != nil {
		if f.units != nil {
			f.unitsOnce.Do(func() { f.unitsM = f.deployOf.unitModel(f.units) })
			return f.unitsM
		}
		return f.deployOf.Deploy()
	}
	f.deploy.once.Do(func() { f.deploy.m = deploy.Parse(k, f.Src) })
	return f.deploy.m
}

// unitModel joins the parts of the file's model given to units, and the
// parts given to none; the split by unit is made once per file.
func (f *File) unitModel(units []string) *deploy.Model {
	m := f.Deploy()
	f.byUnitOnce.Do(func() { f.byUnit = m.Units() })
	parts := []*deploy.Model{f.byUnit[""]}
	for _, u := range units {
		if u != "" {
			parts = append(parts, f.byUnit[u])
		}
	}
	return m.Join(parts)
}

// gunicornArgs returns the arguments of a command that runs gunicorn,
// "gunicorn" first, or nil.
func gunicornArgs(args []string) []string { return frameworks.ServerArgs(args, "gunicorn") }

// scanDeployFile collects the start-up gunicorn and uvicorn command lines
// (Args[0] says which) of a deploy file and the environment it gives what it starts.
func scanDeployFile(f *File, cmd func(*CommandLine), env func(envAssign)) {
	m := f.Deploy()
	if m == nil {
		return
	}
	for _, a := range m.Assigns {
		if a.Phase == deploy.AtStart {
			env(envAssign{a.Name, a.Value, Loc{f, a.Span}, a.How})
		}
	}
	for i := range m.Commands {
		c := &m.Commands[i]
		if c.Phase != deploy.AtStart {
			continue
		}
		args := gunicornArgs(c.Args)
		if args == nil {
			args = frameworks.ServerArgs(c.Args, "uvicorn") // its own process manager
		}
		if args == nil {
			continue
		}
		for _, a := range c.Env {
			how := a.How
			if how == "" {
				how = "shell"
			}
			env(envAssign{a.Name, a.Value, Loc{f, c.Span}, how})
		}
		// -e/--env NAME=value is raw_env on the command line: the master
		// puts it in its environment before it loads the app.
		if args[0] == "gunicorn" {
			for _, kv := range frameworks.GunicornEnvFlags(args) {
				env(envAssign{kv[0], kv[1], Loc{f, c.Span}, "gunicorn --env"})
			}
		}
		cmd(&CommandLine{File: f, Span: c.Span, Args: args, Dir: c.Dir, Unit: c.Unit})
	}
}

// standaloneModules finds Python files that a deploy command runs as their
// own process (`python -m pkg.tasks`, `python worker.py`): their code is not
// part of the app gunicorn serves.
func standaloneModules(p *Project) map[string]bool {
	out := map[string]bool{}
	for _, f := range p.Files {
		m := f.Deploy()
		if m == nil {
			continue
		}
		for _, c := range m.Commands {
			if c.Phase == deploy.AtStart {
				if sf := pythonRuns(p, c.Args); sf != nil {
					out[sf.Path] = true
				}
			}
		}
	}
	return out
}

// pythonRuns returns the project file `python [opts] -m mod` or
// `python [opts] file.py` runs, or nil.
func pythonRuns(p *Project, args []string) *File {
	for i, w := range args {
		base := path.Base(w)
		if base != "python" && !strings.HasPrefix(base, "python3") {
			continue
		}
		for j := i + 1; j < len(args); j++ {
			a := args[j]
			if a == "-m" && j+1 < len(args) {
				if args[j+1] == "gunicorn" || args[j+1] == "flask" {
					return nil
				}
				return p.ModuleFile(args[j+1])
			}
			if strings.HasPrefix(a, "-") {
				continue
			}
			if strings.HasSuffix(a, ".py") {
				return p.File(strings.TrimPrefix(a, "./"))
			}
			return nil
		}
	}
	return nil
}

// Cleanup is a start-up step that empties or removes a path: an rm before
// the server starts, a tmpfs mount, a Kubernetes emptyDir volume.
type Cleanup struct {
	Loc
	Target string // the path, variables expanded; "${NAME}" when unknown
	How    string // "rm", "tmpfs", "emptyDir"
}

// findCleanups collects the start-up clean-ups of every deploy file. A
// build-time step never counts: it runs in the image, before any server.
func findCleanups(p *Project) []*Cleanup {
	var out []*Cleanup
	for _, f := range p.Files {
		m := f.Deploy()
		if m == nil {
			continue
		}
		for _, c := range m.Cleanups {
			if c.Phase == deploy.AtStart {
				out = append(out, &Cleanup{Loc: Loc{f, c.Span}, Target: c.Target, How: c.How})
			}
		}
	}
	return out
}

// Empties reports whether the clean-up empties dir at start-up: it removes
// dir itself, its files (dir/*) or its *.db files, or a folder above it
// (rm -rf of a parent or its /*, a tmpfs or emptyDir mounted above it).
// dir may be written through the variable that names it.
func (c *Cleanup) Empties(dir string) bool { return empties(c.Target, dir) }

// EmptiesAtStart reports whether a start-up step of this deploy file
// empties dir (see Cleanup.Empties).
func (f *File) EmptiesAtStart(dir string) bool {
	if m := f.Deploy(); m != nil {
		for _, c := range m.Cleanups {
			if c.Phase == deploy.AtStart && empties(c.Target, dir) {
				return true
			}
		}
	}
	return false
}

func empties(target, dir string) bool { return deploy.Empties(target, dir, EnvVar, LegacyEnvVar) }

// deployProblems are the parts of deploy files their parsers could not
// read: the file and line, and why. Nothing else of such a part is used.
func deployProblems(files []*File) []Problem {
	var out []Problem
	for _, f := range files {
		if m := f.Deploy(); m != nil {
			for _, pr := range m.Problems {
				out = append(out, Problem{Path: f.Path, Line: pr.Line, Message: pr.Msg})
			}
		}
	}
	return out
}
