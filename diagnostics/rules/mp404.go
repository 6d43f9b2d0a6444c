package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
)

// unboundedLabels are label names whose values are usually unbounded.
var unboundedLabels = map[string]bool{
	"user_id": true, "userid": true, "username": true, "email": true, "email_address": true,
	"request_id": true, "requestid": true, "session_id": true, "sessionid": true,
	"trace_id": true, "traceid": true, "span_id": true, "order_id": true, "customer_id": true,
	"transaction_id": true, "uuid": true, "guid": true,
	"url": true, "uri": true, "path": true, "full_path": true, "query": true, "query_string": true,
	"ip": true, "ip_address": true, "client_ip": true, "remote_addr": true, "remote_ip": true,
}

// UnboundedLabel reports labels named like per-user or per-request values.
var UnboundedLabel = &diagnostics.Rule{
	Code:     "MP404",
	Name:     "unbounded-label",
	Severity: diagnostics.Warning,
	Title:    "Label named like an unbounded value (ids, emails, URLs, IPs)",
	Doc: "Every distinct label value is a new time series. A label holding a user id, an email, a request " +
		"or trace id, a raw URL/path or a client IP grows without bound: Prometheus' memory and the scrape " +
		"size grow with traffic, and queries slow down. In multiprocess mode it is worse: each worker " +
		"writes every series to its own file, the files grow, and every scrape reads them all. Use a " +
		"bounded label (the route's endpoint or URL rule, a status class, a user tier) and log the raw " +
		"value instead.",
	Before: `REQUESTS = Counter("http_requests_total", "Requests", ["path", "user_id"])`,
	After:  `REQUESTS = Counter("http_requests_total", "Requests", ["endpoint", "status"])`,
	Run: func(pass *diagnostics.Pass) {
		for _, decl := range pass.Project.Metrics().DeclsIn(pass.File) {
			for _, l := range declLabels(decl) {
				if !unboundedLabels[strings.ToLower(l.Name)] {
					continue
				}
				pass.Report(l.Span, "label %q of %s reads as an unbounded value: every distinct value is a new series (and, under %s, a new entry in every worker's file); use a bounded label such as the endpoint", l.Name, declLabel(decl), serverName(pass.Project))
			}
		}
	},
}
