package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freePortRun returns the first of n consecutive free ports.
func freePortRun(t *testing.T, n int) int {
	t.Helper()
	for range 20 {
		first, ok := freePort(t), true
		for p := first + 1; p < first+n && ok; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if ok = err == nil; ok {
				l.Close()
			}
		}
		if ok {
			return first
		}
	}
	t.Fatalf("found no %d consecutive free ports", n)
	return 0
}

// TestDjangoExportPortPerWorker: MP112's runtime claim and its fix. With django_prometheus
// installed and PROMETHEUS_METRICS_EXPORT_PORT set, every one of gunicorn's 4 workers binds that
// port in AppConfig.ready: the second fails with "Address already in use" and gunicorn stops
// ("Worker failed to boot"). After `check --fix --unsafe-fixes` (a range of one port per
// worker) and a restart, each worker serves its own registry on its own port, and the ports
// scraped one by one add up to the requests made: correct when Prometheus scrapes every port.
func TestDjangoExportPortPerWorker(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	requirePythonModules(t, "django", "django_prometheus", "prometheus_client")
	dir := copyTestdata(t, "django-gunicorn")
	exportPort := freePortRun(t, 4)
	// The address is explicit: django-prometheus documents '' (all addresses), but
	// prometheus_client 0.16's start_http_server resolves it with getaddrinfo and fails.
	settings := fmt.Sprintf("INSTALLED_APPS = [\"django_prometheus\", \"shop\"]\nPROMETHEUS_METRICS_EXPORT_PORT = %d\nPROMETHEUS_METRICS_EXPORT_ADDRESS = \"127.0.0.1\"\n", exportPort)
	f, err := os.OpenFile(filepath.Join(dir, "mysite", "settings.py"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(settings)
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}

	t.Run("before fix: the second worker cannot bind the port and gunicorn stops", func(t *testing.T) {
		port := freePort(t)
		argv := append(procfileCommand(t, dir), "--bind", fmt.Sprintf("127.0.0.1:%d", port))
		argv[0] = gunicornBin
		p := start(t, "gunicorn", dir, baseEnv("PYTHONDONTWRITEBYTECODE=1"), argv...)
		select {
		case <-p.done:
		case <-time.After(60 * time.Second):
			t.Fatalf("gunicorn still runs after 60s; log:\n%s", p.tail(30))
		}
		log := p.logText()
		for _, want := range []string{"Address already in use", "Worker failed to boot"} {
			if !strings.Contains(log, want) {
				t.Errorf("gunicorn log lacks %q; last lines:\n%s", want, p.tail(30))
			}
		}
	})
	if t.Failed() {
		return
	}

	t.Run("after fix: one port per worker, summed over the ports", func(t *testing.T) {
		before := multiprom(t, dir, "check", ".")
		if !strings.Contains(before.stdout, "MP112") {
			t.Fatalf("multiprom check: want MP112, got %s", before)
		}
		fixed := multiprom(t, dir, "check", "--fix", "--unsafe-fixes", ".")
		if fixed.code != 0 && fixed.code != 1 {
			t.Fatalf("multiprom check --fix --unsafe-fixes: %s", fixed)
		}
		srv := startDjango(t, dir)
		load(t, srv)
		total := 0.0
		for p := exportPort; p < exportPort+4; p++ {
			worker := &demoServer{proc: srv.proc, base: fmt.Sprintf("http://127.0.0.1:%d", p)}
			n := worker.counterTotal(t, djangoCounter)
			t.Logf("port %d: %s %v", p, djangoCounter, n)
			total += n
		}
		if total != requests {
			t.Errorf("the 4 export ports add up to %v requests, want exactly %d", total, requests)
		}
	})
}
