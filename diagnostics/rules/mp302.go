package rules

import (
	"strconv"

	"github.com/agnivade/levenshtein"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deps"
	"github.com/multiprom/multiprom/internal/project"
)

// GaugeInvalidMode reports multiprocess_mode values the client rejects.
var GaugeInvalidMode = &diagnostics.Rule{
	Code:     "MP302",
	Name:     "gauge-invalid-mode",
	Severity: diagnostics.Error,
	Title:    "multiprocess_mode is not a mode this prometheus_client accepts",
	Doc: "Gauge() raises ValueError(\"Invalid multiprocess mode\") at import time for a mode outside " +
		"all, liveall, min, livemin, max, livemax, sum, livesum, mostrecent, livemostrecent. sum, livemin " +
		"and livemax exist since prometheus_client 0.15, mostrecent and livemostrecent since 0.18: with an " +
		"older pinned client the app does not start.",
	Before:  `ACTIVE = Gauge("sessions_active", "Sessions", multiprocess_mode="livesumm")`,
	After:   `ACTIVE = Gauge("sessions_active", "Sessions", multiprocess_mode="livesum")`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Replaces the mode with the nearest valid one the pinned client supports.",
	Applies: nil, // an invalid mode fails in any project: Gauge() validates it eagerly
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		for _, decl := range f.MetricDecls() {
			if decl.Type != "Gauge" {
				continue
			}
			arg := decl.Keyword("multiprocess_mode")
			if arg == nil || arg.Value == nil || !arg.Value.IsStr() || !decl.SiteArg(arg) {
				continue
			}
			mode := arg.Value.Str()
			since, valid := deps.ModeSince(mode)
			switch {
			case !valid:
				near := nearestMode(pass.Project, mode)
				pass.Report(arg.Value.Span(), "multiprocess_mode %q is not valid: Gauge() raises ValueError; did you mean %q?", mode, near).
					AddFix(diagnostics.Fix{Title: "Use multiprocess_mode=" + strconv.Quote(near), Edits: []diagnostics.Edit{diagnostics.Replace(f, arg.Value.Span(), strconv.Quote(near))}})
			case since != "" && pass.Project.Facts.ClientOlderThan(since):
				near := olderEquivalent(pass.Project, mode)
				if usedWithIncDec(pass.Project, decl) && pass.Project.Facts.ModeSupported("livesum") {
					near = "livesum" // counted up and down: the values add up across workers
				}
				pass.Report(arg.Value.Span(), "multiprocess_mode %q needs prometheus_client >= %s, but the project pins %s; use %q", mode, since, clientPin(pass.Project), near).
					AddFix(diagnostics.Fix{Title: "Use multiprocess_mode=" + strconv.Quote(near), Edits: []diagnostics.Edit{diagnostics.Replace(f, arg.Value.Span(), strconv.Quote(near))}})
			}
		}
	},
}

func clientPin(p *project.Project) string {
	if r := p.Facts.Requirements["prometheus-client"]; r != nil {
		return r.Spec
	}
	return p.Facts.ClientMax
}

// olderEquivalent maps a mode to the closest one an older client has.
func olderEquivalent(p *project.Project, mode string) string {
	for _, cand := range map[string][]string{
		"mostrecent":     {"max"},
		"livemostrecent": {"livemax", "max"},
		"sum":            {"livesum"},
		"livemin":        {"min"},
		"livemax":        {"max"},
	}[mode] {
		if p.Facts.ModeSupported(cand) {
			return cand
		}
	}
	return "all"
}

// nearestMode is the supported mode at the smallest edit distance.
func nearestMode(p *project.Project, mode string) string {
	best, bestDist := "livesum", 1<<30
	for _, m := range deps.GaugeModes {
		if !p.Facts.ModeSupported(m.Mode) {
			continue
		}
		if dist := levenshtein.ComputeDistance(mode, m.Mode); dist < bestDist {
			best, bestDist = m.Mode, dist
		}
	}
	return best
}
