// Package frameworks names the Python web frameworks, the Prometheus
// exporters built for them and the servers that multiprom recognises, with
// what their sources do under several worker processes. It is data shared by the
// project facts and the rules; it reads no code itself.
package frameworks

import (
	"path"
	"strconv"
	"strings"
)

// Framework is the web framework an app is built with.
type Framework string

const (
	Flask     Framework = "flask"
	FastAPI   Framework = "fastapi"
	Starlette Framework = "starlette"
	Django    Framework = "django"
	Falcon    Framework = "falcon"
)

// Title is the framework's name as its users write it ("FastAPI").
func (fw Framework) Title() string {
	switch fw {
	case Flask:
		return "Flask"
	case FastAPI:
		return "FastAPI"
	case Starlette:
		return "Starlette"
	case Django:
		return "Django"
	case Falcon:
		return "Falcon"
	}
	return string(fw)
}

// AppClasses maps the qualified application classes to their framework.
// FastAPI subclasses Starlette; a construction counts as the class written.
var AppClasses = map[string]Framework{
	"flask.Flask":                      Flask,
	"flask.app.Flask":                  Flask,
	"fastapi.FastAPI":                  FastAPI,
	"fastapi.applications.FastAPI":     FastAPI,
	"starlette.applications.Starlette": Starlette,
	// A Django project's app is the `application` object its wsgi.py or
	// asgi.py builds (what `gunicorn mysite.wsgi` serves): these calls run
	// django.setup(), which imports the settings and runs every
	// AppConfig.ready.
	"django.core.wsgi.get_wsgi_application": Django,
	"django.core.asgi.get_asgi_application": Django,
	// falcon.API is the name before Falcon 3.0; falcon.asgi.App the ASGI app.
	"falcon.App":      Falcon,
	"falcon.API":      Falcon,
	"falcon.app.App":  Falcon,
	"falcon.asgi.App": Falcon,
}

// DjangoExporterApp is django-prometheus's INSTALLED_APPS entry. Its
// AppConfig.ready calls SetupPrometheusExportsFromConfig, which starts an
// HTTP server thread in every process that runs django.setup() when the
// settings name PROMETHEUS_METRICS_EXPORT_PORT_RANGE (the first free port
// of the range) or PROMETHEUS_METRICS_EXPORT_PORT (that port; a second
// process fails to bind it and its ready raises). Its export view,
// ExportToDjangoView (django_prometheus.urls), aggregates with a fresh
// registry and a MultiProcessCollector only when PROMETHEUS_MULTIPROC_DIR
// or the lowercase name is set (2.2, Debian bookworm; older releases, e.g.
// the tree at commit 003dccf, checked only the
// lowercase name and added the collector to the default registry).
const DjangoExporterApp = "django_prometheus"

// DjangoSettingsVar names the settings module Django imports.
const DjangoSettingsVar = "DJANGO_SETTINGS_MODULE"

// ASGIExporterModules are the FastAPI/Starlette exporters built on
// prometheus_client. Both aggregate the workers' files (a fresh registry
// with a MultiProcessCollector per scrape) only when
// PROMETHEUS_MULTIPROC_DIR is in the environment at scrape time, and serve
// the answering worker's default registry otherwise:
// prometheus_fastapi_instrumentator's Instrumentator.expose and
// starlette_exporter's handle_metrics (which also honours the lowercase
// name; the Instrumentator copies the lowercase name to the upper-case one
// at construction).
var ASGIExporterModules = []string{"prometheus_fastapi_instrumentator", "starlette_exporter"}

// GunicornSettingNames are the settings that make a Python file look like a
// gunicorn config when most of its top-level names are among them.
var GunicornSettingNames = map[string]bool{
	"bind": true, "workers": true, "worker_class": true, "threads": true, "timeout": true,
	"graceful_timeout": true, "keepalive": true, "max_requests": true, "max_requests_jitter": true,
	"preload_app": true, "reload": true, "accesslog": true, "errorlog": true, "loglevel": true,
	"raw_env": true, "worker_connections": true, "backlog": true, "daemon": true, "pidfile": true,
	"chdir": true, "proc_name": true, "wsgi_app": true, "forwarded_allow_ips": true, "umask": true,
	"user": true, "group": true, "tmp_upload_dir": true, "capture_output": true, "limit_request_line": true,
	"worker_tmp_dir": true, "access_log_format": true, "statsd_host": true, "reuse_port": true,
}

// GunicornHooks are the gunicorn server hooks with their arity (gunicorn
// checks it when it loads the config).
var GunicornHooks = map[string]int{
	"on_starting": 1, "on_reload": 1, "when_ready": 1, "pre_fork": 2, "post_fork": 2,
	"post_worker_init": 1, "worker_int": 1, "worker_abort": 1, "pre_exec": 1, "pre_request": 2,
	"post_request": 4, "child_exit": 2, "worker_exit": 2, "nworkers_changed": 3, "on_exit": 1,
	"ssl_context": 2,
}

// ServerArgs returns the arguments of a command that runs server
// ("gunicorn", "uvicorn"), the server's name first, or nil. The server may
// be run through a runner (poetry run, uv run, an APM wrapper) or as
// `python -m server`; an installer naming the package (pip install
// gunicorn) does not run it.
func ServerArgs(args []string, server string) []string {
	if len(args) > 0 && dataCommands[path.Base(args[0])] {
		return nil
	}
	for i, w := range args {
		switch base := path.Base(w); {
		case base == "install" || base == "add":
			return nil
		case base == server:
			return append([]string{server}, args[i+1:]...)
		case (base == "python" || strings.HasPrefix(base, "python3")) && i+2 < len(args) && args[i+1] == "-m" && args[i+2] == server:
			return append([]string{server}, args[i+3:]...)
		}
	}
	return nil
}

// dataCommands take a program's name as data (text to print, a process
// to look for or signal, a file to handle), never as a program they start:
// `echo "run .../bin/gunicorn"` starts no gunicorn.
var dataCommands = map[string]bool{
	"echo": true, "printf": true, "which": true, "type": true, "whereis": true,
	"grep": true, "egrep": true, "fgrep": true, "pgrep": true, "pkill": true, "killall": true, "kill": true,
	"test": true, "[": true, "[[": true, "ls": true, "cat": true, "chmod": true, "chown": true,
	"ln": true, "cp": true, "mv": true, "rm": true, "mkdir": true, "touch": true, "sed": true, "awk": true,
}

// UvicornWorkers reads the worker count of a uvicorn command line (args as
// ServerArgs returns them) the way uvicorn 0.17–0.35 does (main.py,
// config.py): --workers N on the command line, else UVICORN_WORKERS (click's
// auto_envvar_prefix, which the --workers help text does not mention), else
// WEB_CONCURRENCY (read after --env-file is loaded), else 1. --reload wins
// over --workers: uvicorn then runs one process. env looks a variable up in
// the command's environment. expr is true for a value that is not a
// literal number (an unexpanded $WORKERS): it may be anything.
func UvicornWorkers(args []string, env func(string) (string, bool)) (n int, expr bool) {
	value, ok := "", false
	for i, a := range args {
		switch {
		case a == "--reload":
			return 1, false
		case a == "--workers" && i+1 < len(args):
			value, ok = args[i+1], true
		case strings.HasPrefix(a, "--workers="):
			value, ok = a[len("--workers="):], true
		}
	}
	for _, name := range []string{"UVICORN_WORKERS", "WEB_CONCURRENCY"} {
		if !ok {
			value, ok = env(name)
		}
	}
	if !ok {
		return 1, false
	}
	n, err := strconv.Atoi(value)
	return n, err != nil
}

// GunicornEnvFlags returns the NAME=value pairs of gunicorn's -e/--env
// options (-e X=1, -eX=1, --env X=1, --env=X=1).
func GunicornEnvFlags(args []string) [][2]string {
	var out [][2]string
	for i := 1; i < len(args); i++ {
		a, v := args[i], ""
		switch {
		case a == "-e" || a == "--env":
			if i+1 < len(args) {
				v = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--env="):
			v = a[len("--env="):]
		case strings.HasPrefix(a, "-e") && !strings.HasPrefix(a, "--"):
			v = a[2:]
		default:
			continue
		}
		if k, val, ok := strings.Cut(v, "="); ok && k != "" {
			out = append(out, [2]string{k, val})
		}
	}
	return out
}
