package project

import (
	"path"
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// EnvVar is the variable that switches prometheus_client to multiprocess
// files; LegacyEnvVar is its deprecated lowercase spelling (still honoured).
const (
	EnvVar       = "PROMETHEUS_MULTIPROC_DIR"
	LegacyEnvVar = "prometheus_multiproc_dir"
)

// Facts are the project-level truths the rules share (gunicorn evidence,
// workers, multiprocess set-up, flavour, client version bounds, ...),
// derived once per project change (facts_compute.go) so that no rule
// derives them again, and none disagrees with another about them.
type Facts struct {
	Gunicorn         bool   // evidence that gunicorn serves the project
	GunicornEvidence string // what the evidence was, for messages
	Workers          Workers
	MultiWorker      bool
	Multiprocess     bool
	// Prometheus is true when app code imports prometheus_client,
	// prometheus_flask_exporter or a frameworks.ASGIExporterModules exporter, or the
	// requirements name them.
	Prometheus    bool
	Flavour       string // "exporter" or "raw"
	ClientVersion string // pinned prometheus_client version ("" = unknown)
	ClientMax     string // highest version the requirement allows ("" = unbounded)
	ClientMin     string // lowest version the requirement allows ("" = unbounded)
	Redis         bool
	AppTag        string

	// Uwsgi are the uWSGI servers the project starts: configuration files
	// and command lines (uwsgi.go). Several processes among them make the
	// project multi-worker as gunicorn's workers do.
	Uwsgi []*UwsgiServer
	// FilesByWorkerID is where app code names the multiprocess files by
	// uWSGI worker id (MultiProcessValue(process_identifier=uwsgi.worker_id)):
	// a replacement worker reuses the dead one's files. nil when none does.
	FilesByWorkerID *Loc

	Configs  []*GunicornConfig // every gunicorn config found, loaded or not
	Commands []*CommandLine    // command lines that run gunicorn
	// Uvicorn are command lines that run uvicorn as the server ("uvicorn"
	// first): with --workers N it is its own process manager, and no
	// gunicorn hook runs.
	Uvicorn []*CommandLine
	// UvicornMulti are those of them that start several workers (a
	// --workers count above 1 or one from the environment).
	UvicornMulti []*CommandLine
	// CmdArgs are GUNICORN_CMD_ARGS values (as command lines) that reach
	// gunicorn's environment; they add options to every command line.
	CmdArgs []*CommandLine
	// Standalone are Python files run as their own process, not gunicorn's
	// app: by a deploy file's command (`python -m pkg.tasks`, `python
	// worker.py`), or as a script that starts its own server under a
	// __main__ guard and that no module imports.
	Standalone map[string]bool
	EnvSets    []*EnvSet // places that set PROMETHEUS_MULTIPROC_DIR (or the legacy name)
	// Cleanups are the start-up steps of deploy files that empty or remove
	// a path (an rm before the server starts, tmpfs, emptyDir).
	Cleanups []*Cleanup
	Apps     []*AppSite // Flask(...), FastAPI(...) and Starlette(...) constructions, Django's get_wsgi_application()/get_asgi_application()
	// Django are the Django settings modules, DjangoReady the
	// AppConfig.ready methods (facts_django.go).
	Django      []*DjangoSettings
	DjangoReady []*ReadyHook
	// Requirements are the dependencies by normalised name ("prometheus-client").
	Requirements map[string]*Requirement

	configs configIndex // see indexConfigs
}

// configIndex answers the questions rules ask about Configs for every file
// (is this file a config? which configs are loaded?) without a walk over
// Configs each time: a monorepo has one config per service, so the walks
// made a check quadratic in the services. It is filled once by
// computeFacts and only read afterwards, so rules on several goroutines
// may share it.
type configIndex struct {
	built            bool // false in a Facts not made by computeFacts
	byFile           map[*File]*GunicornConfig
	loaded           []*GunicornConfig
	hasCommandConfig bool
}

// indexConfigs fills fs.configs from Configs, Commands and CmdArgs, which
// must be final.
func (fs *Facts) indexConfigs() {
	x := configIndex{built: true, byFile: make(map[*File]*GunicornConfig, len(fs.Configs))}
	for _, c := range fs.Configs {
		if _, dup := x.byFile[c.File]; !dup { // the first record wins, as in a walk
			x.byFile[c.File] = c
		}
	}
	loaded := fs.loadedConfigsSlow()
	x.loaded = loaded[:len(loaded):len(loaded)] // an append by a caller copies

	x.hasCommandConfig = fs.hasCommandConfigSlow()
	fs.configs = x
}

// Workers is what the project says about the worker count.
type Workers struct {
	Known bool   // some setting was found
	Max   int    // the largest literal count found (0 if only expressions)
	Expr  bool   // some setting is an expression (counts as multi-worker)
	Where *Loc   // the first place that sets it
	From  string // "settings", "config", "command line", "WEB_CONCURRENCY"
}

// Loc is a place in a project file.
type Loc struct {
	File *File
	Span source.Span
}

// GunicornConfig is a Python file gunicorn (may) read as its config.
type GunicornConfig struct {
	File   *File
	Loaded bool   // ./gunicorn.conf.py, or named by -c in a known command line
	Why    string // how it was recognised
}

// Hook returns the module-level hook function with that name, or nil.
func (c *GunicornConfig) Hook(name string) *python.FuncDef { return c.File.Py.Func(name) }

// Setting returns the last top-level assignment to a gunicorn setting.
func (c *GunicornConfig) Setting(name string) *python.Assign {
	var last *python.Assign
	for _, a := range c.File.Py.Assigns {
		if a.Scope == nil && a.Class == "" && a.Target == name && a.Op == "=" {
			last = a
		}
	}
	return last
}

// CommandLine is a command that starts gunicorn.
type CommandLine struct {
	File    *File
	Span    source.Span
	Args    []string // shell words, "gunicorn" first
	FromEnv bool     // a GUNICORN_CMD_ARGS value, not a command
	// Dir is the working directory the deploy file starts gunicorn in
	// (WORKDIR, working_dir, WorkingDirectory, a cd), "" when it does not
	// say: then it is the directory of the file.
	Dir string
	// Unit names the process: a compose service, a Procfile process, ...
	Unit string
}

// Flag returns the value of a short or long option (-c X, -cX, --config X,
// --config=X), or "" and false.
func (c *CommandLine) Flag(short, long string) (string, bool) {
	for i, a := range c.Args {
		switch {
		case a == short || a == long:
			if i+1 < len(c.Args) {
				return c.Args[i+1], true
			}
		case long != "" && strings.HasPrefix(a, long+"="):
			return a[len(long)+1:], true
		case short != "" && len(a) > len(short) && strings.HasPrefix(a, short) && !strings.HasPrefix(a, "--"):
			return a[len(short):], true
		}
	}
	return "", false
}

// EnvSet is a place that sets the multiprocess directory variable.
type EnvSet struct {
	Loc
	Name  string // EnvVar or LegacyEnvVar
	How   string // "gunicorn config", "raw_env", "Dockerfile ENV", "compose", "systemd", "shell", "dotenv", "app code"
	Value string // the literal value when known
	// ReachesMaster is false for places the gunicorn master never sees
	// (app modules, a .env that nothing loads).
	ReachesMaster bool
}

// AppSite is a web application construction: Flask(...), FastAPI(...) or
// Starlette(...).
type AppSite struct {
	File      *File
	Call      *python.Call
	Factory   *python.FuncDef // the enclosing function (create_app), nil at module level
	Framework frameworks.Framework
}

// AppsOf returns the app constructions of one framework, in file order.
func (fs *Facts) AppsOf(fw frameworks.Framework) []*AppSite {
	var out []*AppSite
	for _, a := range fs.Apps {
		if a.Framework == fw {
			out = append(out, a)
		}
	}
	return out
}

// Requirement is one dependency line.
type Requirement struct {
	Name string
	Spec string // e.g. "==0.16.0"
	Loc  Loc
}

// IsConfig reports whether f is one of the project's gunicorn configs.
func (fs *Facts) IsConfig(f *File) bool { return fs.ConfigFor(f) != nil }

// Config returns the gunicorn config that is loaded (the first one), else
// the first candidate, else nil.
func (fs *Facts) Config() *GunicornConfig {
	for _, c := range fs.Configs {
		if c.Loaded {
			return c
		}
	}
	if len(fs.Configs) > 0 {
		return fs.Configs[0]
	}
	return nil
}

// LoadedConfigs returns the configs gunicorn reads. The slice is shared:
// callers must not modify it.
func (fs *Facts) LoadedConfigs() []*GunicornConfig {
	if fs.configs.built {
		return fs.configs.loaded
	}
	return fs.loadedConfigsSlow()
}

func (fs *Facts) loadedConfigsSlow() []*GunicornConfig {
	var out []*GunicornConfig
	for _, c := range fs.Configs {
		if c.Loaded {
			out = append(out, c)
		}
	}
	return out
}

// ConfigFor returns the config record of f, or nil.
func (fs *Facts) ConfigFor(f *File) *GunicornConfig {
	if fs.configs.built {
		return fs.configs.byFile[f]
	}
	for _, c := range fs.Configs {
		if c.File == f {
			return c
		}
	}
	return nil
}

// HasCommandConfig reports whether some known command line (or
// GUNICORN_CMD_ARGS) names a config file with -c.
func (fs *Facts) HasCommandConfig() bool {
	if fs.configs.built {
		return fs.configs.hasCommandConfig
	}
	return fs.hasCommandConfigSlow()
}

func (fs *Facts) hasCommandConfigSlow() bool {
	for _, cmds := range [][]*CommandLine{fs.Commands, fs.CmdArgs} {
		for _, c := range cmds {
			if _, ok := c.Flag("-c", "--config"); ok {
				return true
			}
		}
	}
	return false
}

// UvicornOnly reports a project that `uvicorn --workers N` serves with
// several workers, and neither gunicorn nor uWSGI: uvicorn's parent
// process spawns the workers (multiprocessing spawn), which inherit its
// environment and import the app themselves.
func (fs *Facts) UvicornOnly() bool {
	return len(fs.UvicornMulti) > 0 && len(fs.Configs)+len(fs.Commands)+len(fs.CmdArgs) == 0 && len(fs.Uwsgi) == 0
}

// EnvVarSet reports whether the multiprocess dir is set where the gunicorn
// master sees it.
func (fs *Facts) EnvVarSet() bool {
	for _, e := range fs.EnvSets {
		if e.ReachesMaster {
			return true
		}
	}
	return false
}

// MissingAnchor is where a finding about something missing (a hook, the
// variable, a clean-up) is reported, since the missing thing has no
// position of its own: the loaded gunicorn config's workers setting, else
// its first line, else the first gunicorn command line, else uWSGI's
// processes, else the first multi-worker uvicorn command line, else the
// first Flask(...) call; nil when the project has none of them. Every such rule
// uses it, so their findings land in one place the user can act on.
func (fs *Facts) MissingAnchor() *Loc {
	if c := fs.Config(); c != nil {
		if w := c.Setting("workers"); w != nil {
			return &Loc{c.File, w.Span}
		}
		return &Loc{c.File, FirstLine(c.File)}
	}
	if len(fs.Commands) > 0 {
		return &Loc{fs.Commands[0].File, fs.Commands[0].Span}
	}
	if len(fs.Uwsgi) > 0 {
		return fs.uwsgiAnchor()
	}
	if len(fs.UvicornMulti) > 0 {
		return &Loc{fs.UvicornMulti[0].File, fs.UvicornMulti[0].Span}
	}
	if len(fs.Apps) > 0 {
		return &Loc{fs.Apps[0].File, fs.Apps[0].Call.Span()}
	}
	return nil
}

// FirstLine is the span of a file's first line, without its line break.
func FirstLine(f *File) source.Span {
	end := strings.IndexByte(string(f.Src), '\n')
	if end < 0 {
		end = len(f.Src)
	}
	return source.Span{Start: 0, End: end}
}

func looksLikeGunicornConfig(f *File) bool {
	base := path.Base(f.Path)
	if base == "gunicorn.conf.py" || base == "gunicorn_conf.py" || base == "gunicorn_config.py" {
		return true
	}
	if f.Py == nil {
		return false
	}
	d := f.digest()
	settings, other, hooks := d.settings, d.otherNames, d.hooks
	return (settings >= 2 && settings > other) || (hooks >= 1 && settings >= 1)
}

// CleansAtStart reports whether something empties the multiprocess
// directory each time the server starts: an on_starting hook of the loaded
// gunicorn config that deletes files, or a start-up clean-up of a deploy
// file whose target is the directory (by its value or its variable).
func (fs *Facts) CleansAtStart() bool {
	if cfg := fs.Config(); cfg != nil && cfg.File.Py != nil {
		if h := cfg.Hook("on_starting"); h != nil {
			body := cfg.File.Text(h.BodyBlockSpan())
			if strings.Contains(body, "remove") || strings.Contains(body, "unlink") || strings.Contains(body, "rmtree") {
				return true
			}
		}
	}
	for _, c := range fs.Cleanups {
		if c.Empties("") {
			return true
		}
		for _, e := range fs.EnvSets {
			if e.Value != "" && (c.Empties(e.Value) || c.File == e.File && deploy.EmptiesRelative(c.Target, e.Value)) {
				return true
			}
		}
	}
	return false
}
