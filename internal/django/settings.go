// Package django reads what multiprom needs of a Django project from parsed
// Python modules: settings modules (INSTALLED_APPS, MIDDLEWARE,
// django-prometheus's export port settings), the settings module a
// DJANGO_SETTINGS_MODULE default names, and AppConfig.ready methods. Values
// come from the module's literal assignments only, never from text
// searches: an entry built at run time is not known.
package django

import (
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
)

// Settings is what a settings module assigns at its top level.
type Settings struct {
	InstalledApps []string // literal string entries of INSTALLED_APPS (also `+=`)
	// FullApps: INSTALLED_APPS is assigned with `=` here, so InstalledApps
	// is the whole list (else it only extends a star-imported base's).
	FullApps   bool
	Middleware []string // literal string entries of MIDDLEWARE
	// ExportPort and ExportPortRange are django-prometheus's
	// PROMETHEUS_METRICS_EXPORT_PORT and _PORT_RANGE assignments (nil: not
	// set). RangeSize is the number of ports of a literal range(a, b) or
	// list, -1 when unknown.
	ExportPort      *python.Assign
	ExportPortRange *python.Assign
	RangeSize       int
}

// HasApp reports whether INSTALLED_APPS lists the app (its module name or
// an AppConfig path under it).
func (s *Settings) HasApp(name string) bool {
	for _, a := range s.InstalledApps {
		if a == name || strings.HasPrefix(a, name+".") {
			return true
		}
	}
	return false
}

// UsesApp reports whether INSTALLED_APPS lists the app or MIDDLEWARE names
// a class of it (django-prometheus documents both; either alone still
// imports prometheus_client in every worker).
func (s *Settings) UsesApp(name string) bool {
	if s.HasApp(name) {
		return true
	}
	for _, m := range s.Middleware {
		if strings.HasPrefix(m, name+".") {
			return true
		}
	}
	return false
}

// ReadSettings reads a module's settings; isSettings is true when it
// assigns INSTALLED_APPS at its top level (a settings module by shape).
func ReadSettings(m *python.Module) (s Settings, isSettings bool) {
	s.RangeSize = -1
	for _, a := range m.Assigns {
		if a.Scope != nil || a.Class != "" || a.Value == nil {
			continue
		}
		switch a.Target {
		case "INSTALLED_APPS":
			isSettings = isSettings || a.TopLevel
			s.InstalledApps = literalStrings(a, s.InstalledApps)
			s.FullApps = s.FullApps || a.Op == "="
		case "MIDDLEWARE":
			s.Middleware = literalStrings(a, s.Middleware)
		case "PROMETHEUS_METRICS_EXPORT_PORT":
			// Nothing else reads these names: a module assigning them is
			// a settings module (a prod.py that star-imports its base).
			isSettings = true
			s.ExportPort = nil
			if !falsy(a.Value) { // None, 0, False: django-prometheus starts nothing
				s.ExportPort = a
			}
		case "PROMETHEUS_METRICS_EXPORT_PORT_RANGE":
			isSettings = true
			s.ExportPortRange, s.RangeSize = nil, -1
			if !falsy(a.Value) {
				s.ExportPortRange, s.RangeSize = a, portCount(m, a.Value)
			}
		}
	}
	return s, isSettings
}

// SettingsModulesNamed returns the module names a module's
// os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...") calls name.
func SettingsModulesNamed(m *python.Module) []string {
	var out []string
	for _, c := range m.CallsTo("os.environ.setdefault") {
		if k, v := c.Positional(0), c.Positional(1); k != nil && v != nil && k.Str() == frameworks.DjangoSettingsVar && v.IsStr() {
			out = append(out, v.Str())
		}
	}
	return out
}

// ReadyMethods returns the ready methods of the module's AppConfig
// subclasses.
func ReadyMethods(m *python.Module) []*python.FuncDef {
	var out []*python.FuncDef
	for _, cl := range m.Classes {
		if !subclassesAppConfig(m, cl) {
			continue
		}
		for _, fn := range m.Funcs {
			if fn.Class == cl.Name && fn.Name == "ready" && fn.Parent == nil {
				out = append(out, fn)
			}
		}
	}
	return out
}

func subclassesAppConfig(m *python.Module, cl *python.ClassDef) bool {
	for _, b := range cl.Bases {
		if q := m.Qualify(b); q == "django.apps.AppConfig" || q == "django.apps.config.AppConfig" {
			return true
		}
	}
	return false
}

// falsy: a literal SetupPrometheusExportsFromConfig's `if port_range:` /
// `elif port:` skip.
func falsy(e *python.Expr) bool {
	switch strings.TrimSpace(e.Text) {
	case "None", "0", "False", "[]", "()", "''", `""`:
		return true
	}
	return false
}

// literalStrings appends the string literals of a list/tuple assignment
// (`=` of a literal starts over, `+=` extends). An `=` of anything else
// (`INSTALLED_APPS = list(dict.fromkeys(INSTALLED_APPS))`, which NetBox
// uses to drop duplicates) is most often derived from the list itself: what
// was known stays.
func literalStrings(a *python.Assign, have []string) []string {
	if a.Op == "=" && a.Value.Elements() != nil {
		have = nil
	}
	for _, e := range a.Value.Elements() {
		if e.IsStr() {
			have = append(have, e.Str())
		}
	}
	return have
}

// portCount is the number of ports of `range(a, b)` or a literal list of
// ports; -1 when not literal.
func portCount(m *python.Module, e *python.Expr) int {
	if els := e.Elements(); els != nil {
		return len(els)
	}
	if e.Kind() != "call" {
		return -1
	}
	for _, c := range m.CallsTo("range") {
		if c.Span() != e.Span() {
			continue
		}
		args := c.Arguments()
		if len(args) != 2 {
			return -1
		}
		lo, err1 := strconv.Atoi(strings.TrimSpace(args[0].Value.Text))
		hi, err2 := strconv.Atoi(strings.TrimSpace(args[1].Value.Text))
		if err1 != nil || err2 != nil || hi < lo {
			return -1
		}
		return hi - lo
	}
	return -1
}

// RoutesExportView reports whether the module routes django-prometheus's
// /metrics view: include("django_prometheus.urls") or a use of
// ExportToDjangoView.
func RoutesExportView(m *python.Module) bool {
	for _, c := range m.CallsTo("django.urls.include", "django.conf.urls.include") {
		if a := c.Positional(0); a != nil && a.Str() == frameworks.DjangoExporterApp+".urls" {
			return true
		}
	}
	for _, im := range m.ImportsFrom(frameworks.DjangoExporterApp) {
		if im.Name == "ExportToDjangoView" {
			return true
		}
	}
	return false
}
