package project

import (
	"path"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/source"
)

// UwsgiServer is a uWSGI instance the project starts: a uWSGI configuration
// file (an ini [uwsgi] section, a YAML uwsgi: mapping) or a command line
// that runs uwsgi with options (`uwsgi --http :8000 --processes 4 --master
// --module app:app`). A command line that only names a file (--ini) adds
// nothing of its own: the file is a server here too.
type UwsgiServer struct {
	File    *File
	Span    source.Span     // the command line; the [uwsgi] header or uwsgi: key of a file
	Options []deploy.Option // in order; a command line's all span the command
	// FromCommand is true for a command line, false for a file.
	FromCommand bool
}

// Option returns the last setting of any of the names (aliases of one
// option), and whether one is set.
func (u *UwsgiServer) Option(names ...string) (deploy.Option, bool) {
	var last deploy.Option
	found := false
	for _, o := range u.Options {
		for _, n := range names {
			if o.Name == n {
				last, found = o, true
			}
		}
	}
	return last, found
}

// Processes is the worker count: processes, workers or -p (1 when unset,
// uWSGI's default). expr is true for a value read from the environment or
// another option ($(VAR), %(name)), whose count is not known here.
func (u *UwsgiServer) Processes() (n int, expr bool, at *deploy.Option) {
	o, ok := u.Option("processes", "workers", "p")
	if !ok {
		return 1, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(o.Value))
	return n, err != nil, &o
}

// Lazy reports lazy-apps (or the older lazy): the app is then loaded in
// each worker after the fork, not in the master before it.
func (u *UwsgiServer) Lazy() bool {
	o, ok := u.Option("lazy-apps", "lazy")
	return ok && deploy.UwsgiTrue(o.Value)
}

// MultiWorker reports more than one worker process, or a count not known.
func (u *UwsgiServer) MultiWorker() bool {
	n, expr, _ := u.Processes()
	return expr || n > 1
}

// findUwsgi collects the uWSGI configuration files and the start-up
// command lines that run uwsgi with options of their own.
func findUwsgi(p *Project) []*UwsgiServer {
	var out []*UwsgiServer
	for _, f := range p.Files {
		m := f.Deploy()
		if m == nil {
			continue
		}
		if f.Kind == KindUwsgi && len(m.Options) > 0 {
			out = append(out, &UwsgiServer{File: f, Span: uwsgiHeader(f), Options: m.Options})
			continue
		}
		for _, c := range m.Commands {
			if c.Phase != deploy.AtStart {
				continue
			}
			if args := uwsgiArgs(c.Args); args != nil {
				out = append(out, &UwsgiServer{File: f, Span: c.Span, Options: uwsgiCommandOptions(args[1:], c.Span), FromCommand: true})
			}
		}
	}
	return out
}

// uwsgiHeader is the span of a uWSGI file's [uwsgi] line (or uwsgi: key),
// else of its first line.
func uwsgiHeader(f *File) source.Span {
	idx := f.Lines()
	for l := 0; l < idx.LineCount(); l++ {
		sp := source.Span{Start: idx.LineStart(l), End: idx.LineEnd(l)}
		text := strings.TrimSpace(f.Text(sp))
		if text == "[uwsgi]" || strings.HasPrefix(text, "uwsgi:") {
			return sp
		}
	}
	return firstLine(f)
}

// uwsgiArgs returns the words of a command that runs uWSGI, "uwsgi" first,
// or nil; an installer naming the package does not run it.
func uwsgiArgs(args []string) []string {
	for i, w := range args {
		switch base := path.Base(w); base {
		case "install", "add":
			return nil
		case "uwsgi", "uwsgi-core":
			return append([]string{"uwsgi"}, args[i+1:]...)
		}
	}
	return nil
}

// uwsgiNoValue are the options of uwsgi's command line that take no value
// (getopt no_argument): the word after them is the next option or a file.
var uwsgiNoValue = map[string]bool{
	"master": true, "M": true, "lazy-apps": true, "lazy": true, "die-on-term": true, "enable-threads": true,
	"T": true, "vacuum": true, "single-interpreter": true, "need-app": true, "strict": true,
	"thunder-lock": true, "no-orphans": true, "honour-stdin": true, "auto-procname": true,
	"disable-logging": true, "log-master": true, "memory-report": true, "harakiri-verbose": true,
	"catch-exceptions": true, "cheap": true,
}

// uwsgiShort are uwsgi's one-letter options that this reader needs, by
// their long names.
var uwsgiShort = map[string]string{"p": "processes", "M": "master", "w": "module", "s": "socket", "T": "enable-threads"}

// uwsgiCommandOptions reads uwsgi's command-line options (--name value,
// --name=value, -p 4, -p4, a flag alone) as options; every one spans the
// command.
func uwsgiCommandOptions(args []string, sp source.Span) []deploy.Option {
	var out []deploy.Option
	for i := 0; i < len(args); i++ {
		a := args[i]
		var name, value string
		hasValue := false
		switch {
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, value, hasValue = strings.Cut(a[2:], "=")
		case strings.HasPrefix(a, "-") && len(a) > 1:
			name = a[1:2]
			if len(a) > 2 {
				value, hasValue = a[2:], true
			}
		default:
			continue // a config file named alone, or a stray word
		}
		if !hasValue {
			if !uwsgiNoValue[name] && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				value = args[i+1]
				i++
			} else {
				value = "true"
			}
		}
		if long, ok := uwsgiShort[name]; ok {
			name = long
		}
		out = append(out, deploy.Option{Name: strings.ReplaceAll(name, "_", "-"), Value: value, Span: sp})
	}
	return out
}

// UwsgiConfig returns the first uWSGI configuration file (not a command
// line), or nil: where the fixes write.
func (fs *Facts) UwsgiConfig() *UwsgiServer {
	for _, u := range fs.Uwsgi {
		if !u.FromCommand {
			return u
		}
	}
	return nil
}

// UwsgiOnly reports a project that uWSGI serves and gunicorn does not: the
// fixes then write to the uWSGI configuration, never a gunicorn.conf.py.
func (fs *Facts) UwsgiOnly() bool {
	return len(fs.Uwsgi) > 0 && len(fs.Configs) == 0 && len(fs.Commands) == 0 && len(fs.CmdArgs) == 0
}

// uwsgiAnchor is where a finding about something missing from a uWSGI
// project goes: the processes setting, else the [uwsgi] line, of the first
// server that sets it.
func (fs *Facts) uwsgiAnchor() *Loc {
	for _, u := range fs.Uwsgi {
		if _, _, o := u.Processes(); o != nil {
			return &Loc{u.File, o.Span}
		}
	}
	u := fs.Uwsgi[0]
	return &Loc{u.File, u.Span}
}
