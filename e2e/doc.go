// Package e2e proves multiprom's promise on the real programs: the bundled demo served by
// Debian's gunicorn reports inconsistent counters (per-scrape and as Prometheus sees them)
// before `multiprom check --fix`, and exact ones after. Run with `go test ./e2e`; `-short`
// skips it. Needs /usr/bin/gunicorn, /usr/bin/python3 with flask and prometheus_client, and
// /usr/bin/prometheus; under CI=true a missing program fails instead of skipping.
package e2e
