package e2e

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/multiprom/multiprom/verify"
)

var demoCopies atomic.Int64

const (
	gunicornBin   = "/usr/bin/gunicorn"
	pythonBin     = "/usr/bin/python3"
	prometheusBin = "/usr/bin/prometheus"
)

// copyDemo copies testdata/demo to a fresh directory, so fixes never touch the original.
func copyDemo(t *testing.T) string { return copyTestdata(t, "demo") }

// copyTestdata copies testdata/<name> to a fresh directory. The folder name is unique: the fix
// derives the multiprocess directory from it (/tmp/prometheus-multiproc-<folder>), and two runs
// sharing one directory wipe each other's files at start-up.
func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "testdata", name)
	dst := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d-%d", name, os.Getpid(), demoCopies.Add(1)))
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying demo: %v", err)
	}
	// The fixed config keeps its metric files outside the project; do not leave them behind.
	t.Cleanup(func() {
		dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "prometheus-multiproc-"+filepath.Base(dst)+"*"))
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	})
	return dst
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// procfileCommand reads the Procfile's web line: the project's own way to start.
func procfileCommand(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "Procfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "web:"); ok {
			argv, err := splitCommand(strings.TrimSpace(rest))
			if err != nil {
				t.Fatalf("Procfile web line: %v", err)
			}
			return argv
		}
	}
	t.Fatal("Procfile has no web: line")
	return nil
}

// splitCommand splits a command line the way sh would for the quoting a Procfile uses.
func splitCommand(s string) ([]string, error) {
	var argv []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				argv, inWord = append(argv, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if inWord {
		argv = append(argv, cur.String())
	}
	return argv, nil
}

// proc is a program started in its own process group, with its output in a log file.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // set before done closes
}

// start runs argv in dir; Cleanup stops the whole process group and, on failure, shows the log.
func start(t *testing.T, name, dir string, env []string, argv ...string) *proc {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), name+"-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group: gunicorn's workers and anything they spawn die with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logf.Name(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("--- %s log (last 40 lines) ---\n%s", name, p.tail(40))
		}
	})
	return p
}

// stop sends SIGTERM to the group (gunicorn's graceful shutdown), then SIGKILL after 10 s.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) // leftovers of an exited leader
		return
	default:
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Logf("%s ignored SIGTERM for 10s; killing", p.name)
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) logText() string {
	data, _ := os.ReadFile(p.log)
	return string(data)
}

func (p *proc) tail(n int) string {
	lines := strings.Split(strings.TrimRight(p.logText(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitFor polls cond until it holds, the process exits, or the timeout passes.
func (p *proc) waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if p.exited() {
			t.Fatalf("%s exited (%v) while waiting for %s; log:\n%s", p.name, p.err, what, p.tail(40))
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; %s log:\n%s", timeout, what, p.name, p.tail(40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// baseEnv is the test's environment without anything that would change what is tested.
func baseEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "BIND", "PYTHONPATH", "PYTHONHOME":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// demoServer is the demo under gunicorn, started with the Procfile's command.
type demoServer struct {
	*proc
	base string // http://127.0.0.1:PORT
}

func startDemo(t *testing.T, dir string) *demoServer {
	t.Helper()
	port := freePort(t)
	return startGunicorn(t, dir, port, baseEnv(fmt.Sprintf("BIND=127.0.0.1:%d", port), "PYTHONDONTWRITEBYTECODE=1"))
}

// startGunicorn runs the Procfile's web command (gunicorn with 4 workers) in dir, with extra
// arguments appended, and waits until /metrics answers and all four workers booted.
func startGunicorn(t *testing.T, dir string, port int, env []string, extra ...string) *demoServer {
	t.Helper()
	// Debian's gunicorn: the python3 on PATH has no flask.
	return startProcfile(t, dir, port, env, "gunicorn", gunicornBin, "Booting worker with pid", extra...)
}

// startProcfile runs the Procfile's web command, which must start program, with bin in its
// place and extra arguments appended, and waits until /metrics answers on port and four
// workers have logged bootLine.
func startProcfile(t *testing.T, dir string, port int, env []string, program, bin, bootLine string, extra ...string) *demoServer {
	t.Helper()
	argv := procfileCommand(t, dir)
	if argv[0] != program {
		t.Fatalf("Procfile web command is %q, want %s", argv, program)
	}
	argv[0] = bin
	argv = append(argv, extra...)
	return serve(t, program, dir, port, env, bootLine, argv...)
}

// serve starts argv in dir as the server name listening on port and waits until /metrics
// answers and bootLine has been logged once per worker (4).
func serve(t *testing.T, name, dir string, port int, env []string, bootLine string, argv ...string) *demoServer {
	t.Helper()
	p := start(t, name, dir, env, argv...)
	s := &demoServer{proc: p, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	p.waitFor(t, name+" to serve /metrics", 30*time.Second, func() bool {
		resp, err := http.Get(s.base + "/metrics")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	// All four workers should be up before traffic, so the load spreads as in production.
	p.waitFor(t, "4 workers booted", 30*time.Second, func() bool {
		return strings.Count(p.logText(), bootLine) >= 4
	})
	return s
}

// client opens a new connection per request: uvicorn workers keep connections alive, and
// requests over one kept-alive connection would all reach the worker that accepted it.
var client = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// hammer makes n requests to path with the given concurrency and fails on any non-200.
func (s *demoServer) hammer(t *testing.T, path string, n, concurrency int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	jobs := make(chan struct{})
	for range concurrency {
		wg.Go(func() {
			for range jobs {
				errs <- s.get(path)
			}
		})
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (s *demoServer) get(path string) error {
	resp, err := client.Get(s.base + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return nil
}

// scrape reads /metrics. A scrape that lands while another worker is
// creating a metric file fails in prometheus_client (it reads the file
// while it is still empty: struct.error, HTTP 500); the demo's own view
// does not retry as the generated one does, so the scrape is retried a few
// times before the test fails.
func (s *demoServer) scrape(t *testing.T) *verify.Snapshot {
	t.Helper()
	var err error
	for attempt := range 4 {
		var snap *verify.Snapshot
		if snap, err = verify.Scrape(context.Background(), client, s.base+"/metrics"); err == nil {
			return snap
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
	t.Fatalf("%v; gunicorn log:\n%s", err, s.tail(30))
	return nil
}

// requestTotal is flask_http_request_total summed over its labels in one scrape.
func (s *demoServer) requestTotal(t *testing.T) float64 {
	t.Helper()
	return s.counterTotal(t, "flask_http_request_total")
}

// counterTotal is a counter summed over its labels in one scrape.
func (s *demoServer) counterTotal(t *testing.T, name string) float64 {
	t.Helper()
	total := 0.0
	for series, v := range s.scrape(t).Counters {
		if series == name || strings.HasPrefix(series, name+"{") {
			total += v
		}
	}
	return total
}

// fixDemo runs `multiprom check --fix` on dir and checks that the four rules are gone.
func fixDemo(t *testing.T, dir string) {
	t.Helper()
	fixed := multiprom(t, dir, "check", "--fix", ".")
	// Findings existed, so 1 is expected; 0 is tolerated if the lead decides --fix reports
	// only what is left. 2 means the run could not complete.
	if fixed.code != 0 && fixed.code != 1 {
		t.Fatalf("multiprom check --fix: %s", fixed)
	}
	after := multiprom(t, dir, "check", "--format", "json", ".")
	for _, code := range []string{"MP104", "MP201", "MP301", "MP302"} {
		if strings.Contains(after.stdout, `"`+code+`"`) {
			t.Errorf("%s still reported after --fix:\n%s", code, after)
		}
	}
	if after.code == 2 {
		t.Fatalf("second check could not complete: %s", after)
	}
}

// pythonImport imports module with Debian's python3 in dir, returning its error output.
func pythonImport(dir, module string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, pythonBin, "-c", "import "+module)
	cmd.Dir = dir
	cmd.Env = baseEnv("PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}
