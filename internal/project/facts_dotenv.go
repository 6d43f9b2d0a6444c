package project

import (
	"index/suffixarray"
	"path"
	"strings"
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
// compose env_file:, systemd EnvironmentFile=, a script that sources one, a
// Procfile runner (honcho and foreman read ./.env), or load_dotenv() in a
// gunicorn config.
type dotenvLoaders struct {
	procfile       bool            // some Procfile: its runner reads ./.env
	composeEnvFile bool            // some compose file has env_file:, which reads ./.env by default
	configLoads    bool            // some gunicorn config calls load_dotenv(), which reads any
	sourced        map[string]bool // base names of the files a script or Dockerfile sources
	// mentions indexes the texts that load a file whose base name occurs in
	// them: compose files with env_file: and EnvironmentFile= values. They
	// are joined by "/", which no base name holds, so an occurrence never
	// straddles two of them. Nil when there are none.
	mentions *suffixarray.Index
}

// findDotenvLoaders reads every file once for what loads env files.
func findDotenvLoaders(p *Project) *dotenvLoaders {
	l := &dotenvLoaders{sourced: map[string]bool{}}
	var mentions []string
	for _, f := range p.Files {
		switch f.Kind {
		case KindProcfile:
			l.procfile = true
		case KindCompose:
			if s := string(f.Src); strings.Contains(s, "env_file") {
				l.composeEnvFile = true
				mentions = append(mentions, s)
			}
		case KindSystemd:
			for _, ln := range logicalLines(f.Src) {
				if k, v, ok := strings.Cut(strings.TrimSpace(ln.Text), "="); ok && strings.TrimSpace(k) == "EnvironmentFile" {
					mentions = append(mentions, v)
				}
			}
		case KindShell, KindDockerfile:
			for _, ln := range logicalLines(f.Src) {
				words := ShellWords(ln.Text)
				for i, w := range words {
					if (w == "source" || w == ".") && i+1 < len(words) {
						l.sourced[path.Base(words[i+1])] = true
					}
				}
			}
		case KindPython:
			if f.Py != nil && isLoadedConfigFile(p, f) && len(f.Py.CallsTo("dotenv.load_dotenv")) > 0 {
				l.configLoads = true
			}
		}
	}
	if len(mentions) > 0 {
		l.mentions = suffixarray.New([]byte(strings.Join(mentions, "/")))
	}
	return l
}

// loads reports whether something loads an env file with that base name.
func (l *dotenvLoaders) loads(base string) bool {
	switch {
	case l.configLoads, l.sourced[base]:
		return true
	case base == ".env" && (l.procfile || l.composeEnvFile):
		return true
	}
	return l.mentions != nil && len(l.mentions.Lookup([]byte(base), 1)) > 0
}
