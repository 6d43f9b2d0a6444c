package codeactions

import (
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/snippets"
)

// setupParams describes the project for the set-up snippets: flavour, tag,
// metrics path, the multiprocess directory the project already names (so a
// Dockerfile ENV agrees with the gunicorn config's setdefault), and the
// gunicorn application spec its command line uses.
func setupParams(p *project.Project) snippets.Params {
	fs := p.Facts
	sp := snippets.Params{
		Flavour:     snippets.Flavour(fs.Flavour),
		AppTag:      fs.AppTag,
		MetricsPath: p.Settings.MetricsPath,
		Redis:       fs.Redis,
	}
	if sp.MetricsPath == "" && sp.Flavour == snippets.Exporter {
		sp.MetricsPath = exporterConfig(p).Path
	}
	sp.MultiprocDir = multiprocDir(p)
	sp.WSGIApp = wsgiApp(p)
	return sp
}

// multiprocDir is the first literal directory the project sets the variable
// to, else "" (the snippets' per-application default).
func multiprocDir(p *project.Project) string {
	for _, e := range p.Facts.EnvSets {
		if e.Name == project.EnvVar && e.Value != "" && !strings.ContainsAny(e.Value, "$`") && strings.HasPrefix(e.Value, "/") {
			return e.Value
		}
	}
	return ""
}

// wsgiApp is the application argument of the project's gunicorn command
// line, else one derived from where Flask(...) is called
// ("pkg:app", "pkg:create_app()"); "" when nothing is known.
func wsgiApp(p *project.Project) string {
	for _, c := range p.Facts.Commands {
		if a := positionalArg(c.Args[1:]); a != "" {
			return a
		}
	}
	for _, a := range p.Facts.Apps {
		mod := a.File.ModuleName()
		switch {
		case a.Factory != nil && a.Factory.IsModuleLevel():
			return mod + ":" + a.Factory.Name + "()"
		case a.Factory == nil && a.Call.TargetName() != "":
			return mod + ":" + a.Call.TargetName()
		}
	}
	return ""
}

// gunicornValueFlags are gunicorn options that take a separate value, so
// their value is not mistaken for the application argument.
var gunicornValueFlags = map[string]bool{
	"-c": true, "--config": true, "-b": true, "--bind": true, "-w": true, "--workers": true,
	"-k": true, "--worker-class": true, "--threads": true, "-t": true, "--timeout": true,
	"--graceful-timeout": true, "--keep-alive": true, "--max-requests": true, "--max-requests-jitter": true,
	"--access-logfile": true, "--error-logfile": true, "--log-level": true, "--log-file": true,
	"-e": true, "--env": true, "--chdir": true, "--pid": true, "-p": true, "-n": true, "--name": true,
	"--worker-tmp-dir": true, "-u": true, "--user": true, "-g": true, "--group": true,
	"--access-logformat": true, "--forwarded-allow-ips": true, "--worker-connections": true,
	"--backlog": true, "--umask": true, "--statsd-host": true, "--pythonpath": true, "--paste": true,
}

func positionalArg(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case gunicornValueFlags[a]:
			i++
		case strings.HasPrefix(a, "-"):
		case strings.Contains(a, ":") || pyModule.MatchString(a):
			return a
		}
	}
	return ""
}

var pyModule = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// scrapeTarget is host:port for deploy/prometheus.yml: the port gunicorn
// binds (8000 by default), or the port a when_ready hook starts the
// exporter's separate metrics server on; the host is the compose service
// that runs gunicorn, else localhost.
func scrapeTarget(p *project.Project) string {
	host, port := "localhost", "8000"
	bind := ""
	if cfg := p.Facts.Config(); cfg != nil {
		if a := cfg.Setting("bind"); a != nil && a.Value != nil {
			switch {
			case a.Value.IsStr():
				bind = a.Value.Str()
			case len(a.Value.Elements()) > 0 && a.Value.Elements()[0].IsStr():
				bind = a.Value.Elements()[0].Str()
			}
		}
		// GunicornPrometheusMetrics serves metrics on its own port.
		for _, c := range cfg.File.Py.Calls {
			if c.MethodName() == "start_http_server_when_ready" && !strings.Contains(c.BaseName(), "Internal") {
				if e := c.Positional(0); e != nil && e.Kind() == "integer" {
					bind = "0.0.0.0:" + e.Text
				} else if a := c.Keyword("port"); a != nil && a.Value.Kind() == "integer" {
					bind = "0.0.0.0:" + a.Value.Text
				}
			}
		}
	}
	if bind == "" {
		for _, c := range p.Facts.Commands {
			if v, ok := c.Flag("-b", "--bind"); ok {
				bind = v
				break
			}
		}
	}
	if bind != "" && !strings.HasPrefix(bind, "unix:") && !strings.HasPrefix(bind, "fd://") {
		if _, pt, err := net.SplitHostPort(bind); err == nil {
			if _, err := strconv.Atoi(pt); err == nil {
				port = pt
			}
		} else if _, err := strconv.Atoi(bind); err == nil {
			port = bind
		}
	}
	if svc := composeGunicornService(p); svc != "" {
		host = svc
	}
	return net.JoinHostPort(host, port)
}

// composeGunicornService is the name of the compose service that runs the
// app, or "".
func composeGunicornService(p *project.Project) string {
	for _, f := range p.FilesOf(project.KindCompose) {
		if services := deploy.ComposeServices(f.Src); services != nil {
			if name := appComposeService(p, f, services); name != "" {
				return name
			}
		}
	}
	return ""
}

// composeServiceAt names the service whose mapping holds the byte offset.
func composeServiceAt(f *project.File, off int) string {
	services := deploy.ComposeServices(f.Src)
	if services == nil {
		return ""
	}
	line := f.Lines().Line(off) + 1
	name := ""
	for i := 0; i+1 < len(services.Content); i += 2 {
		if services.Content[i].Line <= line {
			name = services.Content[i].Value
		}
	}
	return name
}
