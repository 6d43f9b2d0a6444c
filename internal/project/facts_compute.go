package project

import (
	"path"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/deps"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// computeFacts derives the project facts from every file. It reads only the
// files' loaded content.
func computeFacts(p *Project, info config.PyprojectInfo) *Facts {
	fs := &Facts{Requirements: map[string]*Requirement{}}
	addReq := func(r *Requirement) {
		if _, dup := fs.Requirements[r.Name]; !dup {
			fs.Requirements[r.Name] = r
		}
	}
	readDependencies(p, info.Dependencies, addReq)

	var envs []envAssign
	reach := &envReach{p: p}
	for _, f := range p.Files {
		scanDeployFile(f, func(c *CommandLine) {
			if c.Args[0] == "uvicorn" {
				fs.Uvicorn = append(fs.Uvicorn, c)
			} else {
				fs.Commands = append(fs.Commands, c)
			}
		}, func(e envAssign) { envs = append(envs, e) })
	}
	fs.Uvicorn = append(fs.Uvicorn, pythonUvicornRuns(p)...)
	// GUNICORN_CMD_ARGS adds options to every gunicorn command line
	// (gunicorn parses it after the real command line, which wins).
	for _, e := range envs {
		if e.Name == "GUNICORN_CMD_ARGS" && reach.reaches(e) {
			// gunicorn splits the value with shlex, as a shell would.
			words, err := deploy.Words(e.Value)
			if err != nil {
				continue
			}
			fs.CmdArgs = append(fs.CmdArgs, &CommandLine{File: e.Loc.File, Span: e.Loc.Span, Args: append([]string{"gunicorn"}, words...), FromEnv: true})
		}
	}
	fs.Standalone = standaloneModules(p)
	for path := range mainServerScripts(p, fs.Commands, fs.Uvicorn) {
		fs.Standalone[path] = true
	}
	// The module a uvicorn command (or a script's uvicorn.run("module:app"))
	// serves is the app, even when it also starts uvicorn under its own main
	// guard, or is that script.
	for _, c := range fs.Uvicorn {
		for _, a := range c.Args[1:] {
			if mod, _, _ := strings.Cut(a, ":"); !strings.HasPrefix(a, "-") && mod != "" {
				if f := servedModule(p, c, mod); f != nil {
					delete(fs.Standalone, f.Path)
				}
			}
		}
	}
	fs.Cleanups = findCleanups(p)

	findConfigs(p, fs)
	fs.indexConfigs()
	findWorkers(p, fs, envs, reach)
	findEnvSets(p, fs, envs, reach)

	// gunicorn as a requirement alone is weak evidence: a project that
	// starts its app with uvicorn and never with gunicorn runs uvicorn.
	fs.Gunicorn = len(fs.Configs) > 0 || len(fs.Commands) > 0 || len(fs.CmdArgs) > 0 ||
		fs.Requirements["gunicorn"] != nil && len(fs.Uvicorn) == 0 && !runsUvicornInPython(p)
	switch {
	case !fs.Gunicorn:
	case len(fs.Configs) > 0:
		fs.GunicornEvidence = "gunicorn config " + fs.Configs[0].File.Path
	case len(fs.Commands) > 0:
		fs.GunicornEvidence = "gunicorn command line in " + fs.Commands[0].File.Path
	case fs.Requirements["gunicorn"] != nil:
		fs.GunicornEvidence = "gunicorn in " + fs.Requirements["gunicorn"].Loc.File.Path
	}
	if p.Settings.Workers != nil {
		n := *p.Settings.Workers
		fs.Workers = Workers{Known: true, Max: n, From: "settings"}
	}
	fs.UvicornMulti = uvicornMultiWorker(fs, envs, reach)
	fs.MultiWorker = fs.Gunicorn && (!fs.Workers.Known || fs.Workers.Expr || fs.Workers.Max > 1) || len(fs.UvicornMulti) > 0
	// uWSGI serves with one process unless told otherwise (no
	// WEB_CONCURRENCY): only a count above 1, or one not known here, counts.
	fs.Uwsgi = findUwsgi(p, envs, reach)
	if len(fs.Uwsgi) > 0 && len(fs.Configs)+len(fs.Commands)+len(fs.CmdArgs) == 0 {
		fs.MultiWorker = len(fs.UvicornMulti) > 0 // gunicorn is only required: uWSGI serves
	}
	for _, u := range fs.Uwsgi {
		fs.MultiWorker = fs.MultiWorker || u.MultiWorker()
	}
	if fs.Workers.From == "settings" {
		fs.MultiWorker = (fs.Gunicorn || len(fs.Uvicorn) > 0 || len(fs.Uwsgi) > 0) && fs.Workers.Max > 1
	}

	findDjango(p, fs)
	usesMultiproc := false
	for _, f := range p.PythonFiles() {
		m := f.Py
		dg := f.digest()
		if dg.importsExporter {
			fs.Flavour = "exporter"
		}
		if !IsTestFile(f) && (dg.importsExporter || dg.importsClient || dg.importsASGIExporter) {
			fs.Prometheus = true
		}
		if dg.importsRedis {
			fs.Redis = true
		}
		for _, c := range m.Select(appOrMultiprocCalls) {
			q := c.Qualified()
			switch fw, isApp := frameworks.AppClasses[q]; {
			case isApp:
				fs.Apps = append(fs.Apps, &AppSite{File: f, Call: c, Factory: c.Scope, Framework: fw})
			case strings.HasSuffix(q, "MultiProcessValue") && byWorkerID(c) && !IsTestFile(f):
				fs.FilesByWorkerID = &Loc{f, c.Span()}
			case multiprocCallee(q):
				// Code that only runs when the variable is set (the gated
				// snippets) does not make a project multiprocess by itself;
				// neither do tests or separately run scripts.
				if !EnvGate(f, c).WhenSet && !IsTestFile(f) && !fs.Standalone[f.Path] {
					usesMultiproc = true
				}
			}
		}
	}
	if fs.Requirements["prometheus-flask-exporter"] != nil {
		fs.Flavour = "exporter"
	}
	if fs.Flavour == "" {
		fs.Flavour = "raw"
	}
	if p.Settings.Flavour != "" {
		fs.Flavour = p.Settings.Flavour
	}
	if fs.Requirements["redis"] != nil {
		fs.Redis = true
	}
	if p.Settings.Redis != nil {
		fs.Redis = *p.Settings.Redis
	}
	if r := fs.Requirements["prometheus-client"]; r != nil {
		fs.ClientVersion, fs.ClientMin, fs.ClientMax = deps.VersionBounds(r.Spec)
	}
	if fs.Requirements["prometheus-client"] != nil || fs.Requirements["prometheus-flask-exporter"] != nil ||
		fs.Requirements["prometheus-fastapi-instrumentator"] != nil || fs.Requirements["starlette-exporter"] != nil ||
		fs.Requirements["django-prometheus"] != nil || fs.DjangoExporter() {
		fs.Prometheus = true
	}
	// Several workers make a project multiprocess only when it has metrics:
	// a Flask app without Prometheus has no files to aggregate (MP102 says so).
	fs.Multiprocess = (fs.MultiWorker && fs.Prometheus) || usesMultiproc || len(fs.EnvSets) > 0

	switch {
	case p.Settings.ApplicationTag != "":
		fs.AppTag = p.Settings.ApplicationTag
	case info.Name != "":
		fs.AppTag = info.Name
	default:
		fs.AppTag = path.Base(strings.ReplaceAll(p.Root, "\\", "/"))
	}
	return fs
}

// servedModule is the file of the module a server command names: beside
// the directory it runs in (a cd, WORKDIR, the script's own folder), else as
// the project resolves module names.
func servedModule(p *Project, c *CommandLine, mod string) *File {
	rel := strings.ReplaceAll(mod, ".", "/")
	dir := path.Dir(c.File.Path) // a relative Dir is from the file's folder
	if !path.IsAbs(c.Dir) {
		dir = path.Join(dir, c.Dir)
	}
	for _, cand := range []string{path.Join(dir, rel+".py"), path.Join(dir, rel, "__init__.py")} {
		if f := p.File(cand); f != nil && f.Kind == KindPython {
			return f
		}
	}
	return p.ModuleFile(mod)
}

// uvicornMultiWorker returns the uvicorn command lines that start several
// worker processes (frameworks.UvicornWorkers), their variables looked up in
// the environment the deploy files give.
func uvicornMultiWorker(fs *Facts, envs []envAssign, reach *envReach) []*CommandLine {
	lookup := func(name string) (string, bool) {
		for _, e := range envs {
			if e.Name == name && reach.reaches(e) {
				return e.Value, true
			}
		}
		return "", false
	}
	// uvicorn.run reads WEB_CONCURRENCY but not UVICORN_WORKERS (click's).
	pyLookup := func(name string) (string, bool) {
		if name == "UVICORN_WORKERS" {
			return "", false
		}
		return lookup(name)
	}
	var out []*CommandLine
	for _, c := range fs.Uvicorn {
		look := lookup
		if c.File.Kind == KindPython {
			look = pyLookup
		}
		if n, expr := frameworks.UvicornWorkers(c.Args, look); expr || n > 1 {
			out = append(out, c)
		}
	}
	return out
}

func findSpan(f *File, s string) source.Span {
	i := strings.Index(string(f.Src), s)
	if i < 0 {
		return source.Span{}
	}
	return source.Span{Start: i, End: i + len(s)}
}

// findConfigs applies gunicorn's rules (app/base.py load_config): the file
// named by -c/--config (command line first, then GUNICORN_CMD_ARGS) is read,
// and only when neither names one, ./gunicorn.conf.py of the working
// directory. "python:mod" names a module, "file:x" a file.
func findConfigs(p *Project, fs *Facts) {
	named := map[string]bool{}
	envConfig := ""
	for _, c := range fs.CmdArgs {
		if v, ok := c.Flag("-c", "--config"); ok {
			envConfig = v
			if f := resolveConfigPath(p, c, v); f != nil {
				named[f.Path] = true
			}
		}
	}
	// defaultDirs are the working directories of command lines that read
	// ./gunicorn.conf.py (no -c anywhere); "" is the project root.
	defaultDirs := map[string]bool{}
	for _, c := range fs.Commands {
		v, ok := c.Flag("-c", "--config")
		if !ok {
			if envConfig == "" {
				defaultDirs[commandDir(c)] = true
			}
			continue
		}
		if f := resolveConfigPath(p, c, v); f != nil {
			named[f.Path] = true
		}
	}
	// Without any known command line the default file is assumed read.
	noCommands := len(fs.Commands) == 0 && envConfig == ""
	for _, f := range p.PythonFiles() {
		base := path.Base(f.Path)
		dir := path.Dir(f.Path)
		if dir == "." {
			dir = ""
		}
		switch {
		case named[f.Path]:
			fs.Configs = append(fs.Configs, &GunicornConfig{File: f, Loaded: true, Why: "named by -c"})
		case base == "gunicorn.conf.py":
			loaded := defaultDirs[dir] || (noCommands && !IsTestFile(f))
			why := "gunicorn's default config file"
			if !loaded {
				why = "gunicorn.conf.py that no known command line reads (they name another file with -c, or run elsewhere)"
			}
			fs.Configs = append(fs.Configs, &GunicornConfig{File: f, Loaded: loaded, Why: why})
		case looksLikeGunicornConfig(f) && !IsTestFile(f):
			fs.Configs = append(fs.Configs, &GunicornConfig{File: f, Loaded: false, Why: "gunicorn settings file"})
		}
	}
}

// commandDir is the directory a command line runs gunicorn from: the
// directory of the file that holds it (Dockerfiles copy the build context to
// their WORKDIR, which is the same tree).
func commandDir(c *CommandLine) string {
	d := path.Dir(c.File.Path)
	if d == "." {
		return ""
	}
	return d
}

// resolveConfigPath finds the project file a -c value names. A command
// that runs in an image (a Dockerfile's CMD, a compose service built from
// a Dockerfile) names a path of the image: it is followed back through the
// Dockerfile's WORKDIR and COPY steps to the repository file.
func resolveConfigPath(p *Project, c *CommandLine, v string) *File {
	if mod, ok := strings.CutPrefix(v, "python:"); ok {
		return p.ModuleFile(mod)
	}
	return resolvePath(p, c, strings.TrimPrefix(v, "file:"), KindPython)
}

// resolvePath finds the project file of the kind a start-up command line's
// path names: through its image, its working directory, the longest project
// path ending an absolute one, or the file of that name beside it.
func resolvePath(p *Project, c *CommandLine, v string, kind Kind) *File {
	if f := imageFile(p, c, v, kind); f != nil {
		return f
	}
	v = strings.TrimPrefix(path.Clean(strings.ReplaceAll(v, "\\", "/")), "./")
	dir := commandDir(c)
	for _, cand := range []string{path.Join(dir, v), v} {
		if f := p.File(cand); f != nil && f.Kind == kind {
			return f
		}
	}
	if strings.HasPrefix(v, "/") {
		if f := longestSuffix(p, v, kind); f != nil {
			return f
		}
		// A host path (/opt/app/gunicorn.py in a systemd unit or a
		// supervisord program) names the file that the deploy folder
		// holding the command ships beside it.
		if f := p.File(path.Join(dir, path.Base(v))); f != nil && f.Kind == kind {
			return f
		}
	}
	return nil
}

// longestSuffix resolves an absolute path inside an image
// (/app/conf/gunicorn.py) to the longest project path of the kind that ends it
// after a slash. The suffixes are looked up from the longest down, a map
// lookup each: matching the value against every Python file, for every
// command line, made a monorepo of services quadratic. Paths are unique, so
// the longest match is the one file a walk would have kept.
func longestSuffix(p *Project, abs string, kind Kind) *File {
	for i := 0; i < len(abs); i++ {
		if abs[i] != '/' {
			continue
		}
		if f := p.byPath[abs[i+1:]]; f != nil && f.Kind == kind {
			return f
		}
	}
	return nil
}

// findWorkers resolves the worker count the way gunicorn does: the command
// line wins over GUNICORN_CMD_ARGS, which wins over the config file, whose
// `workers` wins over WEB_CONCURRENCY (only the setting's default). Each
// known command line is resolved on its own; without one, the configs and
// WEB_CONCURRENCY are what the project says.
func findWorkers(p *Project, fs *Facts, envs []envAssign, reach *envReach) {
	w := &fs.Workers
	note := func(n int, expr bool, loc *Loc, from string) {
		if !w.Known && !w.Expr {
			w.Where, w.From = loc, from
		}
		if expr {
			w.Expr = true
		} else if n > w.Max {
			w.Max = n
		}
	}
	unknown := false
	configWorkers := func(cfg *GunicornConfig) (int, bool, *Loc, bool) {
		a := cfg.Setting("workers")
		if a == nil || a.Value == nil {
			return 0, false, nil, false
		}
		n, err := strconv.Atoi(a.Value.Text)
		return n, err != nil, &Loc{cfg.File, a.Span}, true
	}
	var webConc *envAssign
	for i := range envs {
		if envs[i].Name == "WEB_CONCURRENCY" && reach.reaches(envs[i]) {
			webConc = &envs[i]
			break
		}
	}
	fromEnv := func() bool {
		if webConc == nil {
			return false
		}
		n, err := strconv.Atoi(webConc.Value)
		note(n, err != nil, &webConc.Loc, "WEB_CONCURRENCY")
		return true
	}
	var envArgs *CommandLine
	if len(fs.CmdArgs) > 0 {
		envArgs = fs.CmdArgs[0]
	}
	resolve := func(cfg *GunicornConfig, cmd *CommandLine) {
		if cmd != nil {
			if v, ok := cmd.Flag("-w", "--workers"); ok {
				n, err := strconv.Atoi(v)
				note(n, err != nil, &Loc{cmd.File, cmd.Span}, "command line")
				return
			}
		}
		if envArgs != nil {
			if v, ok := envArgs.Flag("-w", "--workers"); ok {
				n, err := strconv.Atoi(v)
				note(n, err != nil, &Loc{envArgs.File, envArgs.Span}, "command line")
				return
			}
		}
		if cfg != nil {
			if n, expr, loc, ok := configWorkers(cfg); ok {
				note(n, expr, loc, "config")
				return
			}
		}
		if !fromEnv() {
			unknown = true
		}
	}
	if len(fs.Commands) > 0 {
		for _, c := range fs.Commands {
			resolve(fs.configOf(c), c)
		}
	} else {
		var loaded []*GunicornConfig
		for _, c := range fs.Configs {
			if c.Loaded {
				loaded = append(loaded, c)
			}
		}
		if len(loaded) == 0 {
			resolve(nil, nil)
		}
		for _, c := range loaded {
			resolve(c, nil)
		}
	}
	w.Known = !unknown
}

// ConfigOf returns the config a command line loads, or nil.
func (fs *Facts) ConfigOf(c *CommandLine) *GunicornConfig { return fs.configOf(c) }

func (fs *Facts) configOf(c *CommandLine) *GunicornConfig {
	want := ""
	if v, ok := c.Flag("-c", "--config"); ok {
		want = v
	} else if len(fs.CmdArgs) > 0 {
		want, _ = fs.CmdArgs[0].Flag("-c", "--config")
	}
	for _, cfg := range fs.Configs {
		if !cfg.Loaded {
			continue
		}
		base := path.Base(cfg.File.Path)
		switch {
		case want == "" && base == "gunicorn.conf.py" && path.Dir(cfg.File.Path) == path.Dir(c.File.Path):
			return cfg
		case want != "" && cfg.Why == "named by -c" && (strings.HasSuffix(strings.TrimPrefix(want, "file:"), base) ||
			strings.TrimPrefix(want, "python:") == cfg.File.ModuleName()):
			return cfg
		}
	}
	return nil
}

func findEnvSets(p *Project, fs *Facts, envs []envAssign, reach *envReach) {
	for _, e := range envs {
		if e.Name != EnvVar && e.Name != LegacyEnvVar {
			continue
		}
		fs.EnvSets = append(fs.EnvSets, &EnvSet{Loc: e.Loc, Name: e.Name, How: e.How, Value: e.Value, ReachesMaster: reach.reaches(e)})
	}
	for _, f := range p.PythonFiles() {
		if IsTestFile(f) {
			// conftest.py setting the variable configures the test run, not
			// the deployment.
			continue
		}
		cfg := fs.ConfigFor(f)
		for _, set := range pythonEnvSets(f) {
			set.ReachesMaster = cfg != nil && cfg.Loaded
			switch {
			case cfg != nil:
				set.How = "gunicorn config"
			case fs.Standalone[f.Path]:
				set.How = "script"
			default:
				set.How = "app code"
			}
			fs.EnvSets = append(fs.EnvSets, set)
		}
		if cfg != nil {
			if a := cfg.Setting("raw_env"); a != nil && a.Value != nil {
				for _, el := range a.Value.Elements() {
					for _, name := range []string{EnvVar, LegacyEnvVar} {
						if el.IsStr() && strings.HasPrefix(el.Str(), name+"=") {
							fs.EnvSets = append(fs.EnvSets, &EnvSet{Loc: Loc{f, el.Span()}, Name: name, How: "raw_env", Value: strings.TrimPrefix(el.Str(), name+"="), ReachesMaster: cfg.Loaded})
						}
					}
				}
			}
		}
	}
}

// isLoadedConfigFile is a cheap test used while the facts are being built
// (before Configs is complete): the default config or a settings file.
func isLoadedConfigFile(p *Project, f *File) bool {
	return path.Base(f.Path) == "gunicorn.conf.py" || looksLikeGunicornConfig(f)
}

// pythonEnvSets finds os.environ[NAME] = v, os.environ.setdefault(NAME, v),
// os.environ.update(...) mentioning NAME and os.putenv(NAME, v).
var (
	appOrMultiprocCalls = python.QualifiedCallees(appOrMultiprocCallee)
	envSetCalls         = python.QualifiedCallees(envSetCallee)
)

// appOrMultiprocCallee: the callees computeFacts looks for.
func appOrMultiprocCallee(q string) bool {
	_, isApp := frameworks.AppClasses[q]
	return isApp || multiprocCallee(q) || strings.HasSuffix(q, "MultiProcessValue")
}

// byWorkerID: MultiProcessValue's process_identifier is uWSGI's worker id.
func byWorkerID(c *python.Call) bool {
	a := c.Keyword("process_identifier")
	if args := c.Arguments(); a == nil && len(args) > 0 && args[0].Name == "" {
		a = args[0]
	}
	return a != nil && a.Value != nil && strings.Contains(a.Value.Text, "worker_id")
}

// multiprocCallee: a multiprocess collector or exporter class.
func multiprocCallee(q string) bool {
	return strings.HasSuffix(q, "MultiProcessCollector") || strings.Contains(q, "GunicornPrometheusMetrics") ||
		strings.Contains(q, "GunicornInternalPrometheusMetrics") || strings.Contains(q, "MultiprocessPrometheusMetrics") ||
		strings.Contains(q, "MultiprocessInternalPrometheusMetrics")
}

// envSetCallee: the calls that set an environment variable.
func envSetCallee(q string) bool {
	return q == "os.environ.setdefault" || q == "os.putenv" || q == "os.environ.update"
}

func pythonEnvSets(f *File) []*EnvSet {
	var out []*EnvSet
	m := f.Py
	for _, k := range f.digest().envAssigns {
		a := m.Assigns[k]
		i := strings.IndexByte(a.Target, '[')
		// Qualify the subscripted name: E["X"] with `from os import environ as E`.
		q := m.Qualify(a.Target[:i]) + a.Target[i:]
		for _, name := range []string{EnvVar, LegacyEnvVar} {
			if (strings.HasPrefix(q, "os.environ[") || strings.HasPrefix(q, "environ[")) && (strings.Contains(a.Target, `"`+name+`"`) || strings.Contains(a.Target, `'`+name+`'`)) {
				val := ""
				if a.Value != nil {
					val = a.Value.Str()
				}
				out = append(out, &EnvSet{Loc: Loc{f, a.Span}, Name: name, Value: val})
			}
		}
	}
	for _, c := range m.Select(envSetCalls) {
		q := c.Qualified()
		for _, name := range []string{EnvVar, LegacyEnvVar} {
			first := c.Positional(0)
			hit := first != nil && first.IsStr() && first.Str() == name
			if q == "os.environ.update" {
				hit = strings.Contains(f.Text(c.ArgListSpan()), name)
			}
			if hit {
				val := ""
				if v := c.Positional(1); v != nil {
					val = v.Str()
				}
				out = append(out, &EnvSet{Loc: Loc{f, c.StatementSpan()}, Name: name, Value: val})
			}
		}
	}
	return out
}
