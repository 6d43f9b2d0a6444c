package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/multiprom/multiprom/internal/testrepo"
)

// watchLimit guards against a watcher that never reports; it is a failure
// deadline, not a timing assertion.
const watchLimit = 60 * time.Second

// lineReader hands a process's output lines to the test as they come.
type lineReader struct {
	lines chan string
}

func readLines(t *testing.T, r *os.File) *lineReader {
	t.Helper()
	lr := &lineReader{lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lr.lines <- sc.Text()
		}
		close(lr.lines)
	}()
	return lr
}

// until returns the lines read up to and including the first that matches
// re.
func (lr *lineReader) until(t *testing.T, re string) []string {
	t.Helper()
	want := regexp.MustCompile(re)
	var got []string
	deadline := time.After(watchLimit)
	for {
		select {
		case l, ok := <-lr.lines:
			if !ok {
				t.Fatalf("output ended before a line matching %q; read:\n%s", re, strings.Join(got, "\n"))
			}
			got = append(got, l)
			if want.MatchString(l) {
				return got
			}
		case <-deadline:
			t.Fatalf("no line matching %q; read:\n%s", re, strings.Join(got, "\n"))
		}
	}
}

// TestWatchReportsAgainAfterEdit starts the real command with --watch on a
// copy of a testdata project, waits for its first report, edits a file so
// that a finding goes, and waits for the next report, which no longer has
// it; Ctrl-C then exits 0.
func TestWatchReportsAgainAfterEdit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the command as a process")
	}
	root := testrepo.Assemble(t, []string{"raw-default-registry"}, "")
	dir := filepath.Join(root, "services", "raw-default-registry")
	cmd := exec.Command(os.Args[0], "check", "--watch", "--output-format", "concise", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runAsCLI+"=1")
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer cmd.Process.Kill()
	lines := readLines(t, out)

	lines.until(t, `^\[\d\d:\d\d:\d\d\] Starting linter in watch mode\.\.\.$`)
	first := strings.Join(lines.until(t, `^Found \d+ errors?\.$`), "\n")
	if !strings.Contains(first, "inventory/stock.py:5:12: MP301 ") || !strings.Contains(first, "Found 3 errors.") {
		t.Fatalf("first report:\n%s", first)
	}

	stock := filepath.Join(dir, "inventory", "stock.py")
	src, err := os.ReadFile(stock)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(src), `"Items reserved right now")`, `"Items reserved right now", multiprocess_mode="livesum")`, 1)
	if fixed == string(src) {
		t.Fatal("the fixture changed: no Gauge to edit")
	}
	if err := os.WriteFile(stock, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	lines.until(t, `^\[\d\d:\d\d:\d\d\] File change detected\.\.\.$`)
	second := strings.Join(lines.until(t, `^(Found \d+ errors?\.|All checks passed!)$`), "\n")
	// The mode makes the project multiprocess in one more way (MP205 comes);
	// what matters is that the Gauge's finding went and the others stayed.
	if strings.Contains(second, "MP301") || !strings.Contains(second, "inventory/__init__.py:13:25: MP104 ") {
		t.Fatalf("the report after the edit still has the Gauge's finding, or lost others:\n%s", second)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after Ctrl-C: %v, want exit 0", err)
		}
	case <-time.After(watchLimit):
		t.Fatal("--watch did not stop on Ctrl-C")
	}
}
