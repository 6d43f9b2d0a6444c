package rules

import (
	"strconv"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// MostRecentGaugeInc reports inc/dec on a mostrecent gauge, which raises.
var MostRecentGaugeInc = &diagnostics.Rule{
	Code:     "MP308",
	Name:     "mostrecent-gauge-inc",
	Severity: diagnostics.Error,
	Title:    "inc()/dec() on a mostrecent gauge raises RuntimeError",
	Doc: "A Gauge with multiprocess_mode \"mostrecent\" or \"livemostrecent\" keeps only the latest set() " +
		"with its timestamp; prometheus_client (>= 0.18) makes its inc() and dec() raise RuntimeError(\"inc " +
		"must not be used with the mostrecent mode\"), and track_inprogress() calls them. The request that " +
		"reaches the call fails. A gauge that is counted up and down across workers wants \"livesum\". " +
		"(With a client older than 0.18 the mode itself is invalid: MP302.)",
	Before: `IN_PROGRESS = Gauge("jobs_running", "Jobs running", multiprocess_mode="livemostrecent")
IN_PROGRESS.inc()`,
	After: `IN_PROGRESS = Gauge("jobs_running", "Jobs running", multiprocess_mode="livesum")
IN_PROGRESS.inc()`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Replaces the mode with \"livesum\".",
	Applies: func(p *project.Project) bool { return !p.Facts.ClientOlderThan("0.18") },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		ix := pass.Project.Metrics()
		for _, decl := range ix.DeclsIn(f) {
			if decl.Type != "Gauge" {
				continue
			}
			mode, arg := decl.Mode()
			if !isMostRecent(mode) || !decl.SiteArg(arg) {
				continue
			}
			use := "the exporter's gauge decorator (inc before the view, dec after)"
			if !decl.Exporter {
				use = ""
				for _, u := range ix.Uses(decl) {
					if c := u.Call; incDecMethods[c.MethodName()] {
						use = baseName(c) + "." + c.MethodName() + "() at " + where(u.File, c.Span().Start)
						break
					}
				}
				if use == "" {
					continue
				}
			}
			pass.Report(arg.Value.Span(), "%s has multiprocess_mode %q but is used with %s, which raises RuntimeError with a mostrecent mode; use \"livesum\"", declLabel(decl), mode, use).
				AddFix(diagnostics.Fix{Title: "Use multiprocess_mode=\"livesum\"", Edits: []diagnostics.Edit{diagnostics.Replace(f, arg.Value.Span(), strconv.Quote("livesum"))}})
		}
	},
}
