package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fastapiCounter is the counter of testdata/fastapi-gunicorn, as exposed.
const fastapiCounter = "shop_order_views_total"

// TestFastAPIGunicornCounters: testdata/fastapi-gunicorn, a FastAPI app with make_asgi_app()
// mounted at /metrics, served by `gunicorn --workers 4 --worker-class
// uvicorn.workers.UvicornWorker` (its Procfile's command). Before the fix each scrape shows the
// count of the worker that answers it; after `multiprom check --fix` and a restart with the
// same command every scrape shows exactly the requests made.
func TestFastAPIGunicornCounters(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	requirePythonModules(t, "fastapi", "uvicorn", "starlette", "prometheus_client")
	dir := copyTestdata(t, "fastapi-gunicorn")
	fixScenario(t, dir, func(t *testing.T) *demoServer {
		port := freePort(t)
		return startGunicorn(t, dir, port, baseEnv("PYTHONDONTWRITEBYTECODE=1"), "--bind", fmt.Sprintf("127.0.0.1:%d", port))
	})
	if _, err := os.Stat(dir + "/gunicorn.conf.py"); err != nil {
		t.Errorf("the fix created no gunicorn.conf.py (the multiprocess directory's home): %v", err)
	}
}

// TestFastAPIUvicornWorkers: testdata/fastapi-uvicorn, a FastAPI app with a hand-written
// /metrics route, served by `uvicorn --workers 4` from start.sh, which sets
// PROMETHEUS_MULTIPROC_DIR and empties it: uvicorn is its own process manager (no gunicorn),
// and each worker's default registry still answers alone until `multiprom check --fix` gives
// the route a per-scrape multiprocess registry.
func TestFastAPIUvicornWorkers(t *testing.T) {
	needE2E(t)
	requireProgram(t, pythonBin)
	requirePythonModules(t, "fastapi", "uvicorn", "starlette", "prometheus_client")
	dir := copyTestdata(t, "fastapi-uvicorn")
	multiprocDir := filepath.Join(t.TempDir(), "multiproc")
	fixScenario(t, dir, func(t *testing.T) *demoServer {
		port := freePort(t)
		// Debian's python3 first on PATH: it has fastapi and uvicorn.
		env := baseEnv("PYTHONDONTWRITEBYTECODE=1", fmt.Sprintf("PORT=%d", port),
			"PROMETHEUS_MULTIPROC_DIR="+multiprocDir, "PATH=/usr/bin:"+os.Getenv("PATH"))
		return serve(t, "uvicorn", dir, port, env, "Started server process", "/bin/sh", "start.sh")
	})
}

// TestFastAPIUvicornUnsetDir: the same app under `uvicorn --workers 4` from a start.sh that
// sets no PROMETHEUS_MULTIPROC_DIR, started with an environment without it. The fixes must
// give the route a multiprocess registry and the script the variable (uvicorn spawns its
// workers with the script's environment) and a clean-up before uvicorn starts.
func TestFastAPIUvicornUnsetDir(t *testing.T) {
	needE2E(t)
	requireProgram(t, pythonBin)
	requirePythonModules(t, "fastapi", "uvicorn", "starlette", "prometheus_client")
	dir := copyTestdata(t, "fastapi-uvicorn-unset")
	t.Cleanup(func() { removeExportedDir(t, filepath.Join(dir, "start.sh")) })
	fixScenario(t, dir, func(t *testing.T) *demoServer {
		port := freePort(t)
		env := baseEnv("PYTHONDONTWRITEBYTECODE=1", fmt.Sprintf("PORT=%d", port), "PATH=/usr/bin:"+os.Getenv("PATH"))
		return serve(t, "uvicorn", dir, port, env, "Started server process", "/bin/sh", "start.sh")
	})
}

// removeExportedDir removes the directory a fixed start script exports by default
// (${PROMETHEUS_MULTIPROC_DIR:-/tmp/...}): the fix names one under /tmp per checkout.
func removeExportedDir(t *testing.T, script string) {
	src, err := os.ReadFile(script)
	if err != nil {
		return
	}
	if m := regexp.MustCompile(`PROMETHEUS_MULTIPROC_DIR:-(/tmp/[^"}]+)\}`).FindSubmatch(src); m != nil {
		if err := os.RemoveAll(string(m[1])); err != nil {
			t.Logf("removing %s: %v", m[1], err)
		}
	}
}

// fixScenario loads the app started by serveApp and shows per-worker counts (scrapes that
// disagree, verify exiting 1), runs `multiprom check --fix`, restarts it and shows every scrape
// exact (verify exiting 0).
func fixScenario(t *testing.T, dir string, serveApp func(t *testing.T) *demoServer) {
	t.Helper()
	// A mount answers /metrics with a redirect to /metrics/, a route /metrics/ with one to
	// /metrics: both redirects are followed, to whichever worker accepts the new connection.
	target := func(s *demoServer) string { return s.base + "/metrics/" }

	t.Run("before fix: counters depend on the worker", func(t *testing.T) {
		srv := serveApp(t)
		load(t, srv)
		showsPerWorkerCounts(t, dir, srv, fastapiCounter, target(srv))
	})
	if t.Failed() {
		return
	}

	t.Run("after fix: every scrape shows every request", func(t *testing.T) {
		fixesWith(t, dir)
		srv := serveApp(t)
		load(t, srv)
		expectExactCounts(t, dir, srv, target(srv), fastapiCounter)
	})
}

// requirePythonModules skips when Debian's python3 cannot import a module, unless CI is set
// (CI installs them through scripts/install-deps.sh, so there it is a failure).
func requirePythonModules(t *testing.T, modules ...string) {
	t.Helper()
	if err := pythonImport(os.TempDir(), strings.Join(modules, ", ")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 modules %v are required under CI: %v", modules, err)
		}
		t.Skipf("python3 cannot import %v (set CI=true to make this a failure): %v", modules, err)
	}
}

func allEqual(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}
