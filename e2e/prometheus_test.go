package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	loadRate     = 20               // mean requests per second during the measured load
	loadDuration = 16 * time.Second // long enough for a full 10 s rate window inside it
	// warmup requests before the measured load: a service that has been up a while has large
	// per-worker counters, and the size of each jump between them is what inflates rate().
	// Prometheus' evenly spaced scrapes switch workers only every few seconds, so the jumps
	// must be large for a 10 s window to show the inflation clearly.
	warmup = 1600
)

// TestPrometheusRate scrapes the demo with a real Prometheus (1 s interval) under a known
// request rate: before the fix rate() is inflated by the counter "resets" each worker switch
// causes, after it rate() matches the true rate; `multiprom verify --prometheus` agrees.
func TestPrometheusRate(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin, prometheusBin)
	dir := copyDemo(t)

	t.Run("before fix: rate inflated, resets reported", func(t *testing.T) {
		m := measureRate(t, dir)
		if m.promRate < 2*m.trueRate {
			t.Errorf("rate() = %.1f/s with a true rate of %.1f/s; want at least 2x inflation before the fix", m.promRate, m.trueRate)
		}
		if m.verify.code != 1 {
			t.Errorf("verify --prometheus before the fix: want exit 1, got %s", m.verify)
		}
	})
	if t.Failed() {
		return
	}
	t.Run("after fix: rate true, no resets", func(t *testing.T) {
		fixDemo(t, dir)
		if t.Failed() {
			return
		}
		m := measureRate(t, dir)
		if d := m.promRate/m.trueRate - 1; d > 0.10 || d < -0.10 {
			t.Errorf("rate() = %.1f/s with a true rate of %.1f/s; want within 10%% after the fix", m.promRate, m.trueRate)
		}
		if m.verify.code != 0 {
			t.Errorf("verify --prometheus after the fix: want exit 0, got %s", m.verify)
		}
	})
}

type rateMeasurement struct {
	trueRate, promRate float64
	verify             result
}

// measureRate serves the demo, scrapes it with a fresh Prometheus, runs the paced load and
// asks Prometheus for the request rate over the last 10 s of it.
func measureRate(t *testing.T, dir string) rateMeasurement {
	t.Helper()
	srv := startDemo(t, dir)
	prom := startPrometheus(t, strings.TrimPrefix(srv.base, "http://"))
	prom.waitUp(t)

	srv.hammer(t, "/", warmup, 4) // the cheap endpoint; it counts the same
	time.Sleep(2 * time.Second)   // a couple of scrapes of the warm counters

	// Jittered arrivals: a strictly periodic load (20/s against 4 workers and a 1 s scrape)
	// locks into a rotation where every scrape reaches the same worker and hides the bug.
	begin := time.Now()
	var mu sync.Mutex // guards finished
	var finished []time.Time
	var failed atomic.Int64
	var wg sync.WaitGroup
	mean := time.Second / loadRate
	for next := begin; next.Sub(begin) < loadDuration; next = next.Add(time.Duration(rand.Int64N(int64(2 * mean)))) {
		time.Sleep(time.Until(next))
		wg.Go(func() {
			if err := srv.get("/work"); err != nil {
				failed.Add(1)
				return
			}
			mu.Lock()
			finished = append(finished, time.Now())
			mu.Unlock()
		})
	}
	end := time.Now()
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d load requests failed", n)
	}
	// The true rate over the same 10 s window the query uses.
	inWindow := 0
	for _, f := range finished {
		if f.After(end.Add(-10*time.Second)) && !f.After(end) {
			inWindow++
		}
	}
	m := rateMeasurement{trueRate: float64(inWindow) / 10}

	// Let the scrape after `end` land, then evaluate at `end`: the window is inside the load.
	time.Sleep(1500 * time.Millisecond)
	m.promRate = prom.scalar(t, `sum(rate(flask_http_request_total{job="demo"}[10s]))`, end)
	t.Logf("true rate %.1f/s, Prometheus rate() %.1f/s (%.2fx)", m.trueRate, m.promRate, m.promRate/m.trueRate)

	m.verify = multiprom(t, dir, "verify", "--prometheus", prom.base, "--job", "demo", "--window", "30s")
	t.Logf("verify --prometheus:\n%s%s", m.verify.stdout, m.verify.stderr)
	if m.verify.code == 2 {
		t.Fatalf("verify --prometheus could not run: %s", m.verify)
	}
	return m
}

type promServer struct {
	*proc
	base string
}

// startPrometheus runs a Prometheus with a generated config scraping target every second.
func startPrometheus(t *testing.T, target string) *promServer {
	t.Helper()
	return startPrometheusConfig(t, fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: demo
    metrics_path: /metrics
    static_configs:
      - targets: [%q]
`, target))
}

// startPrometheusConfig runs a Prometheus with the given configuration.
func startPrometheusConfig(t *testing.T, config string) *promServer {
	t.Helper()
	work := t.TempDir()
	cfgPath := filepath.Join(work, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	p := start(t, "prometheus", work, baseEnv(), prometheusBin,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+filepath.Join(work, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--log.level=warn")
	s := &promServer{proc: p, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	p.waitFor(t, "Prometheus ready", 30*time.Second, func() bool {
		resp, err := http.Get(s.base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// waitUp waits until Prometheus has scraped the demo successfully.
func (s *promServer) waitUp(t *testing.T) {
	t.Helper()
	s.waitFor(t, "the demo target to be up", 20*time.Second, func() bool {
		v, err := s.query(`up{job="demo"}`, time.Now())
		return err == nil && v == 1
	})
}

// scalar evaluates a single-valued instant query at ts, failing the test when it has no value.
func (s *promServer) scalar(t *testing.T, expr string, ts time.Time) float64 {
	t.Helper()
	v, err := s.query(expr, ts)
	if err != nil {
		t.Fatalf("query %s: %v", expr, err)
	}
	return v
}

func (s *promServer) query(expr string, ts time.Time) (float64, error) {
	q := url.Values{"query": {expr}, "time": {strconv.FormatFloat(float64(ts.UnixMilli())/1000, 'f', 3, 64)}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/v1/query?"+q.Encode(), nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, fmt.Errorf("decoding answer: %w", err)
	}
	if body.Status != "success" {
		return 0, fmt.Errorf("prometheus: %s", body.Error)
	}
	if len(body.Data.Result) != 1 {
		return 0, fmt.Errorf("want one series, got %d", len(body.Data.Result))
	}
	str, _ := body.Data.Result[0].Value[1].(string)
	return strconv.ParseFloat(str, 64)
}
