package project

import (
	"context"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/frameworks"
)

// TestDjangoFacts: wsgi.py's get_wsgi_application() is a Django app site;
// the module DJANGO_SETTINGS_MODULE names is read as settings (literal
// INSTALLED_APPS/MIDDLEWARE lists, `+=` included, the export port
// settings); django_prometheus installed makes the project a Prometheus
// one, so several gunicorn workers make it multiprocess; an AppConfig's
// ready is a ready hook and another class's is not.
func TestDjangoFacts(t *testing.T) {
	files := []*File{
		{Path: "mysite/wsgi.py", Kind: KindPython, Src: []byte("import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.prod\")\napplication = get_wsgi_application()\n")},
		{Path: "mysite/prod.py", Kind: KindPython, Src: []byte("DEBUG = False\nMIDDLEWARE = ['django_prometheus.middleware.PrometheusBeforeMiddleware']\nPROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(8001, 8005)\n")},
		{Path: "mysite/settings.py", Kind: KindPython, Src: []byte("INSTALLED_APPS = ['django.contrib.auth']\nINSTALLED_APPS += ['django_prometheus']\nnot_a_list = 'django_prometheus'\n")},
		{Path: "shop/apps.py", Kind: KindPython, Src: []byte("from django.apps import AppConfig\nclass ShopConfig(AppConfig):\n    def ready(self):\n        pass\nclass Other:\n    def ready(self):\n        pass\n")},
		{Path: "gunicorn.conf.py", Kind: KindPython, Src: []byte("workers = 4\n")},
	}
	p := NewProject(context.Background(), "/x", files, config.Settings{})
	fs := p.Facts
	if apps := fs.AppsOf(frameworks.Django); len(apps) != 1 || apps[0].File.Path != "mysite/wsgi.py" {
		t.Fatalf("Django apps = %v, want the one in mysite/wsgi.py", apps)
	}
	if len(fs.Django) != 2 {
		t.Fatalf("settings modules = %d, want 2 (named prod.py, settings.py with INSTALLED_APPS)", len(fs.Django))
	}
	prod, settings := fs.Django[0], fs.Django[1]
	if prod.File.Path != "mysite/prod.py" || prod.Settings.ExportPortRange == nil || prod.Settings.RangeSize != 4 || len(prod.Settings.Middleware) != 1 {
		t.Errorf("prod settings = %+v, want the range of 4 ports and one middleware", prod)
	}
	if !settings.Settings.HasApp("django_prometheus") || len(settings.Settings.InstalledApps) != 2 {
		t.Errorf("INSTALLED_APPS = %q, want auth and django_prometheus", settings.Settings.InstalledApps)
	}
	if !fs.Prometheus || !fs.Multiprocess {
		t.Errorf("Prometheus=%v Multiprocess=%v, want both (django_prometheus installed, 4 workers)", fs.Prometheus, fs.Multiprocess)
	}
	only := &File{Path: "mysite/settings.py", Kind: KindPython, Src: []byte("INSTALLED_APPS = ['shop']\nMIDDLEWARE = ['django_prometheus.middleware.PrometheusBeforeMiddleware']\n")}
	if !NewProject(context.Background(), "/x", []*File{only}, config.Settings{}).Facts.DjangoExporter() {
		t.Error("django_prometheus's middleware alone: DjangoExporter = false, want true")
	}
	if len(fs.DjangoReady) != 1 || fs.DjangoReady[0].Func.Class != "ShopConfig" {
		t.Errorf("ready hooks = %v, want ShopConfig.ready only", fs.DjangoReady)
	}
}
