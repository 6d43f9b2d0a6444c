package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// requests is how many user requests each phase makes before scraping: not a multiple of the
// 4 workers, and partly sequential (which favours the worker that just answered), so the
// workers' own counts cannot all be equal by chance — with 60 concurrent requests they were.
const requests = 61

// load makes the phase's requests: concurrent ones to reach every worker, then sequential ones.
func load(t *testing.T, s *demoServer) {
	s.hammer(t, "/work", requests-14, 8)
	s.hammer(t, "/work", 14, 1)
}

// TestDemoCounters: served by `gunicorn -w 4` with the Procfile's command, the demo's request
// counter depends on which worker answers a scrape; after `multiprom check --fix` and a
// restart with the same command every scrape shows exactly the requests made.
func TestDemoCounters(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	dir := copyDemo(t)
	target := func(s *demoServer) string { return s.base + "/metrics" }

	t.Run("before fix: counters depend on the worker", func(t *testing.T) {
		srv := startDemo(t, dir)
		load(t, srv)
		var totals []float64
		for range 12 {
			totals = append(totals, srv.requestTotal(t))
			time.Sleep(150 * time.Millisecond) // idle workers race for the next scrape
		}
		differ := false
		for i := 1; i < len(totals); i++ {
			differ = differ || totals[i] != totals[i-1]
			if totals[i] > requests {
				t.Errorf("scrape %d shows %v requests, more than the %d made", i+1, totals[i], requests)
			}
		}
		if !differ {
			t.Errorf("every scrape showed the same request count %v; want per-worker counts that differ", totals)
		}
		t.Logf("request totals per scrape: %v", totals)

		res := multiprom(t, dir, "verify", target(srv), "--scrapes", "20", "--interval", "200ms")
		if res.code != 1 || !strings.Contains(res.stdout, "FAIL") {
			t.Errorf("multiprom verify on the broken demo: want exit 1 and FAIL, got %s", res)
		}
		t.Logf("verify on the broken demo:\n%s", res.stdout)
		srv.stop(t)

		// The planted MP302 bug is a crash, not a wrong number: the worker module cannot import.
		if err := pythonImport(dir, "demo_app.tasks"); err == nil || !strings.Contains(err.Error(), "Invalid multiprocess mode") {
			t.Errorf("importing demo_app.tasks before the fix: want ValueError Invalid multiprocess mode, got %v", err)
		}
	})
	if t.Failed() {
		return
	}

	t.Run("after fix: every scrape shows every request", func(t *testing.T) {
		fixDemo(t, dir)
		if t.Failed() {
			return
		}
		if err := pythonImport(dir, "demo_app.tasks"); err != nil {
			t.Errorf("demo_app.tasks still does not import after the fix: %v", err)
		}
		srv := startDemo(t, dir)
		load(t, srv)
		expectExactCounts(t, dir, srv, target(srv), "flask_http_request_total")
	})
}

// expectExactCounts scrapes a loaded server 12 times, each scrape must show exactly the
// requests made in counter, then runs `multiprom verify` on url, which must pass.
func expectExactCounts(t *testing.T, dir string, srv *demoServer, url, counter string) {
	t.Helper()
	for i := range 12 {
		if got := srv.counterTotal(t, counter); got != requests {
			t.Errorf("scrape %d shows %v requests, want exactly %d", i+1, got, requests)
		}
		time.Sleep(150 * time.Millisecond)
	}
	res := multiprom(t, dir, "verify", url, "--scrapes", "20", "--interval", "200ms")
	if res.code != 0 {
		t.Errorf("multiprom verify on the fixed app: want exit 0, got %s", res)
	}
	t.Logf("verify on the fixed app:\n%s", res.stdout)
}

var slowPid = regexp.MustCompile(`slow request holding worker pid=(\d+)`)

// TestChildExit kills a worker mid-request. With the child_exit hook multiprom adds, the
// livesum in-progress gauge drops back once gunicorn replaces the worker; with the hook
// emptied out, the dead worker's in-progress request stays in the total forever.
func TestChildExit(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	dir := copyDemo(t)
	fixDemo(t, dir)
	if t.Failed() {
		return
	}
	conf, err := os.ReadFile(filepath.Join(dir, "gunicorn.conf.py"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(conf), "def child_exit(") {
		t.Fatalf("fixed gunicorn.conf.py has no child_exit hook:\n%s", conf)
	}

	t.Run("with hook", func(t *testing.T) {
		killMidRequest(t, dir, true)
	})
	t.Run("without hook", func(t *testing.T) {
		// The control: the same fixed project with the hook redefined as a no-op at the end
		// of the config, started by the same command.
		noHook := string(conf) + "\n\ndef child_exit(server, worker):  # e2e control: hook removed\n    pass\n"
		if err := os.WriteFile(filepath.Join(dir, "gunicorn.conf.py"), []byte(noHook), 0o644); err != nil {
			t.Fatal(err)
		}
		killMidRequest(t, dir, false)
	})
}

func killMidRequest(t *testing.T, dir string, hook bool) {
	killMidRequestOf(t, startDemo(t, dir), "demo_requests_in_progress", "Booting worker with pid", hook)
}

// killMidRequestOf starts a /slow request on srv, kills its worker with SIGKILL, waits until the
// server logs one more bootLine (the replacement), and checks the livesum gauge: back to its
// idle level when a hook marks dead workers, else stuck one above it.
func killMidRequestOf(t *testing.T, srv *demoServer, gaugeName, bootLine string, hook bool) {
	gauge := func() float64 {
		for series, v := range srv.scrape(t).Gauges {
			if series == gaugeName {
				return v
			}
		}
		t.Fatalf("no unlabelled %s gauge (is it still mode all?)", gaugeName)
		return 0
	}
	// The scrape itself is a request in progress, so measure the idle level first.
	idle := gauge()

	go srv.get("/slow?seconds=60") // fails when its worker is killed; that is the point
	var pid int
	srv.waitFor(t, "the /slow request to start", 15*time.Second, func() bool {
		m := slowPid.FindStringSubmatch(srv.logText())
		if m == nil {
			return false
		}
		pid, _ = strconv.Atoi(m[1])
		return true
	})
	busy := gauge()
	if busy != idle+1 {
		t.Fatalf("in-progress gauge with /slow running = %v, want %v", busy, idle+1)
	}
	booted := strings.Count(srv.logText(), bootLine)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
	srv.waitFor(t, "the server to replace the killed worker", 15*time.Second, func() bool {
		return strings.Count(srv.logText(), bootLine) > booted
	})
	if hook {
		srv.waitFor(t, fmt.Sprintf("in-progress gauge back to %v", idle), 10*time.Second, func() bool {
			return gauge() == idle
		})
		return
	}
	time.Sleep(2 * time.Second) // give a (missing) hook every chance to have run
	for range 5 {
		if got := gauge(); got != idle+1 {
			t.Fatalf("without a hook marking it dead the killed worker's request should stay counted: gauge = %v, want %v", got, idle+1)
		}
	}
}
