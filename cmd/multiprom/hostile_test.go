package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A hostile workspace through the CLI: every file the scan cannot use gets
// one line on stderr naming it, the rest of the project is checked (exit 1
// for its findings, not 2), --fix touches only sound files and leaves the
// odd ones byte for byte, and exit 2 is kept for usage errors and runs that
// could not complete.

func hostileWrite(t *testing.T, root, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func hostileRoot(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	root := t.TempDir()
	files := map[string][]byte{
		"gunicorn.conf.py":   []byte("workers = 4\n"),
		"m.py":               []byte("from prometheus_client import Gauge\n\nG = Gauge(\"g\", \"help\")\n"),
		"latin1.py":          []byte("from prometheus_client import Gauge\nG = Gauge(\"caf\xe9\", \"h\")\n"),
		"binary.py":          []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00from prometheus_client import Gauge\n"),
		"huge.py":            bytes.Repeat([]byte("G = Gauge('g', 'h')  # padding, padding, padding.\n"), 20<<20/50),
		"deep.py":            []byte("from prometheus_client import Gauge\nG = " + strings.Repeat("Gauge(", 10000) + strings.Repeat(")", 10000) + "\n"),
		"unclosed.py":        []byte("from prometheus_client import Gauge\nG = Gauge('u', 'h'" + strings.Repeat("(", 10000)),
		"dir.py/inner.py":    []byte("x = 1\n"),
		"requirements.txt":   []byte("\xff\xfe\x00p\x00r\x00"),
		"docker-compose.yml": []byte("services: [\x00\n"),
	}
	for rel, data := range files {
		hostileWrite(t, root, rel, data)
	}
	for link, target := range map[string]string{"dangling.py": "nowhere.py", "self.py": "self.py", "loop": "."} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, files
}

func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	old, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestHostileWorkspaceCLI(t *testing.T) {
	root, files := hostileRoot(t)
	code, stdout, stderr := runCLI(t, root, "check", "--format", "text")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings) on a hostile workspace\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"latin1.py: skipped: not UTF-8 text",
		"binary.py: skipped: not UTF-8 text",
		"huge.py: skipped:",
		"dangling.py: cannot read:",
		"self.py: cannot read:",
		"fifo.py: skipped: not a regular file",
	} {
		if strings.Count(stderr, want) != 1 {
			t.Errorf("stderr should name the file once with %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "m.py:3:5: MP301") {
		t.Errorf("the sound files were not checked:\n%s", stdout)
	}

	code, _, stderr = runCLI(t, root, "check", "--fix")
	if code != 0 && code != 1 {
		t.Fatalf("--fix exit %d on a hostile workspace:\n%s", code, stderr)
	}
	for _, rel := range []string{"latin1.py", "binary.py", "huge.py", "unclosed.py", "requirements.txt", "docker-compose.yml"} {
		got, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil || !bytes.Equal(got, files[rel]) {
			t.Errorf("--fix changed %s, which it could not read or parse soundly", rel)
		}
	}
	fixed, _ := os.ReadFile(filepath.Join(root, "m.py"))
	if !strings.Contains(string(fixed), "multiprocess_mode=") {
		t.Errorf("--fix did not fix the sound file m.py:\n%s", fixed)
	}
	if fi, err := os.Lstat(filepath.Join(root, "fifo.py")); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", err)
	}
}

func TestExitCodesForRunsThatCannotComplete(t *testing.T) {
	dir := t.TempDir()
	hostileWrite(t, dir, "empty/.keep", nil)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"check", filepath.Join(dir, "missing")}, 2},
		{[]string{"check", "--format", "yaml", "."}, 2},
		{[]string{"check", "--select", "MP999", "."}, 2},
		{[]string{"check", "--fix", "--diff", "."}, 2},
		{[]string{"nonsense"}, 2},
		{[]string{"check", filepath.Join(dir, "empty")}, 0},
	} {
		if code, _, stderr := runCLI(t, dir, tc.args...); code != tc.want {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, tc.want, stderr)
		}
	}
}
