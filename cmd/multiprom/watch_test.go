package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/multiprom/multiprom/internal/testrepo"
	"github.com/multiprom/multiprom/internal/workspace"
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

// TestWatchRelevant: what makes --watch check again. An editor's swap file
// or a log does not; the files the scan reads do, and so does a Dockerfile
// whose name says nothing once a check has read it (a compose file names
// it).
func TestWatchRelevant(t *testing.T) {
	root := t.TempDir()
	writeTestFile(t, filepath.Join(root, "docker-compose.yml"), "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/web\n")
	writeTestFile(t, filepath.Join(root, "docker", "web"), "FROM python:3.12\nCMD gunicorn -w 4 app:app\n")
	writeTestFile(t, filepath.Join(root, "app.py"), "from flask import Flask\napp = Flask(__name__)\n")
	w, err := newTreeWatcher("")
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	write := func(rel string) fsnotify.Event {
		return fsnotify.Event{Name: filepath.Join(root, rel), Op: fsnotify.Write}
	}
	for rel, want := range map[string]bool{
		"app.py": true, "Procfile": true, ".env": true, "gunicorn.conf.py": true, ".gitignore": true,
		"docker/web": false, ".app.py.swp": false, "notes.txt": false, "4913": false,
	} {
		if got := w.relevant(write(rel)); got != want {
			t.Errorf("before a check: %s relevant = %v, want %v", rel, got, want)
		}
	}
	scan, err := workspace.Scan(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	w.learn(scan)
	if !w.relevant(write("docker/web")) {
		t.Error("docker/web, read by the check, is not watched")
	}
	if w.relevant(fsnotify.Event{Name: filepath.Join(root, "app.py"), Op: fsnotify.Chmod}) {
		t.Error("a mode change alone counts")
	}
}

func writeTestFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
