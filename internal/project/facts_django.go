package project

import (
	"github.com/multiprom/multiprom/internal/django"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
)

// DjangoSettings is a Django settings module: the module a
// DJANGO_SETTINGS_MODULE default names (wsgi.py, asgi.py, manage.py), or a
// module that assigns INSTALLED_APPS at its top level.
type DjangoSettings struct {
	File     *File
	Settings django.Settings
}

// ReadyHook is an AppConfig subclass's ready method: Django runs it in
// every process that calls django.setup() (each worker, or the master
// alone under preload_app).
type ReadyHook struct {
	File *File
	Func *python.FuncDef
}

// findDjango fills the Django settings modules and AppConfig.ready hooks.
func findDjango(p *Project, fs *Facts) {
	named := map[string]bool{}
	for _, f := range p.PythonFiles() {
		for _, n := range django.SettingsModulesNamed(f.Py) {
			named[n] = true
		}
	}
	for _, f := range p.PythonFiles() {
		if IsTestFile(f) {
			continue
		}
		if s, isSettings := django.ReadSettings(f.Py); isSettings || named[f.ModuleName()] {
			fs.Django = append(fs.Django, &DjangoSettings{File: f, Settings: s})
		}
		for _, fn := range django.ReadyMethods(f.Py) {
			fs.DjangoReady = append(fs.DjangoReady, &ReadyHook{File: f, Func: fn})
		}
	}
}

// DjangoExporter reports whether a settings module installs django-prometheus
// (INSTALLED_APPS or MIDDLEWARE).
func (fs *Facts) DjangoExporter() bool {
	for _, s := range fs.Django {
		if s.Settings.UsesApp(frameworks.DjangoExporterApp) {
			return true
		}
	}
	return false
}
