package factkey

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/project"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/django"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// keyFacts has every field set, one element per list.
func keyFacts() *project.Facts {
	conf, app := &project.File{Path: "gunicorn.conf.py"}, &project.File{Path: "app.py"}
	procfile, req := &project.File{Path: "Procfile"}, &project.File{Path: "requirements.txt"}
	return &project.Facts{
		Gunicorn:         true,
		GunicornEvidence: "gunicorn config gunicorn.conf.py",
		Workers:          project.Workers{Known: true, Max: 4, Where: &project.Loc{File: conf, Span: source.Span{Start: 10, End: 21}}, From: "config"},
		MultiWorker:      true,
		Multiprocess:     true,
		Prometheus:       true,
		Flavour:          "raw",
		ClientVersion:    "0.20.0",
		ClientMax:        "0.20.0",
		ClientMin:        "0.20.0",
		AppTag:           "shop",
		Configs:          []*project.GunicornConfig{{File: conf, Loaded: true, Why: "./gunicorn.conf.py"}},
		Commands:         []*project.CommandLine{{File: procfile, Span: source.Span{Start: 5, End: 30}, Args: []string{"gunicorn", "app:app"}, Dir: "/app", Unit: "web"}},
		Uvicorn:          []*project.CommandLine{{File: procfile, Span: source.Span{Start: 70, End: 90}, Args: []string{"uvicorn", "app:app", "--workers", "4"}}},
		UvicornMulti:     []*project.CommandLine{{File: procfile, Span: source.Span{Start: 70, End: 90}, Args: []string{"uvicorn", "app:app", "--workers", "4"}}},
		CmdArgs:          []*project.CommandLine{{File: procfile, Span: source.Span{Start: 40, End: 60}, Args: []string{"gunicorn", "-w", "2"}, FromEnv: true}},
		Cleanups:         []*project.Cleanup{{Loc: project.Loc{File: procfile, Span: source.Span{Start: 0, End: 4}}, Target: "/tmp/metrics", How: "rm"}},
		Standalone:       map[string]bool{"tasks.py": true},
		EnvSets: []*project.EnvSet{{Loc: project.Loc{File: conf, Span: source.Span{Start: 30, End: 70}}, Name: project.EnvVar, How: "gunicorn config",
			Value: "/tmp/metrics", ReachesMaster: true}},
		Apps:        []*project.AppSite{{File: app, Call: &python.Call{Func: "Flask"}, Factory: &python.FuncDef{Name: "create_app"}}},
		Django:      []*project.DjangoSettings{{File: &project.File{Path: "mysite/settings.py"}, Settings: keyDjangoSettings()}},
		DjangoReady: []*project.ReadyHook{{File: &project.File{Path: "shop/apps.py"}, Func: &python.FuncDef{Name: "ready", Class: "ShopConfig"}}},
		Uwsgi: []*project.UwsgiServer{{File: &project.File{Path: "uwsgi.ini"}, UwsgiServer: &deploy.UwsgiServer{Span: source.Span{Start: 0, End: 7},
			Options: []deploy.Option{{Name: "processes", Value: "4", Span: source.Span{Start: 8, End: 21}}}}}},
		FilesByWorkerID: &project.Loc{File: app, Span: source.Span{Start: 40, End: 90}},
		Requirements: map[string]*project.Requirement{"prometheus-client": {Name: "prometheus-client", Spec: "==0.20.0",
			Loc: project.Loc{File: req, Span: source.Span{Start: 0, End: 24}}}},
	}
}

// factsMutations change one field each, by its path from project.Facts.
var factsMutations = map[string]func(fs *project.Facts){
	"Gunicorn":              func(fs *project.Facts) { fs.Gunicorn = false },
	"GunicornEvidence":      func(fs *project.Facts) { fs.GunicornEvidence = "gunicorn in requirements.txt" },
	"Workers.Known":         func(fs *project.Facts) { fs.Workers.Known = false },
	"Workers.Max":           func(fs *project.Facts) { fs.Workers.Max = 1 },
	"Workers.Expr":          func(fs *project.Facts) { fs.Workers.Expr = true },
	"Workers.Where.File":    func(fs *project.Facts) { fs.Workers.Where.File = &project.File{Path: "Procfile"} },
	"Workers.From":          func(fs *project.Facts) { fs.Workers.From = "command line" },
	"MultiWorker":           func(fs *project.Facts) { fs.MultiWorker = false },
	"Multiprocess":          func(fs *project.Facts) { fs.Multiprocess = false },
	"Prometheus":            func(fs *project.Facts) { fs.Prometheus = false },
	"Flavour":               func(fs *project.Facts) { fs.Flavour = "exporter" },
	"ClientVersion":         func(fs *project.Facts) { fs.ClientVersion = "" },
	"ClientMax":             func(fs *project.Facts) { fs.ClientMax = "" },
	"ClientMin":             func(fs *project.Facts) { fs.ClientMin = "0.16" },
	"Redis":                 func(fs *project.Facts) { fs.Redis = true },
	"AppTag":                func(fs *project.Facts) { fs.AppTag = "" },
	"Configs.File":          func(fs *project.Facts) { fs.Configs[0].File = &project.File{Path: "conf/gunicorn.py"} },
	"Configs.Loaded":        func(fs *project.Facts) { fs.Configs[0].Loaded = false },
	"Configs.Why":           func(fs *project.Facts) { fs.Configs[0].Why = "looks like a config" },
	"Commands.File":         func(fs *project.Facts) { fs.Commands[0].File = &project.File{Path: "Dockerfile"} },
	"Commands.Args":         func(fs *project.Facts) { fs.Commands[0].Args = []string{"gunicorn", "app:create_app()"} },
	"Commands.FromEnv":      func(fs *project.Facts) { fs.Commands[0].FromEnv = true },
	"Uvicorn.File":          func(fs *project.Facts) { fs.Uvicorn[0].File = &project.File{Path: "Dockerfile"} },
	"Uvicorn.Args":          func(fs *project.Facts) { fs.Uvicorn[0].Args = []string{"uvicorn", "app:app"} },
	"Uvicorn.FromEnv":       func(fs *project.Facts) { fs.Uvicorn[0].FromEnv = true },
	"Uvicorn.Dir":           func(fs *project.Facts) { fs.Uvicorn[0].Dir = "/srv" },
	"Uvicorn.Unit":          func(fs *project.Facts) { fs.Uvicorn[0].Unit = "api" },
	"Uvicorn.Span":          func(fs *project.Facts) { fs.Uvicorn[0].Span.End-- },
	"UvicornMulti.File":     func(fs *project.Facts) { fs.UvicornMulti[0].File = &project.File{Path: "Dockerfile"} },
	"UvicornMulti.Args":     func(fs *project.Facts) { fs.UvicornMulti[0].Args = []string{"uvicorn", "app:app"} },
	"UvicornMulti.FromEnv":  func(fs *project.Facts) { fs.UvicornMulti[0].FromEnv = true },
	"UvicornMulti.Dir":      func(fs *project.Facts) { fs.UvicornMulti[0].Dir = "/srv" },
	"UvicornMulti.Unit":     func(fs *project.Facts) { fs.UvicornMulti[0].Unit = "api" },
	"UvicornMulti.Span":     func(fs *project.Facts) { fs.UvicornMulti[0].Span.End-- },
	"CmdArgs.File":          func(fs *project.Facts) { fs.CmdArgs[0].File = &project.File{Path: ".env"} },
	"CmdArgs.Args":          func(fs *project.Facts) { fs.CmdArgs[0].Args = fs.CmdArgs[0].Args[:2] },
	"CmdArgs.FromEnv":       func(fs *project.Facts) { fs.CmdArgs[0].FromEnv = false },
	"Commands.Dir":          func(fs *project.Facts) { fs.Commands[0].Dir = "/srv" },
	"Commands.Unit":         func(fs *project.Facts) { fs.Commands[0].Unit = "api" },
	"CmdArgs.Dir":           func(fs *project.Facts) { fs.CmdArgs[0].Dir = "/srv" },
	"CmdArgs.Unit":          func(fs *project.Facts) { fs.CmdArgs[0].Unit = "api" },
	"Cleanups.Loc.File":     func(fs *project.Facts) { fs.Cleanups[0].File = &project.File{Path: "entrypoint.sh"} },
	"Cleanups.Loc.Span":     func(fs *project.Facts) { fs.Cleanups[0].Span.End++ },
	"Cleanups.Target":       func(fs *project.Facts) { fs.Cleanups[0].Target = "/tmp/other" },
	"Cleanups.How":          func(fs *project.Facts) { fs.Cleanups[0].How = "tmpfs" },
	"Standalone":            func(fs *project.Facts) { fs.Standalone["worker.py"] = true },
	"EnvSets.Loc.File":      func(fs *project.Facts) { fs.EnvSets[0].File = &project.File{Path: "Dockerfile"} },
	"EnvSets.Name":          func(fs *project.Facts) { fs.EnvSets[0].Name = project.LegacyEnvVar },
	"EnvSets.How":           func(fs *project.Facts) { fs.EnvSets[0].How = "raw_env" },
	"EnvSets.Value":         func(fs *project.Facts) { fs.EnvSets[0].Value = "/run/metrics" },
	"EnvSets.ReachesMaster": func(fs *project.Facts) { fs.EnvSets[0].ReachesMaster = false },
	"Apps.File":             func(fs *project.Facts) { fs.Apps[0].File = &project.File{Path: "web.py"} },
	"Apps.Call":             func(fs *project.Facts) { fs.Apps[0].Call = &python.Call{Func: "flask.Flask"} },
	"Apps.Factory":          func(fs *project.Facts) { fs.Apps[0].Factory = nil },
	"Apps.Framework":        func(fs *project.Facts) { fs.Apps[0].Framework = frameworks.FastAPI },
	"Django.File":           func(fs *project.Facts) { fs.Django[0].File = &project.File{Path: "other/settings.py"} },
	"Django.Settings":       func(fs *project.Facts) { fs.Django[0].Settings.InstalledApps = nil },
	"DjangoReady.File":      func(fs *project.Facts) { fs.DjangoReady[0].File = &project.File{Path: "other/apps.py"} },
	"DjangoReady.Func":      func(fs *project.Facts) { fs.DjangoReady[0].Func = &python.FuncDef{Name: "ready", Class: "OtherConfig"} },
	"Requirements.Name":     func(fs *project.Facts) { fs.Requirements["prometheus-client"].Name = "prometheus_client" },
	"Requirements.Spec":     func(fs *project.Facts) { fs.Requirements["prometheus-client"].Spec = ">=0.16" },
	"Requirements.Loc.File": func(fs *project.Facts) {
		fs.Requirements["prometheus-client"].Loc.File = &project.File{Path: "pyproject.toml"}
	},
	"Workers.Where.Span":     func(fs *project.Facts) { fs.Workers.Where.Span.Start += 7; fs.Workers.Where.Span.End += 7 },
	"Commands.Span":          func(fs *project.Facts) { fs.Commands[0].Span.Start++; fs.Commands[0].Span.End++ },
	"CmdArgs.Span":           func(fs *project.Facts) { fs.CmdArgs[0].Span.End-- },
	"EnvSets.Loc.Span":       func(fs *project.Facts) { fs.EnvSets[0].Span.Start += 3; fs.EnvSets[0].Span.End += 3 },
	"Requirements.Loc.Span":  func(fs *project.Facts) { fs.Requirements["prometheus-client"].Loc.Span.End++ },
	"Requirements (map key)": func(fs *project.Facts) { fs.Requirements["flask"] = &project.Requirement{Name: "flask"} },
	"Apps (one more)": func(fs *project.Facts) {
		fs.Apps = append(fs.Apps, &project.AppSite{File: &project.File{Path: "b.py"}})
	},
	"Uwsgi.File":                      func(fs *project.Facts) { fs.Uwsgi[0].File = &project.File{Path: "deploy/uwsgi.ini"} },
	"Uwsgi.UwsgiServer":               func(fs *project.Facts) { fs.Uwsgi[0].Options[0].Value = "1" },
	"Uwsgi.UwsgiServer.Span":          func(fs *project.Facts) { fs.Uwsgi[0].Span.End++ },
	"Uwsgi.UwsgiServer (fromcommand)": func(fs *project.Facts) { fs.Uwsgi[0].FromCommand = true },
	"FilesByWorkerID.File":            func(fs *project.Facts) { fs.FilesByWorkerID = nil },
	"FilesByWorkerID.Span":            func(fs *project.Facts) { fs.FilesByWorkerID.Span.End++ },
}

// spanField reports whether a field path is a byte span, which the key
// leaves out (an edit above a fact moves it without changing it).
func spanField(path string) bool { return strings.HasSuffix(path, "Span") }

// fieldPaths lists the exported leaf fields reachable from t, by path:
// structs of this package but project.File (named by path in the key) are entered,
// through pointers, slices and maps; anything else is a leaf.
func fieldPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		path := prefix + f.Name
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map {
			ft = ft.Elem()
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
		}
		if ft.Kind() == reflect.Struct && ft.PkgPath() == reflect.TypeFor[project.Facts]().PkgPath() && ft != reflect.TypeFor[project.File]() {
			out = append(out, fieldPaths(ft, path+".")...)
			continue
		}
		out = append(out, path)
	}
	return out
}

// Every fact changes the key, and no span does. A field added to project.Facts
// without a mutation here fails, as a reminder to add it to project.Key.
func TestFactsKeyCoversEveryField(t *testing.T) {
	base := Facts(keyFacts())
	if Facts(keyFacts()) != base {
		t.Fatal("Key is not deterministic")
	}
	for _, path := range fieldPaths(reflect.TypeFor[project.Facts](), "") {
		if _, ok := factsMutations[path]; !ok {
			t.Errorf("Facts field %s has no mutation in factsMutations: add it to Facts and here", path)
		}
	}
	for path, mutate := range factsMutations {
		fs := keyFacts()
		mutate(fs)
		changed := Facts(fs) != base
		if want := !spanField(path); changed != want {
			t.Errorf("changing %s: key changed = %v, want %v", path, changed, want)
		}
	}
	if Facts(nil) == base {
		t.Error("no facts have the key of some facts")
	}
}

var settingsMutations = map[string]func(s *config.Settings){
	"Select":         func(s *config.Settings) { s.Select = append(s.Select, "MP3") },
	"Ignore":         func(s *config.Settings) { s.Ignore = nil },
	"Severity":       func(s *config.Settings) { s.Severity["MP301"] = "error" },
	"ApplicationTag": func(s *config.Settings) { s.ApplicationTag = "" },
	"Workers":        func(s *config.Settings) { n := 1; s.Workers = &n },
	"MetricsPath":    func(s *config.Settings) { s.MetricsPath = "/prom" },
	"Flavour":        func(s *config.Settings) { s.Flavour = "exporter" },
	"Redis":          func(s *config.Settings) { s.Redis = nil },
	"ExtendSelect":   func(s *config.Settings) { s.ExtendSelect = []string{"MP2"} },
	"Exclude":        func(s *config.Settings) { s.Exclude = []string{"vendor/"} },
	"ExtendExclude":  func(s *config.Settings) { s.ExtendExclude = []string{"build/"} },
	"PerFileIgnores": func(s *config.Settings) { s.PerFileIgnores = map[string][]string{"tests/": {"MP301"}} },
	// No finding depends on these (see Settings).
	"Run":    func(s *config.Settings) { s.Run = "onSave" },
	"FixAll": func(s *config.Settings) { s.FixAll = &config.FixAllSettings{Scope: config.FixAllProject} },
	"Extra":  func(s *config.Settings) { s.Extra = map[string]any{"x": 1} },
}

func keySettings() config.Settings {
	workers, redis := 4, false
	return config.Settings{Select: []string{"MP1"}, Ignore: []string{"MP104"}, Severity: map[string]string{"MP301": "warning"},
		ApplicationTag: "shop", Workers: &workers, MetricsPath: "/metrics", Flavour: "raw", Redis: &redis}
}

func TestSettingsKeyCoversEveryField(t *testing.T) {
	base := Settings(keySettings())
	for _, path := range fieldPaths(reflect.TypeFor[config.Settings](), "") {
		if _, ok := settingsMutations[path]; !ok {
			t.Errorf("Settings field %s has no mutation in settingsMutations: add it to Settings and here", path)
		}
	}
	for path, mutate := range settingsMutations {
		s := keySettings()
		mutate(&s)
		changed := Settings(s) != base
		if want := path != "Run" && path != "FixAll" && path != "Extra"; changed != want {
			t.Errorf("changing %s: key changed = %v, want %v", path, changed, want)
		}
	}
}

// project.Lines added above every fact move their spans but keep the context key;
// a changed fact changes it.
func TestContextKeyIgnoresMovedFacts(t *testing.T) {
	files := map[string]string{
		"gunicorn.conf.py": "import os\nworkers = 4\nraw_env = [\"PROMETHEUS_MULTIPROC_DIR=/tmp/m\"]\n",
		"Procfile":         "web: gunicorn -c gunicorn.conf.py app:app\n",
		"requirements.txt": "prometheus-client==0.20.0\nflask\n",
		"app.py":           "from flask import Flask\nfrom prometheus_client import Gauge\napp = Flask(__name__)\n",
	}
	moved := map[string]string{}
	for name, src := range files {
		moved[name] = src
		if name != "Procfile" {
			moved[name] = "# a comment\n\n" + src
		}
	}
	p, q := testProject(t, files), testProject(t, moved)
	if p.Facts.Workers.Where == nil || p.Facts.Workers.Where.Span == q.Facts.Workers.Where.Span {
		t.Fatalf("the workers setting did not move: %+v, %+v", p.Facts.Workers.Where, q.Facts.Workers.Where)
	}
	if Context(p) != Context(q) {
		t.Errorf("moving the facts changed the key:\n%s\n%s", Context(p), Context(q))
	}
	files["gunicorn.conf.py"] = strings.Replace(files["gunicorn.conf.py"], "workers = 4", "workers = 1", 1)
	if r := testProject(t, files); Context(r) == Context(p) {
		t.Error("changing the worker count kept the key")
	}
}

func keyDjangoSettings() django.Settings {
	return django.Settings{InstalledApps: []string{"django_prometheus"},
		Middleware:      []string{"django_prometheus.middleware.PrometheusBeforeMiddleware"},
		ExportPort:      &python.Assign{Target: "PROMETHEUS_METRICS_EXPORT_PORT", Value: &python.Expr{Text: "8001"}},
		ExportPortRange: &python.Assign{Target: "PROMETHEUS_METRICS_EXPORT_PORT_RANGE", Value: &python.Expr{Text: "range(8001, 8005)"}},
		RangeSize:       4}
}

// TestDjangoSettingsKey: every field of the settings changes the key.
func TestDjangoSettingsKey(t *testing.T) {
	for name, mutate := range map[string]func(s *django.Settings){
		"InstalledApps":   func(s *django.Settings) { s.InstalledApps = nil },
		"Middleware":      func(s *django.Settings) { s.Middleware = nil },
		"FullApps":        func(s *django.Settings) { s.FullApps = !s.FullApps },
		"ExportPort":      func(s *django.Settings) { s.ExportPort = nil },
		"ExportPortRange": func(s *django.Settings) { s.ExportPortRange.Value = &python.Expr{Text: "range(8001, 8003)"} },
		"RangeSize":       func(s *django.Settings) { s.RangeSize = 2 },
	} {
		var a, b keyWriter
		base, changed := keyDjangoSettings(), keyDjangoSettings()
		mutate(&changed)
		a.djangoSettings(&base)
		b.djangoSettings(&changed)
		if a.String() == b.String() {
			t.Errorf("changing Settings.%s leaves the key unchanged", name)
		}
	}
	if n := reflect.TypeFor[django.Settings]().NumField(); n != 6 {
		t.Errorf("django.Settings has %d fields, TestDjangoSettingsKey mutates 6: add the new one to keyWriter.djangoSettings and here", n)
	}
}

func testProject(t testing.TB, files map[string]string) *project.Project {
	t.Helper()
	var fs []*project.File
	for rel, src := range files {
		fs = append(fs, &project.File{Path: rel, Kind: project.Classify(rel), Src: []byte(src)})
	}
	return project.NewProject(context.Background(), "/w", fs, config.Settings{})
}
