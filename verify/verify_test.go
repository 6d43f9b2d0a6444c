package verify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// worker renders what prometheus_client 0.16's generate_latest() prints for one gunicorn
// worker of the demo: per-process collectors, a counter, a histogram and its _created gauges.
func worker(start float64, requests int, pidGauge bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# HELP python_gc_objects_collected_total Objects collected during gc
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} %d.0
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total %g
# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE process_start_time_seconds gauge
process_start_time_seconds %g
# HELP flask_http_request_total Total number of HTTP requests
# TYPE flask_http_request_total counter
flask_http_request_total{method="GET",status="200"} %d.0
# HELP flask_http_request_created Total number of HTTP requests
# TYPE flask_http_request_created gauge
flask_http_request_created{method="GET",status="200"} %g
# HELP flask_http_request_duration_seconds HTTP request duration in seconds
# TYPE flask_http_request_duration_seconds histogram
flask_http_request_duration_seconds_bucket{endpoint="shop.work",le="0.005",method="GET",status="200"} 0.0
flask_http_request_duration_seconds_bucket{endpoint="shop.work",le="+Inf",method="GET",status="200"} %d.0
flask_http_request_duration_seconds_count{endpoint="shop.work",method="GET",status="200"} %d.0
flask_http_request_duration_seconds_sum{endpoint="shop.work",method="GET",status="200"} 0.5
`, 900-requests, start/1e9, start, requests, start+1, requests, requests)
	if pidGauge {
		fmt.Fprintf(&b, `# HELP demo_requests_in_progress Requests being handled right now
# TYPE demo_requests_in_progress gauge
demo_requests_in_progress{pid="101"} 0.0
demo_requests_in_progress{pid="102"} 1.0
`)
	}
	return b.String()
}

// rotating serves the given bodies in turn, one per request.
func rotating(t *testing.T, contentType string, bodies ...string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex // guards next
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body := bodies[next%len(bodies)]
		next++
		mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const textType = "text/plain; version=0.0.4; charset=utf-8"

func TestRunDetectsPerWorkerCounters(t *testing.T) {
	// Four workers, each with its own share of 40 requests, answering in turn.
	srv := rotating(t, textType,
		worker(1.7e9+0.1, 12, false), worker(1.7e9+0.2, 7, false),
		worker(1.7e9+0.3, 13, false), worker(1.7e9+0.4, 8, false))
	res, err := Run(context.Background(), Options{URL: srv.URL, Scrapes: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed() {
		t.Fatalf("per-worker counters not flagged: %+v", res.Series)
	}
	if res.Workers != 4 {
		t.Errorf("workers = %d, want 4", res.Workers)
	}
	// Counter, histogram _count and both buckets that move go backwards; the 0.005 bucket is
	// always 0, per-process collectors and _created gauges are not looked at.
	want := map[string]int{
		`flask_http_request_total{method="GET",status="200"}`:                                                   4,
		`flask_http_request_duration_seconds_count{endpoint="shop.work",method="GET",status="200"}`:             4,
		`flask_http_request_duration_seconds_bucket{endpoint="shop.work",le="+Inf",method="GET",status="200"}`:  4,
		`flask_http_request_duration_seconds_bucket{endpoint="shop.work",le="0.005",method="GET",status="200"}`: 0,
	}
	got := map[string]int{}
	for _, s := range res.Series {
		got[s.Name] = s.Backwards
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("series backwards =\n%v\nwant\n%v", got, want)
	}
	if res.Worst == nil || res.Worst.Name != `flask_http_request_total{method="GET",status="200"}` {
		t.Errorf("worst = %+v, want the request counter", res.Worst)
	}
	var out strings.Builder
	if err := res.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"FAIL: 3 counter series", "workers answering: 4", "worst  flask_http_request_total", "▇▁█▂▇▁█▂"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("text output lacks %q:\n%s", s, out.String())
		}
	}
}

func TestRunConsistentEndpointPasses(t *testing.T) {
	// A multiprocess registry: same totals from every worker, growing, with pid gauges.
	srv := rotating(t, textType, worker(1.7e9+0.1, 40, true), worker(1.7e9+0.2, 40, true), worker(1.7e9+0.2, 41, true),
		worker(1.7e9+0.1, 41, true), worker(1.7e9+0.1, 41, true), worker(1.7e9+0.2, 42, true))
	res, err := Run(context.Background(), Options{URL: srv.URL, Scrapes: 6})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Fatalf("consistent endpoint flagged: %+v", res.Series)
	}
	if len(res.PidGauges) != 1 || res.PidGauges[0] != (PidGauge{Name: "demo_requests_in_progress", Series: 2}) {
		t.Errorf("pid gauges = %+v", res.PidGauges)
	}
	if res.Worst == nil || res.Worst.Name != `flask_http_request_total{method="GET",status="200"}` {
		t.Errorf("busiest = %+v, want the request counter", res.Worst)
	}
	var out strings.Builder
	if err := res.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"ok": true`, `"workers": 2`, `"name": "demo_requests_in_progress"`, `"sparkline": "▁▁▅▅▅█"`} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("JSON lacks %s:\n%s", s, out.String())
		}
	}
}

func TestRunRejectsNonPrometheus(t *testing.T) {
	tests := []struct {
		name, contentType, body string
	}{
		{"html page", "text/html; charset=utf-8", "<!doctype html><title>shop</title>"},
		{"html served as text", "text/plain", "<!doctype html><title>shop</title>"},
		{"json", "application/json", `{"service": "demo-shop"}`},
		{"empty", "text/plain", ""},
		{"garbage value", "text/plain", "requests_total not-a-number\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := rotating(t, tt.contentType, tt.body)
			_, err := Run(context.Background(), Options{URL: srv.URL, Scrapes: 2})
			if !errors.Is(err, ErrNotPrometheus) {
				t.Fatalf("err = %v, want ErrNotPrometheus", err)
			}
		})
	}
}

func TestRunUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := Run(context.Background(), Options{URL: url, Scrapes: 2})
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("err = %v, want a connection error", err)
	}
	srv404 := rotating(t, "text/plain", "")
	_, err = Run(context.Background(), Options{URL: srv404.URL + "/nope", Scrapes: 2})
	if err == nil {
		t.Fatal("want an error for an empty body")
	}
}

func TestAnalyze(t *testing.T) {
	nan := math.NaN()
	snap := func(start float64, vals map[string]float64) *Snapshot {
		return &Snapshot{Counters: vals, StartTime: start, PidGauges: map[string]int{}}
	}
	tests := []struct {
		name      string
		snaps     []*Snapshot
		backwards int // of series "c"
		workers   int
	}{
		{"growing", []*Snapshot{snap(1, map[string]float64{"c": 1}), snap(1, map[string]float64{"c": 2}), snap(1, map[string]float64{"c": 2})}, 0, 1},
		{"drop", []*Snapshot{snap(1, map[string]float64{"c": 5}), snap(2, map[string]float64{"c": 3}), snap(1, map[string]float64{"c": 6})}, 1, 2},
		{"vanishes", []*Snapshot{snap(1, map[string]float64{"c": 5}), snap(2, map[string]float64{}), snap(1, map[string]float64{"c": 6})}, 1, 2},
		{"appears late", []*Snapshot{snap(nan, map[string]float64{}), snap(nan, map[string]float64{"c": 1})}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Analyze(tt.snaps)
			if a.Series[0].Backwards != tt.backwards || a.Workers != tt.workers {
				t.Errorf("backwards=%d workers=%d, want %d %d", a.Series[0].Backwards, a.Workers, tt.backwards, tt.workers)
			}
			if a.Failed() != (tt.backwards > 0) {
				t.Errorf("Failed() = %v", a.Failed())
			}
		})
	}
}

func TestSparkline(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		in   []float64
		want string
	}{
		{[]float64{0, 7}, "▁█"},
		{[]float64{12, 7, 13, 8}, "▇▁█▂"},
		{[]float64{5, 5, 5}, "▄▄▄"},
		{[]float64{1, nan, 2}, "▁ █"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Sparkline(tt.in); got != tt.want {
			t.Errorf("Sparkline(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
