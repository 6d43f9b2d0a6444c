package deploy

import (
	"path"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/internal/source"
)

// UwsgiServer is a uWSGI instance a deploy file starts: its uWSGI
// configuration (an ini [uwsgi] section, a YAML uwsgi: mapping) or a command
// line that runs uwsgi with options (`uwsgi --http :8000 --processes 4
// --master --module app:app`). A command line that only names a file
// (--ini) adds nothing of its own: the file is a server too.
type UwsgiServer struct {
	Options []Option // in order; a command line's all span the command
	// Span is the [uwsgi] line (or uwsgi: key) of a configuration, the
	// command of a command line.
	Span        source.Span
	FromCommand bool
	// Command is the command line a FromCommand server comes from (its
	// working directory and unit say where the files it names are).
	Command *Command
}

// UwsgiServers returns the uWSGI servers of one file's model: the
// configuration it holds, and its start-up commands that run uwsgi.
func UwsgiServers(m *Model) []*UwsgiServer {
	var out []*UwsgiServer
	if len(m.Options) > 0 {
		out = append(out, &UwsgiServer{Options: m.Options, Span: m.OptionsAt})
	}
	for i := range m.Commands {
		c := &m.Commands[i]
		if c.Phase != AtStart {
			continue
		}
		if args := uwsgiArgs(c.Args); args != nil {
			out = append(out, &UwsgiServer{Options: uwsgiCommandOptions(args, c.Span), Span: c.Span, FromCommand: true, Command: c})
		}
	}
	return out
}

// Option returns the last setting of any of the names (aliases of one
// option), and whether one is set.
func (u *UwsgiServer) Option(names ...string) (Option, bool) {
	var last Option
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
func (u *UwsgiServer) Processes() (n int, expr bool, at *Option) {
	o, ok := u.Option("processes", "workers")
	if !ok {
		return 1, false, nil
	}
	n, ok = UwsgiInt(o.Value)
	return n, !ok, &o
}

// UwsgiInt reads a number option as uWSGI does (strtol): the leading
// digits, whatever follows ("1000   ; a comment" is 1000: uWSGI's ini
// reader has no inline comments, and its number options ignore the rest);
// false when the value does not start with a digit ($(VAR), %(name)).
func UwsgiInt(v string) (int, bool) {
	v = strings.TrimSpace(v)
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(v[:end])
	return n, err == nil
}

// ConfigFiles are the configuration files a command line loads, in order:
// --ini/--yaml/--yml values and a file named alone (uWSGI loads an
// argument ending in .ini, .yaml or .yml as that kind of file).
func (u *UwsgiServer) ConfigFiles() []Option {
	var out []Option
	for _, o := range u.Options {
		if o.Name == "ini" || o.Name == "yaml" || o.Name == "yml" {
			out = append(out, o)
		}
	}
	return out
}

// UwsgiEnvOption returns the option a UWSGI_<NAME> environment variable
// sets (UWSGI_PROCESSES=10 is processes = 10; uWSGI's parse_sys_envs lowers
// the name and turns _ into -), false for another variable or one of the
// variables uWSGI keeps for itself. uWSGI reads them before its command
// line and files, so an option set there wins.
func UwsgiEnvOption(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "UWSGI_")
	if !ok || rest == "" || uwsgiOwnVars[rest] {
		return "", false
	}
	return strings.ReplaceAll(strings.ToLower(rest), "_", "-"), true
}

// uwsgiOwnVars are the UWSGI_ variables that are no option (core/utils.c
// parse_sys_envs skips them).
var uwsgiOwnVars = map[string]bool{"RELOADS": true, "VASSALS_DIR": true, "EMPEROR_FD": true, "BROODLORD_NUM": true,
	"EMPEROR_FD_CONFIG": true, "EMPEROR_PROXY": true, "JAIL_PID": true, "ORIGINAL_PROC_NAME": true}

// MultiWorker reports more than one worker process, or a count not known.
func (u *UwsgiServer) MultiWorker() bool {
	n, expr, _ := u.Processes()
	return expr || n > 1
}

// AppModules are the apps the server loads, in order: module, wsgi,
// wsgi-file and file values (pkg.mod, pkg.mod:callable or a path), and the
// app of each mount = /prefix=app.
func (u *UwsgiServer) AppModules() []string {
	var out []string
	for _, o := range u.Options {
		switch o.Name {
		case "module", "wsgi", "wsgi-file", "file":
			out = append(out, o.Value)
		case "mount":
			if _, app, ok := strings.Cut(o.Value, "="); ok {
				out = append(out, app)
			}
		}
	}
	return out
}

// Lazy reports lazy-apps (or the older lazy): the app is then loaded in
// each worker after the fork, not in the master before it.
func (u *UwsgiServer) Lazy() bool {
	o, ok := u.Option("lazy-apps", "lazy")
	return ok && UwsgiTrue(o.Value)
}

// Fingerprint writes what the server says without positions (for
// factkey.Facts): an edit above it moves it without changing it.
func (u *UwsgiServer) Fingerprint() string {
	var b strings.Builder
	b.WriteString(strconv.FormatBool(u.FromCommand))
	for _, o := range u.Options {
		b.WriteString(";" + strconv.Quote(o.Name) + "=" + strconv.Quote(o.Value) + "@" + strconv.Quote(o.File))
	}
	return b.String()
}

// RunsUwsgi reports a command that runs uWSGI.
func RunsUwsgi(args []string) bool { return uwsgiArgs(args) != nil }

// uwsgiEnv records uwsgi's --env NAME=value options: uWSGI puts them in
// its own environment as it reads its options, before it loads the app or
// forks, as it does an ini's env = lines.
func (s *shell) uwsgiEnv(args []string, sp source.Span) {
	for _, o := range uwsgiCommandOptions(args, sp) {
		name, value, ok := strings.Cut(o.Value, "=")
		if o.Name == "env" && ok && isEnvName(name) {
			s.m.Assigns = append(s.m.Assigns, Assign{Name: name, Value: value, Span: sp, Phase: s.phase, How: "uWSGI --env", Known: !strings.Contains(value, "$"), Unit: s.unit})
		}
	}
}

// uwsgiArgs returns the words after the uwsgi program of a command that
// runs it, or nil; an installer naming the package does not run it.
func uwsgiArgs(args []string) []string {
	for i, w := range args {
		switch path.Base(w) {
		case "install", "add":
			return nil
		case "uwsgi", "uwsgi-core":
			return append([]string{}, args[i+1:]...)
		}
	}
	return nil
}

// uwsgiNoValue are uwsgi command-line options that take no value (getopt
// no_argument): the word after them is the next option or a file.
var uwsgiNoValue = map[string]bool{
	"master": true, "M": true, "lazy-apps": true, "lazy": true, "die-on-term": true, "enable-threads": true,
	"T": true, "vacuum": true, "single-interpreter": true, "need-app": true, "strict": true,
	"thunder-lock": true, "no-orphans": true, "honour-stdin": true, "auto-procname": true,
	"disable-logging": true, "log-master": true, "memory-report": true, "harakiri-verbose": true,
	"catch-exceptions": true, "cheap": true,
}

// uwsgiShort are the one-letter options read here, by their long names.
var uwsgiShort = map[string]string{"p": "processes", "M": "master", "w": "module", "s": "socket", "T": "enable-threads"}

// uwsgiCommandOptions reads uwsgi's command-line options (--name value,
// --name=value, -p 4, -p4, a flag alone); every one spans the command.
func uwsgiCommandOptions(args []string, sp source.Span) []Option {
	var out []Option
	for i := 0; i < len(args); i++ {
		a := args[i]
		var name, value string
		hasValue := false
		switch {
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, value, hasValue = strings.Cut(a[2:], "=")
		case strings.HasPrefix(a, "-") && len(a) > 1:
			name = a[1:2]
			value, hasValue = a[2:], len(a) > 2
		case strings.HasSuffix(a, ".ini"):
			out = append(out, Option{Name: "ini", Value: a, Span: sp}) // uwsgi app.ini loads it
			continue
		case strings.HasSuffix(a, ".yaml") || strings.HasSuffix(a, ".yml"):
			out = append(out, Option{Name: "yaml", Value: a, Span: sp})
			continue
		default:
			continue // a stray word
		}
		if !hasValue {
			value = "true"
			if !uwsgiNoValue[name] && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				value = args[i+1]
				i++
			}
		}
		if long, ok := uwsgiShort[name]; ok {
			name = long
		}
		out = append(out, Option{Name: uwsgiName(name), Value: value, Span: sp})
	}
	return out
}

// Loading returns the server a command line makes with the configuration
// it loads: the first file it names that config resolves (nil when none
// does), and the options uWSGI reads, in order: the command's own, each
// naming file, with the configuration's where the command names it (what
// follows on the command line wins over the file).
func (u *UwsgiServer) Loading(file string, config func(path string) *UwsgiServer) (*UwsgiServer, *UwsgiServer) {
	var cfg *UwsgiServer
	var opts []Option
	for _, o := range u.Options {
		if o.File == "" {
			o.File = file
		}
		opts = append(opts, o)
		if cfg == nil && (o.Name == "ini" || o.Name == "yaml") {
			if cfg = config(o.Value); cfg != nil {
				opts = append(opts, cfg.Options...)
			}
		}
	}
	if cfg == nil {
		return nil, nil
	}
	merged := *cfg
	merged.Options = opts
	return cfg, &merged
}

// WithEnv returns the server with the options of UWSGI_* variables (see
// UwsgiEnvOption) before its own: uWSGI reads them first.
func (u *UwsgiServer) WithEnv(env []Option) *UwsgiServer {
	if len(env) == 0 {
		return u
	}
	s := *u
	s.Options = append(append([]Option{}, env...), u.Options...)
	return &s
}
