package snippets

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// startRedis runs a throw-away redis-server on 127.0.0.1 and returns its URL.
func startRedis(t *testing.T) (url string, p *proc) {
	t.Helper()
	need(t, redisServer)
	port := freePort(t)
	p = start(t, t.TempDir(), baseEnv(), redisServer, "--port", fmt.Sprint(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	waitFor(t, "redis-server to accept connections", 10*time.Second, func() bool {
		return strings.Contains(p.out.String(), "Ready to accept connections")
	})
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port), p
}

var ordersMetric = []BusinessMetric{{Name: "orders", Kind: "counter", Help: "Orders placed", Labels: []string{"kind"}}}

// TestRedisBusinessMetrics: with redis-server and gunicorn -w 4, increments made in different
// workers add up, and every scrape (whichever worker answers) shows the exact total. Then Redis is
// stopped: requests still succeed and scrapes still serve the request metrics (the business
// metrics are skipped, not fatal).
func TestRedisBusinessMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gunicorn and redis-server; skipped with -short")
	}
	needPython(t, "flask", "prometheus_client", "redis")
	need(t, gunicorn)
	redisURL, redisProc := startRedis(t)
	p := rawRuntimeParams(t)
	p.Redis, p.Business = true, ordersMetric
	dir := demoProject(t, p)
	s := startGunicorn(t, dir, GunicornConfig(p, "4"), "REDIS_URL="+redisURL)

	const n = 40
	if workers := s.requestsTo(t, n, func(int) string { return "/order" }); workers < 2 {
		t.Fatalf("only %d worker(s) took orders; the test needs several", workers)
	}
	for i := 0; i < 10; i++ {
		fams := scrape(t, s.base+"/metrics")
		if got := sum(fams, "orders_total", map[string]string{"kind": "book"}); got != n {
			t.Errorf("scrape %d: orders_total{kind=book} = %v, want %d", i, got, n)
		}
		if got := sum(fams, "flask_http_request_total", nil); got != n {
			t.Errorf("scrape %d: flask_http_request_total = %v, want %d", i, got, n)
		}
	}

	if err := redisProc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = redisProc.cmd.Wait()
	if code, body := get(t, s.base+"/order"); code != 200 {
		t.Errorf("/order with Redis down: HTTP %d: %s", code, body)
	}
	fams := scrape(t, s.base+"/metrics")
	if _, ok := fams["orders_total"]; ok {
		t.Error("orders_total exposed while Redis is down")
	}
	if got := sum(fams, "flask_http_request_total", nil); got != n+1 {
		t.Errorf("with Redis down: flask_http_request_total = %v, want %d", got, n+1)
	}
}

// TestRedisAttachToExporter checks business_metrics.attach_to_exporter against the
// generate_metrics() contract of prometheus_flask_exporter 0.23 (a fake object: the library is
// not installable here), in multiprocess mode: the output holds the Redis counter, the
// multiprocess metrics and the process metrics, in both exposition formats.
func TestRedisAttachToExporter(t *testing.T) {
	needPython(t, "prometheus_client", "redis")
	redisURL, _ := startRedis(t)
	p := Params{Flavour: Exporter, AppTag: "demo", Redis: true, Business: ordersMetric}
	dir := t.TempDir()
	files := must(AppFiles(p))
	writeFiles(t, dir, map[string]string{"business_metrics.py": files["business_metrics.py"]})
	out := runPython(t, dir, baseEnv("REDIS_URL="+redisURL, "PROMETHEUS_MULTIPROC_DIR="+t.TempDir()), `
from prometheus_client import CollectorRegistry, Counter
import business_metrics

class FakeExporter:
    registry = CollectorRegistry()
    def generate_metrics(self, accept_header=None, names=None):
        raise AssertionError("replaced")

REQS = Counter("flask_http_request_total", "Requests", ["method", "status"])
REQS.labels("GET", "200").inc()
business_metrics.inc("orders", kind="book")
business_metrics.inc("orders", 2, kind="book")
m = FakeExporter()
business_metrics.attach_to_exporter(m)
text, ctype = m.generate_metrics()
om, omtype = m.generate_metrics("application/openmetrics-text; version=0.0.1")
print(ctype)
print(text)
print(omtype)
print(om)
`)
	for _, want := range []string{
		`orders_total{kind="book"} 3.0`,
		`flask_http_request_total{method="GET",status="200"} 1.0`,
		"process_resident_memory_bytes",
		"application/openmetrics-text",
		`orders_total{kind="book"} 3.0` + "\n",
		"# EOF",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exporter output lacks %q:\n%s", want, out)
		}
	}
}
