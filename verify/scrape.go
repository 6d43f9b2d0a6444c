package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// acceptText asks for the classic text format: it is the one format every client library
// serves and the one this package parses.
const acceptText = "text/plain;version=0.0.4;q=1,*/*;q=0.1"

// maxBody caps what one scrape may read, so a wrong URL serving a huge file fails fast.
const maxBody = 64 << 20

// perProcessPrefixes name collector metrics that describe the answering process (memory, GC,
// CPU). They differ per worker by design, so their going backwards proves nothing.
var perProcessPrefixes = []string{"process_", "python_", "go_", "promhttp_", "jvm_", "nodejs_"}

// Snapshot is what one scrape says about the things verify checks.
type Snapshot struct {
	// Counters maps a series ("name{label="v",...}") to its value, for application counters,
	// histogram and summary _count and histogram _bucket series: everything that must never
	// decrease while the application runs.
	Counters map[string]float64
	// StartTime is process_start_time_seconds, NaN when the endpoint does not expose it.
	StartTime float64
	// PidGauges maps a gauge family name to the number of its series that carry a pid label.
	PidGauges map[string]int
	// Gauges maps every gauge series to its value, for callers that check a gauge directly.
	Gauges map[string]float64
}

// ErrNotPrometheus reports a body that is not the Prometheus text format.
var ErrNotPrometheus = errors.New("response is not Prometheus text exposition")

// Scrape fetches url once and parses it.
func Scrape(ctx context.Context, client *http.Client, url string) (*Snapshot, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("building request for %s: %w", url, err)
	}
	req.Header.Set("Accept", acceptText)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scraping %s: HTTP %s", url, resp.Status)
	}
	if err := checkContentType(resp.Header.Get("Content-Type")); err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	snap, err := Parse(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", url, err)
	}
	return snap, nil
}

// checkContentType rejects bodies that are clearly something else (an HTML page, JSON, the
// protobuf format); an empty or text/plain type is parsed and judged by the parser.
func checkContentType(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil // a sloppy header is not worth failing on; the parser decides
	}
	switch mt {
	case "text/plain", "application/openmetrics-text":
		return nil
	}
	return fmt.Errorf("%w (Content-Type %q)", ErrNotPrometheus, mt)
}

// Parse reads one text-format exposition.
func Parse(r io.Reader) (*Snapshot, error) {
	// The zero TextParser has no validation scheme and panics on the first name; UTF-8 is
	// what Prometheus 3 accepts and a superset of the legacy names Python clients emit.
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPrometheus, err)
	}
	if len(families) == 0 {
		return nil, fmt.Errorf("%w: no metrics in the body", ErrNotPrometheus)
	}
	snap := &Snapshot{
		Counters:  map[string]float64{},
		StartTime: math.NaN(),
		PidGauges: map[string]int{},
		Gauges:    map[string]float64{},
	}
	for name, mf := range families {
		if name == "process_start_time_seconds" && len(mf.GetMetric()) > 0 {
			snap.StartTime = sampleValue(mf.GetType(), mf.GetMetric()[0])
		}
		if mf.GetType() == dto.MetricType_GAUGE {
			for _, m := range mf.GetMetric() {
				if hasLabel(m, "pid") {
					snap.PidGauges[name]++
				}
				snap.Gauges[seriesKey(name, m.GetLabel(), "", "")] = m.GetGauge().GetValue()
			}
		}
		if perProcess(name) || strings.HasSuffix(name, "_created") {
			continue
		}
		addMonotonic(snap.Counters, name, mf)
	}
	return snap, nil
}

// addMonotonic records the series of mf that may only grow.
func addMonotonic(into map[string]float64, name string, mf *dto.MetricFamily) {
	for _, m := range mf.GetMetric() {
		labels := m.GetLabel()
		switch mf.GetType() {
		case dto.MetricType_COUNTER:
			into[seriesKey(name, labels, "", "")] = m.GetCounter().GetValue()
		case dto.MetricType_HISTOGRAM:
			h := m.GetHistogram()
			into[seriesKey(name+"_count", labels, "", "")] = float64(h.GetSampleCount())
			for _, b := range h.GetBucket() {
				le := strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64)
				if math.IsInf(b.GetUpperBound(), +1) {
					le = "+Inf"
				}
				into[seriesKey(name+"_bucket", labels, "le", le)] = float64(b.GetCumulativeCount())
			}
		case dto.MetricType_SUMMARY:
			into[seriesKey(name+"_count", labels, "", "")] = float64(m.GetSummary().GetSampleCount())
		}
	}
}

func sampleValue(t dto.MetricType, m *dto.Metric) float64 {
	switch t {
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	default:
		return m.GetUntyped().GetValue()
	}
}

func hasLabel(m *dto.Metric, name string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return true
		}
	}
	return false
}

func perProcess(name string) bool {
	for _, p := range perProcessPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// seriesKey renders a series the way Prometheus prints it, labels sorted, with an optional
// extra label (le for buckets).
func seriesKey(name string, labels []*dto.LabelPair, extraName, extraValue string) string {
	pairs := make([]string, 0, len(labels)+1)
	for _, l := range labels {
		pairs = append(pairs, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	if extraName != "" {
		pairs = append(pairs, fmt.Sprintf("%s=%q", extraName, extraValue))
	}
	if len(pairs) == 0 {
		return name
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}
