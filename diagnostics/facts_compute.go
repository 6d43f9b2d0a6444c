package diagnostics

import (
	"path"
	"strconv"
	"strings"
)

// computeFacts derives the project facts from every file. It reads only the
// files' loaded content.
func computeFacts(p *Project, info PyprojectInfo) *Facts {
	fs := &Facts{Requirements: map[string]*Requirement{}}
	addReq := func(r *Requirement) {
		if _, dup := fs.Requirements[r.Name]; !dup {
			fs.Requirements[r.Name] = r
		}
	}
	for _, f := range p.FilesOf(KindRequirements) {
		parseRequirements(f, addReq)
	}
	if f := p.File("pyproject.toml"); f != nil {
		for _, d := range info.Dependencies {
			if m := reqLine.FindStringSubmatch(d); m != nil {
				addReq(&Requirement{Name: NormalizeDist(m[1]), Spec: strings.TrimSpace(m[3]), Loc: Loc{f, findSpan(f, m[1])}})
			}
		}
	}

	var envs []envAssign
	for _, f := range p.Files {
		scanDeployFile(f, func(c *CommandLine) { fs.Commands = append(fs.Commands, c) }, func(e envAssign) { envs = append(envs, e) })
	}
	// GUNICORN_CMD_ARGS adds options to every gunicorn command line.
	for _, e := range envs {
		if e.Name == "GUNICORN_CMD_ARGS" {
			fs.Commands = append(fs.Commands, &CommandLine{File: e.Loc.File, Span: e.Loc.Span, Args: append([]string{"gunicorn"}, ShellWords(e.Value)...)})
		}
	}

	findConfigs(p, fs)
	findWorkers(p, fs, envs)
	findEnvSets(p, fs, envs)

	fs.Gunicorn = len(fs.Configs) > 0 || len(fs.Commands) > 0 || fs.Requirements["gunicorn"] != nil
	switch {
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
	fs.MultiWorker = fs.Gunicorn && (!fs.Workers.Known || fs.Workers.Expr || fs.Workers.Max > 1)

	usesMultiproc := false
	for _, f := range p.PythonFiles() {
		m := f.Py
		if len(m.ImportsFrom("prometheus_flask_exporter")) > 0 {
			fs.Flavour = "exporter"
		}
		if len(m.ImportsFrom("redis")) > 0 {
			fs.Redis = true
		}
		for _, c := range m.Calls {
			q := m.Qualify(c.Func)
			switch {
			case q == "flask.Flask":
				site := &AppSite{File: f, Call: c, Factory: c.Scope}
				fs.Apps = append(fs.Apps, site)
			case strings.HasSuffix(q, "MultiProcessCollector"), strings.Contains(q, "GunicornPrometheusMetrics"),
				strings.Contains(q, "GunicornInternalPrometheusMetrics"), strings.Contains(q, "MultiprocessPrometheusMetrics"),
				strings.Contains(q, "MultiprocessInternalPrometheusMetrics"):
				usesMultiproc = true
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
		fs.ClientVersion, fs.ClientMin, fs.ClientMax = versionBounds(r.Spec)
	}
	fs.Multiprocess = fs.MultiWorker || usesMultiproc || len(fs.EnvSets) > 0

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

func findSpan(f *File, s string) Span {
	i := strings.Index(string(f.Src), s)
	if i < 0 {
		return Span{}
	}
	return Span{i, i + len(s)}
}

// findConfigs applies gunicorn's rules: ./gunicorn.conf.py is read by
// default; any other file only through -c/--config.
func findConfigs(p *Project, fs *Facts) {
	named := map[string]bool{}
	for _, c := range fs.Commands {
		v, ok := c.Flag("-c", "--config")
		if !ok {
			continue
		}
		if strings.HasPrefix(v, "python:") {
			mod := strings.TrimPrefix(v, "python:")
			if f := p.ModuleFile(mod); f != nil {
				named[f.Path] = true
			}
			continue
		}
		v = strings.TrimPrefix(path.Clean(strings.ReplaceAll(v, "\\", "/")), "./")
		dir := path.Dir(c.File.Path)
		for _, cand := range []string{v, path.Join(dir, v), path.Base(v)} {
			if f := p.File(cand); f != nil {
				named[f.Path] = true
				break
			}
		}
		// Dockerfiles copy the project to a WORKDIR; match by the path's tail.
		if strings.HasPrefix(v, "/") {
			for _, f := range p.FilesOf(KindPython) {
				if strings.HasSuffix("/"+f.Path, "/"+path.Base(v)) && strings.HasSuffix(v, "/"+f.Path) {
					named[f.Path] = true
				}
			}
		}
	}
	for _, f := range p.PythonFiles() {
		base := path.Base(f.Path)
		switch {
		case named[f.Path]:
			fs.Configs = append(fs.Configs, &GunicornConfig{File: f, Loaded: true, Why: "named by -c"})
		case base == "gunicorn.conf.py":
			fs.Configs = append(fs.Configs, &GunicornConfig{File: f, Loaded: true, Why: "gunicorn's default config file"})
		case looksLikeGunicornConfig(f):
			fs.Configs = append(fs.Configs, &GunicornConfig{File: f, Loaded: false, Why: "gunicorn settings file"})
		}
	}
}

func findWorkers(p *Project, fs *Facts, envs []envAssign) {
	w := &fs.Workers
	note := func(n int, expr bool, loc *Loc, from string) {
		if !w.Known {
			w.Where, w.From = loc, from
		}
		w.Known = true
		if expr {
			w.Expr = true
		} else if n > w.Max {
			w.Max = n
		}
	}
	for _, c := range fs.Configs {
		if a := c.Setting("workers"); a != nil && a.Value != nil {
			n, err := strconv.Atoi(a.Value.Text)
			note(n, err != nil, &Loc{c.File, a.Span}, "config")
		}
	}
	for _, c := range fs.Commands {
		if v, ok := c.Flag("-w", "--workers"); ok {
			n, err := strconv.Atoi(v)
			note(n, err != nil, &Loc{c.File, c.Span}, "command line")
		}
	}
	for _, e := range envs {
		if e.Name == "WEB_CONCURRENCY" {
			n, err := strconv.Atoi(e.Value)
			note(n, err != nil, &e.Loc, "WEB_CONCURRENCY")
		}
	}
}

func findEnvSets(p *Project, fs *Facts, envs []envAssign) {
	dotenvLoaded := len(p.FilesOf(KindProcfile)) > 0 // Procfile runners (honcho, foreman) load .env
	for _, f := range p.Files {
		s := string(f.Src)
		switch f.Kind {
		case KindCompose:
			if strings.Contains(s, "env_file") {
				dotenvLoaded = true
			}
		case KindSystemd:
			if strings.Contains(s, "EnvironmentFile") {
				dotenvLoaded = true
			}
		case KindShell:
			if strings.Contains(s, "source .env") || strings.Contains(s, ". ./.env") || strings.Contains(s, ". .env") || strings.Contains(s, "set -a") {
				dotenvLoaded = true
			}
		}
	}
	for _, c := range fs.Configs {
		if len(c.File.Py.CallsTo("dotenv.load_dotenv")) > 0 {
			dotenvLoaded = true
		}
	}
	for _, e := range envs {
		if e.Name != EnvVar && e.Name != LegacyEnvVar {
			continue
		}
		reaches := e.How != "dotenv" || dotenvLoaded
		fs.EnvSets = append(fs.EnvSets, &EnvSet{Loc: e.Loc, Name: e.Name, How: e.How, Value: e.Value, ReachesMaster: reaches})
	}
	for _, f := range p.PythonFiles() {
		isConfig := fs.IsConfig(f)
		for _, set := range pythonEnvSets(f) {
			set.ReachesMaster = isConfig
			if isConfig {
				set.How = "gunicorn config"
			} else {
				set.How = "app code"
			}
			fs.EnvSets = append(fs.EnvSets, set)
		}
		if isConfig {
			if a := (&GunicornConfig{File: f}).Setting("raw_env"); a != nil && a.Value != nil {
				for _, el := range a.Value.Elems {
					for _, name := range []string{EnvVar, LegacyEnvVar} {
						if el.IsStr && strings.HasPrefix(el.Str, name+"=") {
							fs.EnvSets = append(fs.EnvSets, &EnvSet{Loc: Loc{f, el.Span}, Name: name, How: "raw_env", Value: strings.TrimPrefix(el.Str, name+"="), ReachesMaster: true})
						}
					}
				}
			}
		}
	}
}

// pythonEnvSets finds os.environ[NAME] = v, os.environ.setdefault(NAME, v),
// os.environ.update(...) mentioning NAME and os.putenv(NAME, v).
func pythonEnvSets(f *File) []*EnvSet {
	var out []*EnvSet
	m := f.Py
	for _, a := range m.Assigns {
		for _, name := range []string{EnvVar, LegacyEnvVar} {
			q := m.Qualify(a.Target)
			if (strings.HasPrefix(q, "os.environ[") || strings.HasPrefix(q, "environ[")) && (strings.Contains(a.Target, `"`+name+`"`) || strings.Contains(a.Target, `'`+name+`'`)) {
				val := ""
				if a.Value != nil {
					val = a.Value.Str
				}
				out = append(out, &EnvSet{Loc: Loc{f, a.Span}, Name: name, Value: val})
			}
		}
	}
	for _, c := range m.Calls {
		q := m.Qualify(c.Func)
		if q != "os.environ.setdefault" && q != "os.putenv" && q != "os.environ.update" {
			continue
		}
		for _, name := range []string{EnvVar, LegacyEnvVar} {
			first := c.Positional(0)
			hit := first != nil && first.IsStr && first.Str == name
			if q == "os.environ.update" {
				hit = strings.Contains(f.Text(c.ArgsSpan), name)
			}
			if hit {
				val := ""
				if v := c.Positional(1); v != nil {
					val = v.Str
				}
				out = append(out, &EnvSet{Loc: Loc{f, c.StmtSpan}, Name: name, Value: val})
			}
		}
	}
	return out
}
