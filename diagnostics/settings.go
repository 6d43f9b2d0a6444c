package diagnostics

import (
	"strings"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// SettingsProblems are the [tool.multiprom] settings of p's
// pyproject.toml that parse but cannot be honoured (an unknown rule code,
// a severity that is none), each on its key's line and marked Config.
// Settings that do not parse are among p.Problems already.
func SettingsProblems(p *project.Project, rules []*Rule) []project.Problem {
	f := p.File("pyproject.toml")
	if f == nil {
		return nil
	}
	set, _, err := config.ParsePyprojectSettings(f.Src)
	if err != nil {
		return nil
	}
	known := func(code string) bool {
		for _, r := range rules {
			if strings.EqualFold(r.Code, code) {
				return true
			}
		}
		return false
	}
	var out []project.Problem
	for _, e := range set.Problems(known, CheckSeverity) {
		out = append(out, project.Problem{Path: f.Path, Line: config.SettingLine(f.Src, true, e.Key),
			Message: "[tool.multiprom] " + e.Key + ": " + e.Message, Config: true})
	}
	return out
}
