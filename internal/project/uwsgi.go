package project

import (
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
)

// UwsgiServer is a uWSGI server the project starts (see
// deploy.UwsgiServer) and the file that starts it. Its options are all
// uWSGI reads, in uWSGI's order (the last setting wins): the UWSGI_*
// variables of its environment, then its command line, with the options
// of the configuration file the command loads where the command names it.
type UwsgiServer struct {
	File *File
	*deploy.UwsgiServer
	files map[string]*File // the files options come from besides File, by path
	env   []envAssign      // the environment its command line alone gets (UWSGI_PROCESSES=4 uwsgi …)
}

// FileOf is the file that sets an option of the server.
func (u *UwsgiServer) FileOf(o deploy.Option) *File {
	if f := u.files[o.File]; o.File != "" && f != nil {
		return f
	}
	return u.File
}

// findUwsgi collects the uWSGI configurations and the start-up command
// lines that run uwsgi. A command that loads a configuration of the
// project (uwsgi /etc/app/uwsgi.ini in a supervisord program, followed
// through the image's COPY) is one server with it: the configuration's,
// with the command's other options after its own. Every server gets the
// UWSGI_* variables of the environment that reaches it before its own
// options (uWSGI reads them first, so a file's setting wins).
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
		var opts []deploy.Option
		for _, o := range c.own() {
			opts = append(opts, o)
			if o.Name != "ini" && o.Name != "yaml" || cfg != nil {
				continue
			}
			// uWSGI reads the file where the command names it: what
			// follows it on the command line wins over it.
			if cfg = byConfig[resolvePath(p, cl, o.Value, KindUwsgi)]; cfg != nil && !loaded[cfg] {
				opts = append(opts, cfg.Options...)
			} else {
				cfg = nil
			}
		}
		if cfg == nil {
			continue
		}
		// The configuration's server stands for both: a fix edits the
		// file, and the command's own options still count.
		merged := *cfg.UwsgiServer
		merged.Options = opts
		cfg.UwsgiServer = &merged
		cfg.files[c.File.Path] = c.File
		cfg.env = c.env
		loaded[c], loaded[cfg] = true, true
	}
	kept := out[:0]
	for _, u := range out {
		if !loaded[u] || !u.FromCommand {
			kept = append(kept, u)
		}
	}
	for _, u := range kept {
		u.addEnv(envs, reach)
	}
	return kept
}

// own returns the server's options, each naming the server's file.
func (u *UwsgiServer) own() []deploy.Option {
	out := make([]deploy.Option, 0, len(u.Options))
	for _, o := range u.Options {
		if o.File == "" {
			o.File = u.File.Path
		}
		out = append(out, o)
	}
	return out
}

// addEnv puts the UWSGI_<OPTION> variables that reach the server before
// its options.
func (u *UwsgiServer) addEnv(envs []envAssign, reach *envReach) {
	var env []deploy.Option
	add := func(name, value string, at Loc) {
		if opt, ok := deploy.UwsgiEnvOption(name); ok {
			env = append(env, deploy.Option{Name: opt, Value: value, Span: at.Span, File: at.File.Path})
			u.files[at.File.Path] = at.File
		}
	}
	for _, e := range envs {
		// An env = line of a uWSGI configuration is set after uWSGI read
		// its environment's options.
		if reach.reaches(e) && !strings.HasPrefix(e.How, "uWSGI") {
			add(e.Name, e.Value, e.Loc)
		}
	}
	for _, e := range u.env {
		add(e.Name, e.Value, e.Loc)
	}
	if len(env) == 0 {
		return
	}
	s := *u.UwsgiServer
	s.Options = append(env, s.Options...)
	u.UwsgiServer = &s
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
