package codeactions

import (
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/snippets"
)

// This file finds the metric names a project really exposes, for the
// starter dashboard: the exporter's request metrics (its defaults_prefix
// applied), or the request metrics the project's own code declares
// (namespace/subsystem/unit joined as prometheus_client joins them), the
// Redis business metrics, and every other counter and gauge.

// declared is one metric constructor whose exposed name is known.
type declared struct {
	Type    string // "Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"
	Exposed string // the name Prometheus sees (counters end in _total)
}

// exporterSetup is what the prometheus_flask_exporter constructor says.
type exporterSetup struct {
	Found    bool
	Prefix   string // "flask_", "" for NO_PREFIX
	Defaults bool   // export_defaults is not False: request metrics exist
	Path     string // path= when literal
}

// DashboardParams computes the dashboard's metric names from the project.
func DashboardParams(p *project.Project) snippets.DashboardParams {
	sp := setupParams(p)
	dp := snippets.DashboardParams{Params: sp}
	decls := projectMetrics(p)
	used := map[string]bool{}

	exp := exporterConfig(p)
	if sp.Flavour == snippets.Exporter && (!exp.Found || exp.Defaults) {
		prefix := "flask_"
		if exp.Found {
			prefix = exp.Prefix
		}
		// prometheus_flask_exporter's export_defaults names (0.23).
		dp.RequestTotal = prefix + "http_request_total"
		dp.RequestDuration = prefix + "http_request_duration_seconds"
		dp.Exceptions = prefix + "http_request_exceptions_total"
	} else {
		dp.RequestTotal = pick(decls, "Counter", snippets.RequestTotalName, isRequestCounter)
		dp.RequestDuration = pick(decls, "Histogram", snippets.RequestDurationName, isRequestDuration)
	}
	dp.InProgress = pick(decls, "Gauge", snippets.InProgressName, isInProgress)
	for _, n := range []string{dp.RequestTotal, dp.RequestDuration, dp.InProgress, dp.Exceptions} {
		if n != "" {
			used[n] = true
			used[strings.TrimSuffix(n, "_total")+"_total"] = true
		}
	}
	dp.Business = businessMetrics(p)
	for _, b := range dp.Business {
		used[b.ExposedName()] = true
	}
	for _, d := range decls {
		if used[d.Exposed] || (d.Type != "Counter" && d.Type != "Gauge") || strings.HasSuffix(d.Exposed, "_info") {
			continue
		}
		used[d.Exposed] = true
		dp.Extra = append(dp.Extra, d.Exposed)
	}
	return dp
}

// pick returns the exposed name of the first declaration of type t that is
// exactly want, else the first that match accepts, else "".
func pick(decls []declared, t, want string, match func(string) bool) string {
	for _, d := range decls {
		if d.Type == t && strings.TrimSuffix(d.Exposed, "_total") == strings.TrimSuffix(want, "_total") {
			return d.Exposed
		}
	}
	for _, d := range decls {
		if d.Type == t && match(d.Exposed) {
			return d.Exposed
		}
	}
	return ""
}

var (
	requestCounterRe  = regexp.MustCompile(`(^|_)(http_)?requests?(_count)?_total$`)
	requestDurationRe = regexp.MustCompile(`(^|_)(http_)?requests?_(duration|latency|time)(_seconds)?$|(^|_)http_(server_)?(duration|latency)(_seconds)?$`)
	inProgressRe      = regexp.MustCompile(`(in_?progress|in_?flight|(active|concurrent)_requests)$`)
)

func isRequestCounter(n string) bool  { return requestCounterRe.MatchString(n) }
func isRequestDuration(n string) bool { return requestDurationRe.MatchString(n) }
func isInProgress(n string) bool      { return inProgressRe.MatchString(n) }

// projectMetrics lists the declarations of the application's modules (not
// tests, not gunicorn configs) whose names are literal, in path order.
func projectMetrics(p *project.Project) []declared {
	var out []declared
	for _, f := range p.PythonFiles() {
		if project.IsTestFile(f) || p.Facts.IsConfig(f) {
			continue
		}
		for _, d := range f.MetricDecls() {
			if name, ok := d.FullName(); ok {
				// FullName is the family; a counter's sample (what
				// dashboards query) adds _total back.
				if d.Type == "Counter" {
					name += "_total"
				}
				out = append(out, declared{Type: d.Type, Exposed: name})
			}
		}
	}
	return out
}

// exporterConfig reads the first prometheus_flask_exporter constructor,
// preferring the multiprocess class (the one gunicorn runs).
func exporterConfig(p *project.Project) exporterSetup {
	var best exporterSetup
	for _, f := range p.PythonFiles() {
		if project.IsTestFile(f) {
			continue
		}
		for _, c := range f.Py.Calls {
			q := c.Qualified()
			cls := strings.TrimSuffix(q, ".for_app_factory")
			if !strings.HasSuffix(cls, "PrometheusMetrics") || !(strings.HasPrefix(q, "prometheus_flask_exporter") || strings.HasSuffix(c.Func, "PrometheusMetrics") || strings.HasSuffix(c.Func, "PrometheusMetrics.for_app_factory")) {
				continue
			}
			s := exporterSetup{Found: true, Prefix: "flask_", Defaults: true}
			if a := c.Keyword("defaults_prefix"); a != nil {
				switch {
				case a.Value.IsStr() && a.Value.Str() != "":
					s.Prefix = a.Value.Str() + "_"
				case strings.HasSuffix(a.Value.Text, "NO_PREFIX"):
					s.Prefix = ""
				}
			}
			if a := c.Keyword("export_defaults"); a != nil && a.Value.Text == "False" {
				s.Defaults = false
			}
			if a := c.Keyword("path"); a != nil && a.Value.IsStr() && strings.HasPrefix(a.Value.Str(), "/") {
				s.Path = a.Value.Str()
			}
			multi := strings.Contains(cls, "Gunicorn") || strings.Contains(cls, "Multiprocess")
			if !best.Found || multi {
				best = s
			}
			if multi {
				return best
			}
		}
	}
	return best
}

// businessEntry matches one entry of the generated business_metrics.py's
// METRICS dict: "name": ("counter", "help", ("label", ...)).
var businessEntry = regexp.MustCompile(`(?s)(["'])([A-Za-z_:][A-Za-z0-9_:]*)["']\s*:\s*\(\s*["'](counter|gauge)["']\s*,\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*,\s*[\(\[]([^\)\]]*)[\)\]]`)

var quotedLabel = regexp.MustCompile(`["']([A-Za-z_][A-Za-z0-9_]*)["']`)

// businessMetrics reads the METRICS table of the project's Redis business
// metrics module, if it has one.
func businessMetrics(p *project.Project) []snippets.BusinessMetric {
	f := p.BusinessModule()
	if f == nil {
		return nil
	}
	var out []snippets.BusinessMetric
	for _, a := range f.Py.Assigns {
		if a.Scope != nil || a.Target != "METRICS" || a.Value == nil {
			continue
		}
		for _, m := range businessEntry.FindAllStringSubmatch(a.Value.Text, -1) {
			help := m[4]
			if help == "" {
				help = m[5]
			}
			bm := snippets.BusinessMetric{Name: m[2], Kind: m[3], Help: help}
			for _, l := range quotedLabel.FindAllStringSubmatch(m[6], -1) {
				bm.Labels = append(bm.Labels, l[1])
			}
			out = append(out, bm)
		}
	}
	return out
}
