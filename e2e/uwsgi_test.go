package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	uwsgiBin          = "/usr/bin/uwsgi"
	uwsgiPythonPlugin = "/usr/lib/uwsgi/plugins/python3_plugin.so"
)

// startUwsgi serves testdata/flask-uwsgi (copied to dir) with its Procfile's command: uWSGI
// with a master and four processes, its http router on a free port of 127.0.0.1.
func startUwsgi(t *testing.T, dir string) *demoServer {
	t.Helper()
	port := freePort(t)
	env := baseEnv(fmt.Sprintf("BIND=127.0.0.1:%d", port), "PYTHONDONTWRITEBYTECODE=1")
	return startProcfile(t, dir, port, env, "uwsgi", uwsgiBin, "spawned uWSGI worker")
}

// workTotal is shop_work_total in one scrape.
func (s *demoServer) workTotal(t *testing.T) float64 {
	t.Helper()
	return s.scrape(t).Counters["shop_work_total"]
}

// TestUwsgiCounters: a Flask app under uWSGI with four processes (master, app loaded in the
// master before the fork, no lazy-apps) counts per worker: scrapes disagree and `multiprom
// verify` fails. After `multiprom check --fix` (MP104's per-request multiprocess registry,
// MP205/MP204's env = and exec-asap lines in uwsgi.ini) and a restart every scrape shows
// exactly the requests made, and after a second restart the previous run's files are gone
// (the count starts again from zero instead of adding up).
func TestUwsgiCounters(t *testing.T) {
	needE2E(t)
	requireProgram(t, uwsgiBin, uwsgiPythonPlugin, pythonBin)
	dir := copyTestdata(t, "flask-uwsgi")
	target := func(s *demoServer) string { return s.base + "/metrics" }

	t.Run("before fix: counters depend on the process", func(t *testing.T) {
		srv := startUwsgi(t, dir)
		load(t, srv)
		var totals []float64
		short := false
		for range 12 {
			n := srv.workTotal(t)
			totals = append(totals, n)
			short = short || n < requests
			if n > requests {
				t.Errorf("a scrape shows %v units of work, more than the %d requests made", n, requests)
			}
			time.Sleep(150 * time.Millisecond)
		}
		if !short {
			t.Errorf("every scrape showed all %d requests %v; want one process's share", requests, totals)
		}
		t.Logf("work totals per scrape: %v", totals)
		verifyExit(t, dir, target(srv), 1)
		srv.stop(t)
	})
	if t.Failed() {
		return
	}

	t.Run("after fix: every scrape shows every request, run after run", func(t *testing.T) {
		fixed := multiprom(t, dir, "check", "--fix", ".")
		if fixed.code == 2 {
			t.Fatalf("multiprom check --fix: %s", fixed)
		}
		after := multiprom(t, dir, "check", "--format", "json", ".")
		for _, code := range []string{"MP104", "MP204", "MP205"} {
			if strings.Contains(after.stdout, `"`+code+`"`) {
				t.Errorf("%s still reported after --fix:\n%s", code, after)
			}
		}
		ini, _ := os.ReadFile(filepath.Join(dir, "uwsgi.ini"))
		t.Logf("uwsgi.ini after the fix:\n%s", ini)
		for run := 1; run <= 2; run++ {
			srv := startUwsgi(t, dir)
			load(t, srv)
			for i := range 12 {
				if got := srv.workTotal(t); got != requests {
					t.Errorf("run %d, scrape %d shows %v units of work, want exactly %d", run, i+1, got, requests)
				}
				time.Sleep(100 * time.Millisecond)
			}
			verifyExit(t, dir, target(srv), 0)
			srv.stop(t)
		}
	})
}

// TestUwsgiDeadWorkerGauge kills a uWSGI worker mid-request. uWSGI has no child_exit; the code
// MP201's fix appends to the app makes the worker uWSGI forks in its place mark the dead pid,
// so the livesum in-progress gauge drops back, whether the master loads the app before the
// fork or each worker loads it (lazy-apps). Without that code the dead worker's request stays
// counted until the next start.
func TestUwsgiDeadWorkerGauge(t *testing.T) {
	needE2E(t)
	requireProgram(t, uwsgiBin, uwsgiPythonPlugin, pythonBin)
	dir := copyTestdata(t, "flask-uwsgi")
	if res := multiprom(t, dir, "check", "--fix", "."); res.code == 2 {
		t.Fatalf("multiprom check --fix: %s", res)
	}
	appPath, iniPath := filepath.Join(dir, "app.py"), filepath.Join(dir, "uwsgi.ini")
	app, _ := os.ReadFile(appPath)
	ini, _ := os.ReadFile(iniPath)
	if !strings.Contains(string(app), "\n_multiprom_setup_uwsgi()\n") {
		t.Fatalf("the fixed app.py does not set up the uWSGI hook:\n%s", app)
	}
	const respawned = "spawned uWSGI worker" // "spawned" at start, "Respawned" for a replacement
	t.Run("app loaded in the master", func(t *testing.T) {
		killMidRequestOf(t, startUwsgi(t, dir), "shop_work_in_progress", respawned, true)
	})
	t.Run("lazy-apps", func(t *testing.T) {
		if err := os.WriteFile(iniPath, append(append([]byte{}, ini...), "lazy-apps = true\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(iniPath, ini, 0o644)
		killMidRequestOf(t, startUwsgi(t, dir), "shop_work_in_progress", respawned, true)
	})
	t.Run("without the hook", func(t *testing.T) {
		// The control: the same fixed project with the set-up call removed.
		noHook := strings.Replace(string(app), "\n_multiprom_setup_uwsgi()\n", "\n", 1)
		if err := os.WriteFile(appPath, []byte(noHook), 0o644); err != nil {
			t.Fatal(err)
		}
		killMidRequestOf(t, startUwsgi(t, dir), "shop_work_in_progress", respawned, false)
	})
}

// verifyExit runs `multiprom verify` on url (20 scrapes, 200ms apart) and wants exit code
// want (1 with FAIL). uWSGI's http router closes the client connection after each response
// unless http-keepalive is set, so no scrape is tied to the worker of the one before.
func verifyExit(t *testing.T, dir, url string, want int) {
	t.Helper()
	res := multiprom(t, dir, "verify", url, "--scrapes", "20", "--interval", "200ms")
	if res.code != want || want == 1 && !strings.Contains(res.stdout, "FAIL") {
		t.Errorf("multiprom verify %s: want exit %d, got %s", url, want, res)
	}
	t.Logf("verify:\n%s", res.stdout)
}
