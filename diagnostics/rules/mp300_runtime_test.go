package rules

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMultiprocClaims checks, against the real prometheus_client (Debian's),
// the runtime behaviour that the MP3xx docs state: a pid label is
// overwritten (MP309), set_function is never called (MP303), Info is missing
// from a multiprocess scrape while the MP304 Gauge replacement is not, and
// x/x_total collide on the default registry (MP307).
func TestMultiprocClaims(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import prometheus_client").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s with prometheus_client is required under CI: %v", py, err)
		}
		t.Skipf("%s with prometheus_client not available: %v", py, err)
	}
	dir := t.TempDir()
	script := `
from prometheus_client import CollectorRegistry, Counter, Gauge, Info, generate_latest, multiprocess
pid_all = Gauge("pid_all", "h", ["pid"])
pid_all.labels(pid="111").set(1)
pid_all.labels(pid="222").set(2)
pid_sum = Gauge("pid_sum", "h", ["pid"], multiprocess_mode="livesum")
pid_sum.labels(pid="111").set(1)
pid_sum.labels(pid="222").set(2)
fn = Gauge("fn", "h", multiprocess_mode="livemax")
fn.set_function(lambda: 42)
Info("old", "h").info({"version": "1"})
Gauge("new_info", "h", ["version"], multiprocess_mode="max").labels(version="1").set(1)
r = CollectorRegistry()
multiprocess.MultiProcessCollector(r)
print(generate_latest(r).decode())
Counter("dup", "h")
try:
    Gauge("dup_total", "h")
    print("NO-DUPLICATE-ERROR")
except ValueError as e:
    print("duplicate:", e)
`
	cmd := exec.Command(py, "-c", script)
	cmd.Env = append(os.Environ(), "PROMETHEUS_MULTIPROC_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"fn 0.0",                           // MP303: the function is never called
		`new_info{version="1"} 1.0`,        // MP304: the Gauge replacement is exported
		"pid_sum 3.0",                      // MP309: pid dropped, values merged
		"duplicate: Duplicated timeseries", // MP307
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "old_info") {
		t.Errorf("Info exported in multiprocess mode (MP304 says it is not):\n%s", text)
	}
	if strings.Contains(text, `pid="111"`) || strings.Contains(text, `pid="222"`) {
		t.Errorf("user pid label survived (MP309 says it is overwritten):\n%s", text)
	}
}
