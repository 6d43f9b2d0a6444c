package django

import (
	"context"
	"testing"

	"github.com/multiprom/multiprom/internal/python"
)

// TestReadSettings: literal lists only; `+=` extends without making the list complete; an
// export port of None/0 is off (django-prometheus's `elif port:` skips it) and still marks a
// settings module; a range's size comes from range(a, b) or a list.
func TestReadSettings(t *testing.T) {
	cases := []struct {
		src                string
		settings, fullApps bool
		apps               int
		port, portRange    bool
		rangeSize          int
	}{
		{"INSTALLED_APPS = ['a', 'django_prometheus']\n", true, true, 2, false, false, -1},
		{"from .base import *\nINSTALLED_APPS += ['django_prometheus', APP]\n", true, false, 1, false, false, -1},
		{"PROMETHEUS_METRICS_EXPORT_PORT = None\n", true, false, 0, false, false, -1},
		{"PROMETHEUS_METRICS_EXPORT_PORT = 0\nPROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(8001, 8009)\n", true, false, 0, false, true, 8},
		{"PROMETHEUS_METRICS_EXPORT_PORT_RANGE = [9001, 9002]\n", true, false, 0, false, true, 2},
		{"PROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(BASE, BASE + 4)\n", true, false, 0, false, true, -1},
		{"def f():\n    INSTALLED_APPS = ['x']\n", false, false, 0, false, false, -1},
		{"INSTALLED_APPS = ['a', 'django_prometheus']\nif PLUGINS:\n    INSTALLED_APPS = list(dict.fromkeys(INSTALLED_APPS))\n", true, true, 2, false, false, -1},
		{"INSTALLED_APPS = ['a', 'django_prometheus']\nINSTALLED_APPS = ['b']\n", true, true, 1, false, false, -1},
	}
	for _, c := range cases {
		m, err := python.Parse(context.Background(), []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		s, isSettings := ReadSettings(m)
		if isSettings != c.settings || s.FullApps != c.fullApps || len(s.InstalledApps) != c.apps ||
			(s.ExportPort != nil) != c.port || (s.ExportPortRange != nil) != c.portRange || s.RangeSize != c.rangeSize {
			t.Errorf("%q: settings=%v %+v", c.src, isSettings, s)
		}
	}
}
