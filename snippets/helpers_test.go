package snippets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Debian's programs: python3 on PATH is a pyenv build without flask/prometheus_client.
const (
	python      = "/usr/bin/python3"
	gunicorn    = "/usr/bin/gunicorn"
	redisServer = "/usr/bin/redis-server"
	prometheus  = "/usr/bin/prometheus"
	promtool    = "/usr/bin/promtool"
)

// need skips the test when a program is missing, except under CI, where it fails: CI installs
// everything, so a missing program there is a broken set-up, not a reason to pass.
func need(t *testing.T, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required under CI: %v", p, err)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

// needPython also checks the Python modules the runtime tests import.
func needPython(t *testing.T, modules ...string) {
	t.Helper()
	need(t, python)
	for _, m := range modules {
		if err := exec.Command(python, "-c", "import "+m).Run(); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("python module %s is required under CI: %v", m, err)
			}
			t.Skipf("python module %s not installed", m)
		}
	}
}

// freePort asks the kernel for a free 127.0.0.1 port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// baseEnv is a clean environment: no inherited PROMETHEUS_MULTIPROC_DIR, no pyenv.
func baseEnv(extra ...string) []string {
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + os.TempDir(), "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"}
	return append(env, extra...)
}

// proc is a helper program running in its own process group.
type proc struct {
	cmd *exec.Cmd
	out *lockedBuffer // stdout+stderr, for failure messages
}

// start runs a program in its own process group and kills the whole group at cleanup, so
// forked workers never outlive the test.
func start(t *testing.T, dir string, env []string, name string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{cmd: cmd, out: out}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(name), tail(out.String(), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// lockedBuffer collects a child's output; exec's copy goroutine writes while the test may read.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it is true or the deadline passes. Polling, not sleeping: this waits
// for servers to come up, it asserts no timing.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var client = &http.Client{Timeout: 10 * time.Second}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// scrape fetches and parses one exposition; it returns samples keyed by metric family.
func scrape(t *testing.T, url string) map[string][]*sample {
	t.Helper()
	code, body := get(t, url)
	if code != 200 {
		t.Fatalf("scrape %s: HTTP %d: %s", url, code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("scrape %s: parse: %v\n%s", url, err, body)
	}
	out := map[string][]*sample{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			s := &sample{labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.Counter != nil:
				s.value = m.GetCounter().GetValue()
			case m.Gauge != nil:
				s.value = m.GetGauge().GetValue()
			case m.Histogram != nil:
				s.value = float64(m.GetHistogram().GetSampleCount())
			case m.Untyped != nil:
				s.value = m.GetUntyped().GetValue()
			}
			out[name] = append(out[name], s)
		}
	}
	return out
}

type sample struct {
	labels map[string]string
	value  float64
}

// sum adds the samples of family whose labels include match.
func sum(fams map[string][]*sample, family string, match map[string]string) float64 {
	var total float64
outer:
	for _, s := range fams[family] {
		for k, v := range match {
			if s.labels[k] != v {
				continue outer
			}
		}
		total += s.value
	}
	return total
}

var flaskLine = regexp.MustCompile(`(?m)^([ \t]*)(\w+) = Flask\(__name__\)\n`)

// insertAppBlock does what the MP102 action does to a module: merge the imports at the top and put
// the block right after `app = Flask(__name__)`, at that line's indentation.
func insertAppBlock(t *testing.T, src string, p Params) string {
	t.Helper()
	m := flaskLine.FindStringSubmatchIndex(src)
	if m == nil {
		t.Fatalf("no `app = Flask(__name__)` line in:\n%s", src)
	}
	p.Indent = src[m[2]:m[3]]
	p.AppVar = src[m[4]:m[5]]
	imports, block, err := AppBlock(p)
	if err != nil {
		t.Fatal(err)
	}
	out := src[:m[1]] + block + src[m[1]:]
	return mergeImports(out, imports)
}

// mergeImports puts the missing import lines at the top of src.
func mergeImports(src string, imports []string) string {
	var add []string
	for _, imp := range imports {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(imp) + `$`).MatchString(src) {
			add = append(add, imp)
		}
	}
	if len(add) == 0 {
		return src
	}
	return strings.Join(add, "\n") + "\n" + src
}

// writeFiles writes name -> content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// demoProject copies testdata/runtime/demoapp into a temp dir with the app block inserted and
// the app files written; it returns the project dir (the gunicorn working directory).
func demoProject(t *testing.T, p Params) string {
	t.Helper()
	src, err := os.ReadFile("../testdata/runtime/demoapp/__init__.py")
	if err != nil {
		t.Fatal(err)
	}
	p.Package = "demoapp"
	dir := t.TempDir()
	files, err := AppFiles(p)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"demoapp/__init__.py": insertAppBlock(t, string(src), p)}
	for name, content := range files {
		all["demoapp/"+name] = content
	}
	writeFiles(t, dir, all)
	return dir
}

// runPython runs a script with Debian's python3 in dir and fails the test on a non-zero exit.
func runPython(t *testing.T, dir string, env []string, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python failed: %v\n%s", err, out)
	}
	return string(out)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}
