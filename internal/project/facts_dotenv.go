package project

import (
	"path"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/frameworks"
)

// envReach answers, for the assignments of one computeFacts call, whether
// each is in gunicorn's environment. What loads .env files is gathered on
// the first dotenv assignment asked about and kept: gathering it again for
// every assignment re-split every script, Dockerfile and unit per .env
// file, which made a project of many .env files quadratic. Not safe for
// concurrent use; computeFacts runs on one goroutine.
type envReach struct {
	p       *Project
	loaders *dotenvLoaders // nil until a dotenv assignment is asked about
}

// reaches reports whether an assignment found in a deploy file is in
// gunicorn's environment: everything but a .env file that nothing loads
// (gunicorn itself never reads .env).
func (r *envReach) reaches(e envAssign) bool {
	if e.How != "dotenv" {
		return true
	}
	if r.loaders == nil {
		r.loaders = findDotenvLoaders(r.p)
	}
	return r.loaders.loads(path.Base(e.Loc.File.Path))
}

// dotenvLoaders is what the project's files say about loading env files:
// compose env_file:, systemd EnvironmentFile=, a script that sources one,
// docker run --env-file, uvicorn --env-file, a Procfile runner (honcho and foreman read ./.env),
// or load_dotenv() in a gunicorn config.
type dotenvLoaders struct {
	procfile       bool            // some Procfile: its runner reads ./.env
	composeEnvFile bool            // some compose file has env_file:, which reads ./.env by default
	configLoads    bool            // some gunicorn config calls load_dotenv(), which reads any
	named          map[string]bool // base names of the env files deploy files load
}

// findDotenvLoaders reads every file's start-up model once for what loads
// env files.
func findDotenvLoaders(p *Project) *dotenvLoaders {
	l := &dotenvLoaders{named: map[string]bool{}}
	for _, f := range p.Files {
		switch f.Kind {
		case KindProcfile:
			l.procfile = true
		case KindPython:
			if f.Py != nil && isLoadedConfigFile(p, f) && len(f.Py.CallsTo("dotenv.load_dotenv")) > 0 {
				l.configLoads = true
			}
			continue
		}
		m := f.Deploy()
		if m == nil {
			continue
		}
		for _, c := range m.Commands {
			// uvicorn --env-file loads the file (python-dotenv) in its
			// parent process, before it spawns the workers.
			if args := frameworks.ServerArgs(c.Args, "uvicorn"); c.Phase == deploy.AtStart && args != nil {
				if v, ok := (&CommandLine{Args: args}).Flag("--env-file", "--env-file"); ok {
					l.named[path.Base(v)] = true
				}
			}
		}
		for _, r := range m.EnvFiles {
			if r.Phase != deploy.AtStart {
				continue // sourced while building the image: not in the server's environment
			}
			l.named[path.Base(r.Path)] = true
			if f.Kind == KindCompose {
				l.composeEnvFile = true
			}
		}
	}
	return l
}

// loads reports whether something loads an env file with that base name.
func (l *dotenvLoaders) loads(base string) bool {
	switch {
	case l.configLoads, l.named[base]:
		return true
	case base == ".env" && (l.procfile || l.composeEnvFile):
		return true
	}
	return false
}
