package codeactions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/snippets"
)

// Set-up action kinds, as LSP code action kinds (the editor's "Source
// Action…" menu lists them under source.multiprom).
const (
	KindDashboard    = "source.multiprom.dashboard"
	KindRequirements = "source.multiprom.requirements"
	KindDeploy       = "source.multiprom.deploy"
)

// SetupAction is one project-level step of the set-up checklist that no
// finding triggers: the Grafana dashboard, the requirements, the deploy
// files. Fix follows diagnostics.Fix's contract (non-overlapping edits,
// creates never overwrite). Notes say what the step deliberately left
// alone, for the CLI to print; an action whose Fix is zero is not offered.
type SetupAction struct {
	Kind, Title string
	Fix         diagnostics.Fix
	Notes       []string
}

// SetupActions computes every set-up step that would change something, in
// checklist order. It does no I/O: files multiprom does not scan (the
// dashboard, deploy/prometheus.yml) may already exist on disk, so callers
// must let creates be skipped when their target exists (the CLI checks;
// in LSP, CreateFile with ignoreIfExists).
func SetupActions(p *project.Project) []SetupAction {
	var out []SetupAction
	for _, a := range []SetupAction{DashboardAction(p), requirementsSetup(p), DeployAction(p)} {
		if !a.Fix.IsZero() || len(a.Notes) > 0 {
			out = append(out, a)
		}
	}
	return out
}

// DashboardPath is where the starter dashboard is created.
func DashboardPath(tag string) string {
	return "grafana/" + fileSafe(tag) + "-dashboard.json"
}

var fileUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// fileSafe makes an application tag usable as a file name part.
func fileSafe(tag string) string {
	s := strings.Trim(fileUnsafe.ReplaceAllString(tag, "-"), "-.")
	if s == "" {
		return "app"
	}
	return s
}

// DashboardAction creates grafana/<tag>-dashboard.json from the metric
// names the project declares (see DashboardParams).
func DashboardAction(p *project.Project) SetupAction {
	a := SetupAction{Kind: KindDashboard}
	rel := DashboardPath(p.Facts.AppTag)
	a.Title = "Create the Grafana starter dashboard " + rel
	if p.File(rel) != nil {
		return a
	}
	b, err := snippets.Dashboard(DashboardParams(p))
	if err != nil {
		a.Notes = append(a.Notes, err.Error())
		return a
	}
	a.Fix = diagnostics.Fix{Title: a.Title, Creates: []diagnostics.Create{{Path: rel, Content: string(b)}}}
	return a
}

func requirementsSetup(p *project.Project) SetupAction {
	fix, notes := RequirementsAction(p)
	title := fix.Title
	if title == "" {
		title = "Add the Prometheus libraries to the requirements"
	}
	return SetupAction{Kind: KindRequirements, Title: title, Fix: fix, Notes: notes}
}

// ApplySetup applies the actions' fixes to the project's files and returns
// the outcome in fix-all's shape, for Write and WriteDiff. Creates of a
// path that another action already creates are dropped.
func ApplySetup(p *project.Project, actions []SetupAction) (*Result, error) {
	res := &Result{Changed: map[string][]byte{}, Created: map[string][]byte{}}
	byPath := map[string][]diagnostics.Edit{}
	var order []string
	for _, a := range actions {
		for _, e := range a.Fix.Edits {
			if _, ok := byPath[e.Path]; !ok {
				order = append(order, e.Path)
			}
			byPath[e.Path] = append(byPath[e.Path], e)
		}
		for _, c := range a.Fix.Creates {
			if err := CheckRelPath(c.Path); err != nil {
				return nil, err
			}
			if _, dup := res.Created[c.Path]; !dup && p.File(c.Path) == nil {
				res.Created[c.Path] = []byte(c.Content)
			}
		}
		if !a.Fix.IsZero() {
			res.Applied++
		}
	}
	for _, rel := range order {
		f := p.File(rel)
		if f == nil {
			return nil, fmt.Errorf("set-up: %s is not a project file", rel)
		}
		out, err := ApplyEdits(f.Src, byPath[rel])
		if err != nil {
			return nil, fmt.Errorf("set-up %s: %w", rel, err)
		}
		if string(out) != string(f.Src) {
			res.Changed[rel] = out
		}
	}
	return res, nil
}
