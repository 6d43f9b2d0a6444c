package diagnostics_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// Hostile workspaces: whatever is on disk, a scan completes, every file it
// cannot use gets one clear per-file problem, and the rest of the project is
// still checked. Tests run as root, so "unreadable" is made with a dangling
// symlink, a symlink loop, a FIFO and a directory named like a module (chmod
// 000 does not stop root).

func write(t *testing.T, root, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func problemsByPath(ps []project.Problem) map[string]string {
	out := map[string]string{}
	for _, p := range ps {
		out[p.Path] += p.Message
	}
	return out
}

func TestHostileWorkspace(t *testing.T) {
	root := t.TempDir()
	write(t, root, "gunicorn.conf.py", []byte("workers = 4\n"))
	write(t, root, "m.py", []byte("from prometheus_client import Gauge\n\nG = Gauge(\"g\", \"help\")\n"))
	write(t, root, "latin1.py", []byte("x = \"caf\xe9\"\n"))
	write(t, root, "binary.py", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"))
	write(t, root, "huge.py", []byte(strings.Repeat("x = 1  # padding padding padding padding\n", 20<<20/40)))
	// 10,000-deep nesting: brackets, calls and (within the size limit)
	// indented blocks; none may overflow a stack or take unbounded time.
	write(t, root, "deep_brackets.py", []byte("x = "+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+"\n"))
	write(t, root, "deep_calls.py", []byte("from prometheus_client import Gauge\nG = "+strings.Repeat("Gauge(", 10000)+strings.Repeat(")", 10000)+"\n"))
	write(t, root, "deep_unclosed.py", []byte(strings.Repeat("(", 10000)))
	write(t, root, "deep_blocks.py", []byte(nestedIfs(1000)))
	write(t, root, "empty.py", nil)
	// Wide: 100,000 statements in one module, 100,000 elements in one list.
	write(t, root, "wide_module.py", []byte("from prometheus_client import Gauge\n"+strings.Repeat("G.set(1)\n", 100000)))
	write(t, root, "wide_list.py", []byte("X = ["+strings.Repeat("1,", 100000)+"]\n"))
	write(t, root, "requirements.txt", []byte("\xff\xfe\x00b\x00i\x00n\x00"))
	write(t, root, "Dockerfile", []byte("CMD [\"gunicorn\", \"-w\", \n\x00"+strings.Repeat("\\\n", 5000)))
	write(t, root, "docker-compose.yml", []byte(aliasBomb()))
	write(t, root, "compose.yaml", []byte(strings.Repeat("- ", 10000)+"&a [*a, *a]\n"))
	must(t, os.Symlink("nowhere.py", filepath.Join(root, "dangling.py")))
	must(t, os.Symlink("self.py", filepath.Join(root, "self.py")))
	must(t, os.Symlink(".", filepath.Join(root, "loop")))
	must(t, os.Symlink(root, filepath.Join(root, "pkg_loop")))
	must(t, os.Mkdir(filepath.Join(root, "dir.py"), 0o755))
	write(t, root, "dir.py/inner.py", []byte("y = 2\n"))
	must(t, syscall.Mkfifo(filepath.Join(root, "fifo.py"), 0o644))

	var res *workspace.ScanResult
	withBudget("scan", func() {
		var err error
		res, err = workspace.Scan(context.Background(), root)
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
	})
	probs := problemsByPath(res.Problems)
	for path, want := range map[string]string{
		"latin1.py":   "not UTF-8",
		"binary.py":   "not UTF-8",
		"huge.py":     "larger than",
		"dangling.py": "cannot read",
		"self.py":     "cannot read",
		"fifo.py":     "not a regular file",
	} {
		if !strings.Contains(probs[path], want) {
			t.Errorf("%s: problem %q, want one containing %q", path, probs[path], want)
		}
		delete(probs, path)
	}
	for path, msg := range probs {
		t.Errorf("unexpected problem for %s: %s", path, msg)
	}
	got := map[string]bool{}
	for _, f := range res.Files {
		got[f.Path] = true
	}
	for _, want := range []string{"m.py", "gunicorn.conf.py", "deep_brackets.py", "deep_calls.py", "deep_unclosed.py", "deep_blocks.py", "dir.py/inner.py", "empty.py", "wide_module.py", "wide_list.py"} {
		if !got[want] {
			t.Errorf("%s not loaded", want)
		}
	}
	var found bool
	withBudget("check", func() {
		p := project.NewProject(context.Background(), res.Root, res.Files, config.Settings{})
		for _, pr := range p.Problems {
			if strings.Contains(pr.Message, "internal error") {
				t.Errorf("%s: %s", pr.Path, pr.Message)
			}
		}
		for _, diag := range diagnostics.Check(p, rules.All, nil) {
			if diag.Path == "m.py" && diag.Code() == "MP301" {
				found = true
			}
		}
	})
	if !found {
		t.Error("the sound part of the project was not checked: no MP301 in m.py")
	}
}

// aliasBomb is a "billion laughs" compose file: nine levels of nine
// aliases, with services and a command among them.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"gunicorn -w 4 app:app\", \"lol\"]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("services:\n  web:\n    command: *a9\n    environment: *a9\n  api: *a9\n")
	return b.String()
}

func nestedIfs(depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("if x:\n")
	}
	b.WriteString(strings.Repeat(" ", depth) + "G.inc()\n")
	return b.String()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestFilesDeletedMidScan: a file listed by the walk and gone (or turned
// into a directory) by the time it is read is a per-file problem.
func TestFilesDeletedMidScan(t *testing.T) {
	root := t.TempDir()
	write(t, root, "ok.py", []byte("x = 1\n"))
	files, probs := workspace.LoadFiles(context.Background(), root, []string{
		filepath.Join(root, "ok.py"), filepath.Join(root, "gone.py"), filepath.Join(root, "gone", "deeper.py"),
	})
	if len(files) != 1 || files[0].Path != "ok.py" {
		t.Errorf("files = %v", files)
	}
	m := problemsByPath(probs)
	if !strings.Contains(m["gone.py"], "no such file") || !strings.Contains(m["gone/deeper.py"], "no such file") {
		t.Errorf("problems = %v", probs)
	}
}

func TestEmptyWorkspace(t *testing.T) {
	res, err := workspace.Scan(context.Background(), t.TempDir())
	if err != nil || len(res.Files) != 0 || len(res.Problems) != 0 {
		t.Fatalf("empty workspace: %v, %+v", err, res)
	}
	p := project.NewProject(context.Background(), res.Root, res.Files, config.Settings{})
	if ds := diagnostics.Check(p, rules.All, nil); len(ds) != 0 {
		t.Errorf("findings in an empty workspace: %v", ds)
	}
}

// TestScanRootErrors: a root that does not exist or is not a directory is
// the one error a scan returns (the CLI exits 2 for it).
func TestScanRootErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "f.py", []byte("x = 1\n"))
	for _, root := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "f.py")} {
		if _, err := workspace.Scan(context.Background(), root); err == nil {
			t.Errorf("Scan(%s): no error", root)
		}
	}
}
