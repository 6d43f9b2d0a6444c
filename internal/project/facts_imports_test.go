package project

import (
	"context"
	"github.com/multiprom/multiprom/internal/config"
	"testing"
)

// An absolute import of a module the interpreter or gunicorn loaded before
// any project code runs binds that module, not a project file of the same
// name; other project modules are followed.
func TestImportReachesPrometheusSkipsPreloadedNames(t *testing.T) {
	files := []*File{
		{Path: "gunicorn.conf.py", Kind: KindPython, Src: []byte("import os\nimport metrics\n")},
		{Path: "os.py", Kind: KindPython, Src: []byte("from prometheus_flask_exporter import A\n")},
		{Path: "metrics.py", Kind: KindPython, Src: []byte("import prometheus_client\n")},
		{Path: "pkg/__init__.py", Kind: KindPython, Src: []byte("")},
		{Path: "pkg/os.py", Kind: KindPython, Src: []byte("import prometheus_client\n")},
		{Path: "pkg/app.py", Kind: KindPython, Src: []byte("from . import os\n")},
	}
	p := NewProject(context.Background(), "/w", files, config.Settings{})
	conf, app := p.File("gunicorn.conf.py"), p.File("pkg/app.py")
	for _, c := range []struct {
		f    *File
		want map[string]bool
	}{{conf, map[string]bool{"os": false, "metrics": true}}, {app, map[string]bool{"os": true}}} {
		for _, im := range c.f.Py.Imports {
			if got := p.ImportReachesPrometheus(c.f, im); got != c.want[im.Local()] {
				t.Errorf("%s: import %s reaches prometheus_client: %v, want %v", c.f.Path, im.Local(), got, c.want[im.Local()])
			}
		}
	}
	if first := p.FirstPrometheusImport(conf); first == nil || first.Local() != "metrics" {
		t.Errorf("first prometheus import = %v, want import metrics", first)
	}
}
