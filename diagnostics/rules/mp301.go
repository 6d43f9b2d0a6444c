package rules

import (
	"fmt"
	"strconv"

	d "github.com/multiprom/multiprom/diagnostics"
)

// GaugeWithoutMode reports Gauges that will export one series per worker pid.
var GaugeWithoutMode = &d.Rule{
	Code:     "MP301",
	Name:     "gauge-without-mode",
	Severity: d.Warning,
	Title:    "Gauge without multiprocess_mode exports one series per worker",
	Doc: "In multiprocess mode a Gauge's default multiprocess_mode is \"all\": every worker writes its own " +
		"file and the scrape returns one series per pid, with a pid label, including pids of workers that " +
		"have exited. Dashboards then show one worker's value, or a forest of stale series. Choose how the " +
		"workers' values combine: livesum for things counted up and down (in-progress requests, open " +
		"connections), livemax or livemostrecent (client >= 0.18) for values each worker sets.",
	Before:  `IN_PROGRESS = Gauge("jobs_in_progress", "Jobs running")`,
	After:   `IN_PROGRESS = Gauge("jobs_in_progress", "Jobs running", multiprocess_mode="livesum")`,
	FixDoc:  "Adds multiprocess_mode= with the mode that fits how the gauge is used (inc/dec/track_inprogress -> livesum; set only -> livemax, or livemostrecent on client >= 0.18); the other valid modes are offered as further actions.",
	Applies: multiprocess,
	Run: func(pass *d.Pass) {
		f := pass.File
		for _, decl := range f.Py.MetricDecls(f) {
			if decl.Type != "Gauge" || decl.Call.Keyword("multiprocess_mode") != nil || decl.Call.HasSplat() {
				continue
			}
			preferred := preferredMode(pass.Project, decl)
			name, _ := decl.NameArg()
			diag := pass.Report(decl.Call.Span, "Gauge %s has no multiprocess_mode: under gunicorn it exports one series per worker pid; use %q", quoteName(name, decl), preferred)
			diag.AddFix(modeFix(f, decl.Call, preferred, true))
			for _, m := range GaugeModes {
				if m.Mode != preferred && modeSupported(pass.Project, m.Mode) && !(usedWithIncDec(pass.Project, decl) && isMostRecent(m.Mode)) {
					diag.AddFix(modeFix(f, decl.Call, m.Mode, false))
				}
			}
		}
	},
}

func quoteName(name string, decl *d.MetricDecl) string {
	if name != "" {
		return strconv.Quote(name)
	}
	if decl.Var != "" {
		return decl.Var
	}
	return "(unnamed)"
}

func modeFix(f *d.File, c *d.Call, mode string, preferred bool) d.Fix {
	title := fmt.Sprintf("Set multiprocess_mode=%q", mode)
	if preferred {
		title += " (fits how the gauge is used)"
	}
	return d.Fix{Title: title, Edits: []d.Edit{d.AddKeyword(f, c, "multiprocess_mode", strconv.Quote(mode))}}
}

func isMostRecent(mode string) bool { return mode == "mostrecent" || mode == "livemostrecent" }

// usedWithIncDec reports whether the gauge is counted up and down anywhere.
func usedWithIncDec(p *d.Project, decl *d.MetricDecl) bool {
	for _, c := range p.MetricUses(decl) {
		switch c.Method {
		case "inc", "dec", "track_inprogress":
			return true
		}
	}
	// Exporter gauges and decorators: @IN_PROGRESS.track_inprogress() is a call too.
	return false
}

// preferredMode picks the mode that fits the gauge's use (RULES.md MP301).
func preferredMode(p *d.Project, decl *d.MetricDecl) string {
	if usedWithIncDec(p, decl) {
		return "livesum"
	}
	if p.Facts.ClientAtLeast("0.18") {
		return "livemostrecent"
	}
	if modeSupported(p, "livemax") {
		return "livemax"
	}
	return "max"
}
