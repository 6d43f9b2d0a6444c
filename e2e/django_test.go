package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// djangoCounter is the counter of testdata/django-gunicorn, as exposed.
const djangoCounter = "shop_order_views_total"

// TestDjangoGunicornCounters: testdata/django-gunicorn, a Django project whose hand-written
// /metrics view returns generate_latest(REGISTRY), served by `gunicorn --workers 4
// mysite.wsgi` (its Procfile's command). Before the fix each scrape shows the count of the
// worker that answers it and verify fails; after `multiprom check --fix` (MP104's per-request
// registry in the view, a gunicorn.conf.py that sets PROMETHEUS_MULTIPROC_DIR) and a restart
// with the same command every scrape shows exactly the requests made and verify passes.
func TestDjangoGunicornCounters(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	requirePythonModules(t, "django", "prometheus_client")
	dir := copyTestdata(t, "django-gunicorn")
	startDjango := func(t *testing.T) *demoServer {
		port := freePort(t)
		return startGunicorn(t, dir, port, baseEnv("PYTHONDONTWRITEBYTECODE=1"), "--bind", fmt.Sprintf("127.0.0.1:%d", port))
	}
	target := func(s *demoServer) string { return s.base + "/metrics" }

	t.Run("before fix: counters depend on the worker", func(t *testing.T) {
		srv := startDjango(t)
		load(t, srv)
		// Which worker accepts a connection is the kernel's choice: scrape until two
		// scrapes disagree (or 40 agreed).
		var totals []float64
		for len(totals) < 40 && (len(totals) < 2 || allEqual(totals)) {
			totals = append(totals, srv.counterTotal(t, djangoCounter))
			time.Sleep(100 * time.Millisecond)
		}
		for i, v := range totals {
			if v > requests {
				t.Errorf("scrape %d shows %v requests, more than the %d made", i+1, v, requests)
			}
		}
		if allEqual(totals) {
			t.Errorf("every scrape showed the same count %v; want per-worker counts that differ", totals)
		}
		t.Logf("%s per scrape: %v", djangoCounter, totals)
		// A run of verify may reach only workers that agree: it must fail within a few
		// runs, and exit 1 (FAIL) whenever it fails.
		var runs []result
		for len(runs) < 5 && (len(runs) == 0 || runs[len(runs)-1].code == 0) {
			runs = append(runs, multiprom(t, dir, "verify", target(srv), "--scrapes", "20", "--interval", "100ms"))
		}
		if last := runs[len(runs)-1]; last.code != 1 || !strings.Contains(last.stdout, "FAIL") {
			t.Errorf("multiprom verify on the broken project, %d runs: want exit 1 and FAIL, last got %s", len(runs), last)
		}
		t.Logf("verify failed the broken project on run %d", len(runs))
	})
	if t.Failed() {
		return
	}

	t.Run("after fix: every scrape shows every request", func(t *testing.T) {
		before := multiprom(t, dir, "check", ".")
		if !strings.Contains(before.stdout, "MP104") {
			t.Errorf("multiprom check before the fix: want MP104 on the view, got %s", before)
		}
		fixed := multiprom(t, dir, "check", "--fix", ".")
		if fixed.code != 0 && fixed.code != 1 {
			t.Fatalf("multiprom check --fix: %s", fixed)
		}
		after := multiprom(t, dir, "check", "--format", "json", ".")
		if after.code != 0 {
			t.Errorf("findings left after --fix: %s", after)
		}
		if _, err := os.Stat(dir + "/gunicorn.conf.py"); err != nil {
			t.Errorf("the fix created no gunicorn.conf.py (the multiprocess directory's home): %v", err)
		}
		srv := startDjango(t)
		load(t, srv)
		for i := range 12 {
			if got := srv.counterTotal(t, djangoCounter); got != requests {
				t.Errorf("scrape %d shows %v requests, want exactly %d", i+1, got, requests)
			}
			time.Sleep(100 * time.Millisecond)
		}
		res := multiprom(t, dir, "verify", target(srv), "--scrapes", "20", "--interval", "200ms")
		if res.code != 0 {
			t.Errorf("multiprom verify on the fixed project: want exit 0, got %s", res)
		}
		t.Logf("verify on the fixed project:\n%s", res.stdout)
	})
}
