package rules

import (
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// showOnPython shows a finding reported on a deploy file (the command line
// that starts gunicorn, where a project without a gunicorn config anchors
// what is missing) on the Python file it acts on as well: the gunicorn
// config when there is one (its workers setting, else its first line: the
// hooks and settings go there), else the app's construction (Flask(...),
// FastAPI(), get_wsgi_application(): the code
// the workers run). A user who opens only the app then sees it. A finding
// already on a Python file is left as it is.
func showOnPython(p *project.Project, d *diagnostics.Diagnostic) *diagnostics.Diagnostic {
	if f := p.File(d.Path); f == nil || f.Kind == project.KindPython {
		return d
	}
	if cfg := p.Facts.Config(); cfg != nil {
		if w := cfg.Setting("workers"); w != nil {
			return d.ShowAlsoOn(cfg.File.Path, w.Span)
		}
		return d.ShowAlsoOn(cfg.File.Path, project.FirstLine(cfg.File))
	}
	for _, app := range p.Facts.Apps {
		if !project.IsTestFile(app.File) && app.Call != nil {
			return d.ShowAlsoOn(app.File.Path, app.Call.Span())
		}
	}
	return d
}
