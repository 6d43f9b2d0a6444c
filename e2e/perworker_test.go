package e2e

import (
	"strings"
	"testing"
	"time"
)

// showsPerWorkerCounts checks the bug on a freshly loaded server: scrapes show one worker's count
// each (never more than the requests made, and not all equal), and verify fails with exit 1.
// Which worker accepts a connection is the kernel's choice, and an idle worker may win several
// in a row: it scrapes until two scrapes disagree (or 40 agreed), and runs verify until it fails
// (at most 5 runs).
func showsPerWorkerCounts(t *testing.T, dir string, srv *demoServer, counter, target string) {
	t.Helper()
	var totals []float64
	for len(totals) < 40 && (len(totals) < 2 || allEqual(totals)) {
		totals = append(totals, srv.counterTotal(t, counter))
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
	t.Logf("%s per scrape: %v", counter, totals)
	var runs []result
	for len(runs) < 5 && (len(runs) == 0 || runs[len(runs)-1].code == 0) {
		runs = append(runs, multiprom(t, dir, "verify", target, "--scrapes", "20", "--interval", "100ms"))
	}
	if last := runs[len(runs)-1]; last.code != 1 || !strings.Contains(last.stdout, "FAIL") {
		t.Errorf("multiprom verify on the broken project, %d runs: want exit 1 and FAIL, last got %s", len(runs), last)
	}
	t.Logf("verify failed the broken project on run %d", len(runs))
}

// fixesWith runs `multiprom check` (which must report every code in want), then `check --fix`,
// and checks that nothing is left.
func fixesWith(t *testing.T, dir string, want ...string) {
	t.Helper()
	before := multiprom(t, dir, "check", ".")
	for _, code := range want {
		if !strings.Contains(before.stdout, code) {
			t.Errorf("multiprom check before the fix: want %s, got %s", code, before)
		}
	}
	fixed := multiprom(t, dir, "check", "--fix", ".")
	if fixed.code != 0 && fixed.code != 1 {
		t.Fatalf("multiprom check --fix: %s", fixed)
	}
	if after := multiprom(t, dir, "check", "--format", "json", "."); after.code != 0 {
		t.Errorf("findings left after --fix: %s", after)
	}
}
