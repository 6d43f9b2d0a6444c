package snippets

import (
	"fmt"
	"regexp"
	"strings"
)

// BusinessMetric is one Redis-backed business metric. Name is the name as declared (a counter
// "orders" is exposed as orders_total, as prometheus_client does). Kind is "counter" or "gauge".
type BusinessMetric struct {
	Name, Kind, Help string
	Labels           []string
}

var (
	metricNameRe = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNameRe  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// ExposedName is the name Prometheus sees: counters end in _total.
func (m BusinessMetric) ExposedName() string {
	if m.Kind == "counter" {
		return strings.TrimSuffix(m.Name, "_total") + "_total"
	}
	return m.Name
}

func (m BusinessMetric) validate() error {
	if !metricNameRe.MatchString(m.Name) {
		return fmt.Errorf("snippets: business metric name %q is not a valid metric name", m.Name)
	}
	if m.Kind != "counter" && m.Kind != "gauge" {
		return fmt.Errorf("snippets: business metric %q: kind %q (want counter or gauge)", m.Name, m.Kind)
	}
	for _, l := range m.Labels {
		if !labelNameRe.MatchString(l) || strings.HasPrefix(l, "__") {
			return fmt.Errorf("snippets: business metric %q: invalid label name %q", m.Name, l)
		}
	}
	return nil
}

// BusinessMetricsModule returns <package>/business_metrics.py: counters and gauges kept in Redis
// (HINCRBY/HINCRBYFLOAT/HSET, one hash per metric, one field per label set), exposed at scrape
// time by a collector registered on the per-request registry, with the API inc(name, amount=1,
// **labels), inc_gauge(...), set_gauge(name, value, **labels), register(registry) and
// attach_to_exporter(metrics). An invalid metric is an error, not dropped: the caller asked for
// that metric by name.
func BusinessMetricsModule(p Params, ms []BusinessMetric) (string, error) {
	return businessModule(p.withDefaults(), ms)
}

func businessModule(p Params, ms []BusinessMetric) (string, error) {
	for _, m := range ms {
		if err := m.validate(); err != nil {
			return "", err
		}
	}
	d := newAppData(p)
	d.Metrics = ms
	d.KeyPrefix = "multiprom:" + p.AppTag + ":"
	return render("business_metrics.py.tmpl", d)
}
