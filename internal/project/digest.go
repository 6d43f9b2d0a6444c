package project

import (
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"
)

// moduleDigest is what the project facts read of every module, computed
// once per module. The facts are rebuilt on every check; reading a few
// flags per module instead of its imports, assignments and functions keeps
// that pass from growing faster than the project (on a large one those
// reads are cache misses).
type moduleDigest struct {
	importsExporter, importsClient, importsRedis bool
	// importsASGIExporter: prometheus_fastapi_instrumentator or
	// starlette_exporter, which build on prometheus_client.
	importsASGIExporter bool
	// The counts looksLikeGunicornConfig weighs: module-level settings,
	// other public module-level names, gunicorn hooks.
	settings, otherNames, hooks int
	// envAssigns are the assignments whose target is a subscript (the
	// candidates for os.environ[NAME] = v), by index into Assigns.
	envAssigns []int32
}

// digest returns the digest of the file's module. Safe for concurrent use.
func (f *File) digest() *moduleDigest {
	f.digestOnce.Do(func() {
		m := f.Py
		d := &moduleDigest{
			importsExporter: len(m.ImportsFrom("prometheus_flask_exporter")) > 0,
			importsClient:   len(m.ImportsFrom("prometheus_client")) > 0,
			importsRedis:    len(m.ImportsFrom("redis")) > 0,
		}
		for _, mod := range frameworks.ASGIExporterModules {
			d.importsASGIExporter = d.importsASGIExporter || len(m.ImportsFrom(mod)) > 0
		}
		for i, a := range m.Assigns {
			if strings.IndexByte(a.Target, '[') >= 0 {
				d.envAssigns = append(d.envAssigns, int32(i))
			}
			if a.Scope != nil || a.Class != "" || !a.TopLevel {
				continue
			}
			if GunicornSettingNames[a.Target] {
				d.settings++
			} else if !strings.HasPrefix(a.Target, "_") {
				d.otherNames++
			}
		}
		for _, fn := range m.Funcs {
			if fn.IsModuleLevel() {
				if _, ok := GunicornHooks[fn.Name]; ok {
					d.hooks++
				}
			}
		}
		f.digestV = d
	})
	return f.digestV
}
