package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// businessWords are name parts that read as a business total.
var businessWords = map[string]bool{
	"signup": true, "signups": true, "registration": true, "registrations": true,
	"order": true, "orders": true, "payment": true, "payments": true, "purchase": true, "purchases": true,
	"checkout": true, "checkouts": true, "sale": true, "sales": true, "revenue": true,
	"invoice": true, "invoices": true, "subscription": true, "subscriptions": true,
	"refund": true, "refunds": true, "job": true, "jobs": true,
}

// concurrencyWords mark a gauge of in-process activity, which is not a
// business level even when it counts jobs or orders.
var concurrencyWords = map[string]bool{"inprogress": true, "in_progress": true, "active": true, "running": true, "inflight": true, "in_flight": true, "current": true}

// BusinessCounterPerWorker suggests Redis for business totals.
var BusinessCounterPerWorker = &diagnostics.Rule{
	Code:     "MP501",
	Name:     "business-counter-per-worker",
	Severity: diagnostics.Info,
	Title:    "Business total kept in per-worker metric files",
	Doc: "In multiprocess mode a Counter or Gauge lives in one file per gunicorn worker; the scrape adds the " +
		"files up. That is right for request telemetry, but a business number (orders placed, sign-ups, " +
		"payments, queue depth) then depends on processes: the directory is emptied at every start so the " +
		"total restarts from zero at each deploy, every host counts its own, and a gauge set by one worker " +
		"is combined with the stale values of the others. When the project already has Redis, keeping the " +
		"number there (one INCR/HINCRBY per event, read at scrape time) gives one total that survives " +
		"restarts and agrees across workers and hosts. This is advice (info): the metric works as it is.",
	Before: `ORDERS = Counter("orders", "Orders placed", ["kind"])
ORDERS.labels(kind="book").inc()`,
	After: `from shop import business_metrics  # shop/business_metrics.py, Redis-backed

business_metrics.inc("orders", kind="book")`,
	Fix: diagnostics.FixUnsafe,
	FixDoc: "Unsafe (applied by --fix only with --unsafe-fixes, and as an editor action: it moves the metric's source of truth to Redis, so its value, " +
		"its behaviour when Redis is down, and how dashboards aggregate it (max, not sum, across instances) " +
		"change). Creates <package>/business_metrics.py (or adds the metric to it), removes the declaration, " +
		"turns each .inc()/.set()/.dec() (with .labels()) into a business_metrics call, and registers the " +
		"module on the per-request registry (or attach_to_exporter for the exporter). Offered only when " +
		"every use of the metric is such a call.",
	Applies: func(p *project.Project) bool { return p.Facts.Multiprocess && p.Facts.Redis },
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		if project.IsTestFile(f) || runsAsOwnProcess(pass.Project, f) {
			return
		}
		reportBusinessDecls(pass, businessProjectOf(pass.Project), f)
	},
}

// businessProjectOf is the project's businessProject, made once: every
// finding's fix reads the whole project (where to wire the business
// module, which files import the metric), and each fix walked the project
// again (quadratic: 3,000 modules took 41× the time of 300).
func businessProjectOf(p *project.Project) *businessProject { return businessProjects.Get(p) }

var businessProjects = diagnostics.NewShared(newBusinessProject)

// reportBusinessDecls reports the module-level counters and gauges of f
// that read as business totals, each with its business_metrics fix.
func reportBusinessDecls(pass *diagnostics.Pass, shared *businessProject, f *project.File) {
	for _, decl := range clientDecls(pass.Project.Metrics().DeclsIn(f), "Counter", "Gauge") {
		if decl.Call.Scope != nil {
			continue
		}
		full, ok := decl.FullName()
		if !ok || !readsAsBusiness(pass.Project, decl, full) {
			continue
		}
		kind := "counter"
		if decl.Type == "Gauge" {
			kind = "gauge"
		}
		pass.ReportIn(f, decl.Call.Span(), "%s reads as a business total: in multiprocess mode it lives in per-worker files that restart from zero at every deploy and are counted per host; with Redis available, keep it in Redis (action: route it through business_metrics.py)", declLabel(decl)).
			AddFix(businessFix(shared, decl, full, kind))
	}
}

func readsAsBusiness(p *project.Project, decl *project.MetricDecl, full string) bool {
	parts := strings.Split(strings.ToLower(full), "_")
	lower := strings.ToLower(full)
	business := false
	for _, w := range parts {
		if businessWords[w] {
			business = true
		}
	}
	if decl.Type == "Gauge" {
		if mode, _ := decl.Mode(); strings.Contains(mode, "mostrecent") {
			// The value last written by any worker (a score a task
			// recomputes), not a sum of their shares: no total to lose.
			return false
		}
		for w := range concurrencyWords {
			if strings.Contains(lower, w) {
				return false
			}
		}
		if usedWithIncDec(p, decl) && !strings.Contains(lower, "queue") {
			return false // counted up and down in a request: in-process activity
		}
		if strings.Contains(lower, "queue_depth") || strings.Contains(lower, "queue_length") || strings.Contains(lower, "backlog") {
			business = true
		}
	}
	return business
}
