package verify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProm answers the two API calls RunPrometheus makes, from canned data, and records
// the queries it was asked.
type fakeProm struct {
	names  []string
	resets map[string][]map[string]string // metric name -> series labels; value "3" for "reset" labels

	mu      sync.Mutex // guards queries
	queries []string
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api/v1/label/__name__/values":
		if got := r.URL.Query().Get("match[]"); got != `{job="demo"}` {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]any{"status": "error", "errorType": "bad_data", "error": "unexpected match " + got})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": f.names})
	case "/api/v1/query":
		q := r.URL.Query().Get("query")
		f.mu.Lock()
		f.queries = append(f.queries, q)
		f.mu.Unlock()
		name := strings.TrimPrefix(q, "resets(")
		name, _, _ = strings.Cut(name, "{")
		var result []map[string]any
		for _, labels := range f.resets[name] {
			v := "0"
			if labels["reset"] != "" {
				v = labels["reset"]
			}
			m := map[string]string{}
			for k, lv := range labels {
				if k != "reset" {
					m[k] = lv
				}
			}
			result = append(result, map[string]any{"metric": m, "value": []any{1700000000.0, v}})
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": result}})
	default:
		http.NotFound(w, r)
	}
}

func TestRunPrometheus(t *testing.T) {
	fake := &fakeProm{
		names: []string{"flask_http_request_total", "flask_http_request_duration_seconds_bucket",
			"flask_http_request_duration_seconds_sum", "process_cpu_seconds_total", "python_gc_collections_total",
			"demo_requests_in_progress", "up", "scrape_samples_scraped"},
		resets: map[string][]map[string]string{
			"flask_http_request_total": {
				{"instance": "127.0.0.1:8000", "job": "demo", "method": "GET", "status": "200", "reset": "7"},
				{"instance": "127.0.0.1:8000", "job": "demo", "method": "GET", "status": "404"},
			},
			"flask_http_request_duration_seconds_bucket": {
				{"instance": "127.0.0.1:8000", "job": "demo", "le": "+Inf", "reset": "5"},
			},
		},
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)

	res, err := RunPrometheus(context.Background(), PromOptions{URL: srv.URL + "/", Job: "demo", Window: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	wantQueries := []string{
		`resets(flask_http_request_duration_seconds_bucket{job="demo"}[300s])`,
		`resets(flask_http_request_total{job="demo"}[300s])`,
	}
	if strings.Join(fake.queries, "\n") != strings.Join(wantQueries, "\n") {
		t.Errorf("queries =\n%s\nwant\n%s", strings.Join(fake.queries, "\n"), strings.Join(wantQueries, "\n"))
	}
	if !res.Failed() || res.SeriesChecked != 3 || len(res.Resets) != 2 {
		t.Fatalf("result = %+v", res)
	}
	if want := `flask_http_request_total{instance="127.0.0.1:8000",job="demo",method="GET",status="200"}`; res.Resets[0].Series != want || res.Resets[0].Resets != 7 {
		t.Errorf("first reset = %+v, want %s 7", res.Resets[0], want)
	}
	var out strings.Builder
	if err := res.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "FAIL: 2 series reset 12 times in 5m0s") {
		t.Errorf("text output:\n%s", out.String())
	}
}

func TestRunPrometheusErrors(t *testing.T) {
	srv := httptest.NewServer(&fakeProm{})
	t.Cleanup(srv.Close)
	if _, err := RunPrometheus(context.Background(), PromOptions{URL: srv.URL, Job: "other", Window: time.Minute}); err == nil ||
		!strings.Contains(err.Error(), "bad_data") {
		t.Errorf("API error not surfaced: %v", err)
	}
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>grafana</html>"))
	}))
	t.Cleanup(html.Close)
	if _, err := RunPrometheus(context.Background(), PromOptions{URL: html.URL, Window: time.Minute}); err == nil ||
		!strings.Contains(err.Error(), "not the Prometheus HTTP API") {
		t.Errorf("non-API server not reported: %v", err)
	}
}

func TestAppCounterName(t *testing.T) {
	for name, want := range map[string]bool{
		"flask_http_request_total":                   true,
		"flask_http_request_duration_seconds_count":  true,
		"flask_http_request_duration_seconds_bucket": true,
		"flask_http_request_duration_seconds_sum":    false,
		"demo_requests_in_progress":                  false,
		"process_cpu_seconds_total":                  false,
		"python_gc_objects_collected_total":          false,
		"prometheus_http_requests_total":             false,
		"up":                                         false,
	} {
		if got := appCounterName(name); got != want {
			t.Errorf("appCounterName(%q) = %v, want %v", name, got, want)
		}
	}
}
