package snippets

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// DashboardParams names the metrics the project really declares. Empty request names fall back to
// the flavour's defaults (RequestTotalName, RequestDurationName, InProgressName for raw); an empty
// InProgress in the exporter flavour drops that panel. Extra are further declared metric names, one
// panel each (rate for counters named *_total, the value otherwise). Exceptions is the exporter's
// exception counter (default ExceptionsName; another defaults_prefix renames it).
type DashboardParams struct {
	Params
	RequestTotal, RequestDuration, InProgress string
	Exceptions                                string
	Business                                  []BusinessMetric
	Extra                                     []string
}

// Dashboard variables used in expressions, substituted by Grafana.
const (
	AppVariable  = "$application"
	RateInterval = "$__rate_interval"
)

// dashboardUID keeps re-imports of the same application's dashboard updating one dashboard.
var uidUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

type panelSpec struct {
	title, unit, kind string // kind: timeseries
	targets           []target
}

type target struct{ expr, legend string }

func (d DashboardParams) withDefaults() DashboardParams {
	d.Params = d.Params.withDefaults()
	if d.RequestTotal == "" {
		d.RequestTotal = RequestTotalName
	}
	if d.RequestDuration == "" {
		d.RequestDuration = RequestDurationName
	}
	if d.Exceptions == "" {
		d.Exceptions = ExceptionsName
	}
	if d.InProgress == "" && d.Flavour == Raw {
		d.InProgress = InProgressName
	}
	d.RequestTotal = strings.TrimSuffix(d.RequestTotal, "_total") + "_total"
	return d
}

// panels builds the dashboard's panels, the single source of Dashboard's targets.
func (d DashboardParams) panels() []panelSpec {
	d = d.withDefaults()
	sel := `application="` + AppVariable + `"`
	rate := func(metric, extra string) string {
		s := sel
		if extra != "" {
			s += "," + extra
		}
		return fmt.Sprintf("rate(%s{%s}[%s])", metric, s, RateInterval)
	}
	count, bucket := d.RequestDuration+"_count", d.RequestDuration+"_bucket"
	ps := []panelSpec{
		{title: "Request rate by endpoint", unit: "reqps", targets: []target{
			{"sum by (endpoint) (" + rate(count, "") + ")", "{{endpoint}}"},
		}},
		{title: "Requests by status", unit: "reqps", targets: []target{
			{"sum by (status) (" + rate(d.RequestTotal, "") + ")", "{{status}}"},
		}},
		{title: "Latency p50 / p95 / p99", unit: "s", targets: []target{
			{"histogram_quantile(0.5, sum by (le) (" + rate(bucket, "") + "))", "p50"},
			{"histogram_quantile(0.95, sum by (le) (" + rate(bucket, "") + "))", "p95"},
			{"histogram_quantile(0.99, sum by (le) (" + rate(bucket, "") + "))", "p99"},
		}},
		{title: "Error ratio (5xx)", unit: "percentunit", targets: []target{
			{"sum(" + rate(d.RequestTotal, `status=~"5.."`) + ") / sum(" + rate(d.RequestTotal, "") + ")", "5xx ratio"},
		}},
	}
	if d.Flavour == Exporter {
		ps = append(ps, panelSpec{title: "Exceptions", unit: "reqps", targets: []target{
			{"sum by (method) (" + rate(d.Exceptions, "") + ")", "{{method}}"},
		}})
	} else {
		// prometheus_client has no exception counter of its own; an unhandled exception is
		// answered with a 500, which the duration histogram records per endpoint.
		ps = append(ps, panelSpec{title: "Exceptions (HTTP 500) by endpoint", unit: "reqps", targets: []target{
			{"sum by (endpoint) (" + rate(count, `status="500"`) + ")", "{{endpoint}}"},
		}})
	}
	if d.InProgress != "" {
		ps = append(ps, panelSpec{title: "Requests in progress", unit: "short", targets: []target{
			{"sum by (instance) (" + d.InProgress + "{" + sel + "})", "{{instance}}"},
		}})
	}
	// process_* comes from whichever worker answered the scrape (see prom_metrics.py), so this
	// is a sample of one worker per instance, not the instance's total.
	ps = append(ps, panelSpec{title: "Resident memory per instance (sampled worker)", unit: "bytes", targets: []target{
		{"max by (instance) (process_resident_memory_bytes{" + sel + "})", "{{instance}}"},
	}})
	for _, m := range d.Business {
		if m.validate() != nil {
			continue
		}
		by := ""
		legend := m.Name
		if len(m.Labels) > 0 {
			by = " by (" + strings.Join(m.Labels, ", ") + ")"
			var parts []string
			for _, l := range m.Labels {
				parts = append(parts, "{{"+l+"}}")
			}
			legend = strings.Join(parts, " ")
		}
		// Every replica reads the same Redis totals: max, not sum, across instances.
		if m.Kind == "counter" {
			ps = append(ps, panelSpec{title: titleFor(m) + " (per second)", unit: "short", targets: []target{
				{"max" + by + " (" + rate(m.ExposedName(), "") + ")", legend},
			}})
		} else {
			ps = append(ps, panelSpec{title: titleFor(m), unit: "short", targets: []target{
				{"max" + by + " (" + m.Name + "{" + sel + "})", legend},
			}})
		}
	}
	for _, name := range d.Extra {
		if !metricNameRe.MatchString(name) {
			continue
		}
		if strings.HasSuffix(name, "_total") {
			ps = append(ps, panelSpec{title: name + " (per second)", unit: "short", targets: []target{
				{"sum(" + rate(name, "") + ")", name},
			}})
		} else {
			ps = append(ps, panelSpec{title: name, unit: "short", targets: []target{
				{"sum(" + name + "{" + sel + "})", name},
			}})
		}
	}
	return ps
}

func titleFor(m BusinessMetric) string {
	if m.Help != "" {
		return m.Help
	}
	return m.Name
}

// VariableQuery returns the metric and label behind the `application` variable, whose Grafana
// query is label_values(metric, label) (Prometheus: /api/v1/label/<label>/values?match[]=metric).
func VariableQuery(d DashboardParams) (metric, label string) {
	return d.withDefaults().RequestTotal, "application"
}

func variableQuery(d DashboardParams) string {
	m, l := VariableQuery(d)
	return "label_values(" + m + ", " + l + ")"
}

// Dashboard returns a Grafana dashboard importable as-is: a DS_PROMETHEUS datasource input, an
// `application` variable, and the panels of panels().
func Dashboard(d DashboardParams) ([]byte, error) {
	d = d.withDefaults()
	ds := map[string]string{"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
	var panels []any
	const w, h = 12, 8
	for i, p := range d.panels() {
		var targets []any
		for j, t := range p.targets {
			targets = append(targets, map[string]any{
				"datasource":   ds,
				"expr":         t.expr,
				"legendFormat": t.legend,
				"refId":        string(rune('A' + j)),
			})
		}
		panels = append(panels, map[string]any{
			"id":         i + 1,
			"type":       "timeseries",
			"title":      p.title,
			"datasource": ds,
			"gridPos":    map[string]int{"x": (i % 2) * w, "y": (i / 2) * h, "w": w, "h": h},
			"fieldConfig": map[string]any{
				"defaults":  map[string]any{"unit": p.unit},
				"overrides": []any{},
			},
			"options": map[string]any{"legend": map[string]any{"displayMode": "list", "placement": "bottom"}},
			"targets": targets,
		})
	}
	q := variableQuery(d)
	dash := map[string]any{
		"__inputs": []any{map[string]any{
			"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "",
			"type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus",
		}},
		"__requires": []any{
			map[string]any{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "9.0.0"},
			map[string]any{"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
			map[string]any{"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
		},
		"uid":           "multiprom-" + strings.Trim(uidUnsafe.ReplaceAllString(d.AppTag, "-"), "-"),
		"title":         d.AppTag + " — Flask (multiprom)",
		"tags":          []string{"flask", "gunicorn", "multiprom"},
		"editable":      true,
		"graphTooltip":  1,
		"schemaVersion": 36,
		"version":       1,
		"refresh":       "30s",
		"time":          map[string]string{"from": "now-1h", "to": "now"},
		"timezone":      "",
		"annotations":   map[string]any{"list": []any{}},
		"templating": map[string]any{"list": []any{map[string]any{
			"name":       "application",
			"label":      "Application",
			"type":       "query",
			"datasource": ds,
			"definition": q,
			"query":      map[string]any{"query": q, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
			"refresh":    2,
			"current":    map[string]any{"text": d.AppTag, "value": d.AppTag, "selected": true},
			"includeAll": false,
			"multi":      false,
			"sort":       1,
			"hide":       0,
		}}},
		"panels": panels,
	}
	b, err := json.MarshalIndent(dash, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("snippets: dashboard JSON: %w", err)
	}
	return append(b, '\n'), nil
}
