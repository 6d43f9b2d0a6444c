package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deps"
	"github.com/multiprom/multiprom/internal/project"
)

// GaugeWithoutMode reports Gauges that will export one series per worker pid.
var GaugeWithoutMode = &diagnostics.Rule{
	Code:     "MP301",
	Name:     "gauge-without-mode",
	Severity: diagnostics.Warning,
	Title:    "Gauge without multiprocess_mode exports one series per worker",
	Doc: "In multiprocess mode a Gauge's default multiprocess_mode is \"all\": every worker writes its own " +
		"file and the scrape returns one series per pid, with a pid label, including pids of workers that " +
		"have exited. Dashboards then show one worker's value, or a forest of stale series. Choose how the " +
		"workers' values combine: livesum for things counted up and down (in-progress requests, open " +
		"connections), livemax or livemostrecent (client >= 0.18) for values each worker sets.",
	Before:  `IN_PROGRESS = Gauge("jobs_in_progress", "Jobs running")`,
	After:   `IN_PROGRESS = Gauge("jobs_in_progress", "Jobs running", multiprocess_mode="livesum")`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Adds multiprocess_mode= with the mode that fits how the gauge is used anywhere in the project (inc/dec/track_inprogress, also as a decorator or context manager, and exporter metrics.gauge decorators -> livesum; set only -> livemax, or livemostrecent on client >= 0.18); the other valid modes, and \"set every Gauge in this file\", are offered as further actions. A Gauge made through a helper of the module that takes the class (make(Gauge, \"g\", \"help\")) gets the keyword on the helper's call when the helper passes **kwargs on, and no fix otherwise.",
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		if runsAsOwnProcess(pass.Project, pass.File) {
			return // a script run on its own is one process
		}
		f := pass.File
		var missing []*project.MetricDecl
		for _, decl := range pass.Project.Metrics().DeclsIn(f) {
			if decl.Type == "Gauge" && decl.Keyword("multiprocess_mode") == nil && !decl.HasSplat() {
				missing = append(missing, decl)
			}
		}
		// Only a keyword that reaches the constructor is a fix: not one
		// added to a call of a factory that does not pass **kwargs on.
		fixable := slices.DeleteFunc(slices.Clone(missing), func(d *project.MetricDecl) bool { return !d.KeywordsReachConstructor() })
		var every diagnostics.Fix // "set every Gauge in this file": built once, shared by each finding
		if len(fixable) > 1 {
			every = allGaugesFix(pass.Project, f, fixable)
		}
		for _, decl := range missing {
			preferred := preferredMode(pass.Project, decl)
			name, _ := decl.NameArg()
			diag := pass.Report(decl.Call.Span(), "Gauge %s has no multiprocess_mode: under %s it exports one series per worker pid; use %q", quoteName(name, decl), serverName(pass.Project), preferred)
			if !decl.KeywordsReachConstructor() {
				continue
			}
			// One insertion point for every alternative: only the value differs.
			at := diagnostics.AddKeyword(f, decl.Call, "multiprocess_mode", modePlaceholder)
			// Collected first (on the stack: a constant capacity, more
			// than the modes and "every Gauge") and added at once: the
			// finding's fixes are then one allocation of their size.
			fixes := make([]diagnostics.Fix, 0, 16)
			fixes = append(fixes, modeFix(at, preferred, true))
			counted := usedWithIncDec(pass.Project, decl)
			for _, m := range deps.GaugeModes {
				if m.Mode != preferred && pass.Project.Facts.ModeSupported(m.Mode) && !(counted && isMostRecent(m.Mode)) {
					fixes = append(fixes, modeFix(at, m.Mode, false))
				}
			}
			if len(fixable) > 1 {
				fixes = append(fixes, every)
			}
			diag.AddFix(fixes...)
		}
	},
}

// allGaugesFix sets the mode that fits each gauge on every mode-less Gauge
// of the file (the "set every Gauge in this file" action).
func allGaugesFix(p *project.Project, f *project.File, decls []*project.MetricDecl) diagnostics.Fix {
	fix := diagnostics.Fix{Title: fmt.Sprintf("Set multiprocess_mode on every Gauge in %s (%d)", f.Path, len(decls))}
	for _, decl := range decls {
		fix.Edits = append(fix.Edits, diagnostics.AddKeyword(f, decl.Call, "multiprocess_mode", strconv.Quote(preferredMode(p, decl))))
	}
	return fix
}

func quoteName(name string, decl *project.MetricDecl) string {
	if name != "" {
		return strconv.Quote(name)
	}
	if decl.Var != "" {
		return decl.Var
	}
	return "(unnamed)"
}

// modePlaceholder stands for the quoted mode in the keyword edit that
// modeFix specialises.
const modePlaceholder = "\x00mode\x00"

// modeFix sets the mode through at, an AddKeyword edit built with
// modePlaceholder as the value.
func modeFix(at diagnostics.Edit, mode string, preferred bool) diagnostics.Fix {
	t, ok := modeFixTitles[mode]
	if !ok { // not a mode of deps.GaugeModes: titled the same way
		t = modeFixTitle(mode)
	}
	title := t[0]
	if preferred {
		title = t[1]
	}
	at.NewText = strings.Replace(at.NewText, modePlaceholder, strconv.Quote(mode), 1)
	return diagnostics.Fix{Title: title, Edits: []diagnostics.Edit{at}}
}

// modeFixTitles are modeFix's titles for each mode of deps.GaugeModes,
// as an alternative and as the preferred fix, made once instead of per
// finding.
var modeFixTitles = func() map[string][2]string {
	titles := make(map[string][2]string, len(deps.GaugeModes))
	for _, m := range deps.GaugeModes {
		titles[m.Mode] = modeFixTitle(m.Mode)
	}
	return titles
}()

func modeFixTitle(mode string) [2]string {
	title := "Set multiprocess_mode=" + strconv.Quote(mode)
	return [2]string{title, title + " (fits how the gauge is used)"}
}

// incDecMethods are the Gauge methods that add to its value (a
// track_inprogress() tracker calls inc() and dec()).
var incDecMethods = map[string]bool{"inc": true, "dec": true, "track_inprogress": true}

func isMostRecent(mode string) bool { return mode == "mostrecent" || mode == "livemostrecent" }

// usedWithIncDec reports whether the gauge is counted up and down anywhere.
func usedWithIncDec(p *project.Project, decl *project.MetricDecl) bool {
	if decl.Exporter {
		// prometheus_flask_exporter's metrics.gauge(...) is a decorator that
		// inc()s before the view and dec()s after it.
		return true
	}
	for _, u := range p.Metrics().Uses(decl) {
		if incDecMethods[u.Call.MethodName()] {
			return true
		}
	}
	// @IN_PROGRESS.track_inprogress() and `with G.track_inprogress():` are
	// calls on the gauge too, so the index sees them.
	return false
}

// preferredMode picks the mode that fits the gauge's use, as MP301's FixDoc
// (docs/rules.md#mp301) promises: livesum for a gauge counted up and down;
// for one only set, livemostrecent when every client the requirement allows
// has it (ClientAtLeast: an unknown client does not get a mode that may
// raise), else livemax, else max for a client older than 0.15.
func preferredMode(p *project.Project, decl *project.MetricDecl) string {
	if usedWithIncDec(p, decl) {
		return "livesum"
	}
	if p.Facts.ClientAtLeast("0.18") {
		return "livemostrecent"
	}
	if p.Facts.ModeSupported("livemax") {
		return "livemax"
	}
	return "max"
}
