package frameworks

import "sync"

// clientMetricTypes are prometheus_client's metric classes.
var clientMetricTypes = []string{"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"}

// exporterReexports are the client's metric classes that
// prometheus_flask_exporter imports into its package namespace (its
// __init__.py: `from prometheus_client import Counter, Histogram, Gauge,
// Summary`), so `from prometheus_flask_exporter import Gauge` is the
// client's Gauge.
var exporterReexports = []string{"Counter", "Gauge", "Histogram", "Summary"}

// ClientMetricCtors maps the qualified names of the client's metric
// classes, under every module that exposes them, to their type (built
// once: the map is asked for every call of every module).
var ClientMetricCtors = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, t := range clientMetricTypes {
		for _, mod := range []string{"prometheus_client.", "prometheus_client.metrics.", "prometheus_client.core."} {
			out[mod+t] = t
		}
	}
	for _, t := range exporterReexports {
		out["prometheus_flask_exporter."+t] = t
	}
	return out
})

// ClientMetricType returns the type ("Gauge", ...) of a qualified callee
// that is one of the client's metric classes, under any module that
// exposes it (prometheus_client, its submodules, prometheus_flask_exporter).
func ClientMetricType(qualified string) (string, bool) {
	t, ok := ClientMetricCtors()[qualified]
	return t, ok
}
