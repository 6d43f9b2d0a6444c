package project

import (
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
)

// UwsgiServer is a uWSGI server the project starts (see deploy.UwsgiServer)
// and the file that starts it. Its options are all uWSGI reads, in its order
// (the last wins): UWSGI_* variables, the command line, the file it loads.
type UwsgiServer struct {
	File *File
	*deploy.UwsgiServer
	files map[string]*File // the files options come from besides File, by path
	env   []envAssign      // the environment its command line alone gets (UWSGI_PROCESSES=4 uwsgi …)
}

// FileOf is the file that sets an option of the server.
func (u *UwsgiServer) FileOf(o deploy.Option) *File {
	if f := u.files[o.File]; f != nil {
		return f
	}
	return u.File
}

// findUwsgi collects the uWSGI configurations and the start-up command
// lines that run uwsgi. A command that loads a configuration of the project
// (uwsgi /etc/app/uwsgi.ini, followed through the image's COPY) is one
// server with it. Every server reads the UWSGI_* variables that reach it.
func findUwsgi(p *Project, envs []envAssign, reach *envReach) []*UwsgiServer {
	var out []*UwsgiServer
	byConfig := map[*File]*UwsgiServer{}
	var commands []*UwsgiServer
	for _, f := range p.Files {
		if m := f.Deploy(); m != nil {
			for _, s := range deploy.UwsgiServers(m) {
				u := &UwsgiServer{File: f, UwsgiServer: s, files: map[string]*File{}}
				out = append(out, u)
				if s.FromCommand {
					for _, a := range s.Command.Env {
						u.env = append(u.env, envAssign{a.Name, a.Value, Loc{f, a.Span}, a.How})
					}
					commands = append(commands, u)
				} else if byConfig[f] == nil {
					byConfig[f] = u
				}
			}
		}
	}
	loaded := map[*UwsgiServer]bool{}
	for _, c := range commands {
		cl := &CommandLine{File: c.File, Span: c.Command.Span, Args: c.Command.Args, Dir: c.Command.Dir, Unit: c.Command.Unit}
		var cfg *UwsgiServer
		_, merged := c.Loading(c.File.Path, func(v string) *deploy.UwsgiServer {
			if cfg = byConfig[resolvePath(p, cl, v, KindUwsgi)]; cfg == nil || loaded[cfg] {
				cfg = nil
				return nil
			}
			return cfg.UwsgiServer
		})
		if merged == nil {
			continue
		}
		// The configuration's server stands for both (a fix edits the file).
		cfg.UwsgiServer, cfg.env = merged, c.env
		cfg.files[c.File.Path] = c.File
		loaded[c], loaded[cfg] = true, true
	}
	var kept []*UwsgiServer
	for _, u := range out {
		if loaded[u] && u.FromCommand {
			continue
		}
		var env []deploy.Option
		// An ini's env = lines come after uWSGI read its environment's options.
		for _, e := range append(envs[:len(envs):len(envs)], u.env...) {
			if opt, ok := deploy.UwsgiEnvOption(e.Name); ok && reach.reaches(e) && !strings.HasPrefix(e.How, "uWSGI") {
				env = append(env, deploy.Option{Name: opt, Value: e.Value, Span: e.Loc.Span, File: e.Loc.File.Path})
				u.files[e.Loc.File.Path] = e.Loc.File
			}
		}
		u.UwsgiServer = u.WithEnv(env)
		kept = append(kept, u)
	}
	return kept
}

// uwsgiAnchor is where a finding about something missing from a uWSGI
// project goes: the first processes setting, else the first server.
func (fs *Facts) uwsgiAnchor() *Loc {
	for _, u := range fs.Uwsgi {
		if _, _, o := u.Processes(); o != nil {
			return &Loc{u.FileOf(*o), o.Span}
		}
	}
	return &Loc{fs.Uwsgi[0].File, fs.Uwsgi[0].Span}
}
