package snippets

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// gunicornServer is a running `gunicorn -w 4` on a demo project.
type gunicornServer struct {
	*proc
	base string // http://127.0.0.1:PORT
}

// startGunicorn writes conf as the project's gunicorn.conf.py and serves demoapp:create_app()
// with 4 workers, the way a user's command line would.
func startGunicorn(t *testing.T, dir, conf string, env ...string) *gunicornServer {
	t.Helper()
	writeFiles(t, dir, map[string]string{"gunicorn.conf.py": conf})
	port := freePort(t)
	p := start(t, dir, baseEnv(env...), gunicorn, "-c", "gunicorn.conf.py", "-w", "4",
		"-b", fmt.Sprintf("127.0.0.1:%d", port), "demoapp:create_app()")
	s := &gunicornServer{proc: p, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	// Up when all four workers have booted, so requests spread over all of them.
	waitFor(t, "gunicorn to boot 4 workers", 30*time.Second, func() bool {
		if p.cmd.ProcessState != nil {
			t.Fatalf("gunicorn exited:\n%s", p.out.String())
		}
		return strings.Count(p.out.String(), "Booting worker with pid") >= 4
	})
	waitFor(t, "gunicorn to answer", 10*time.Second, func() bool {
		resp, err := client.Get(s.base + "/metrics") // not counted: scrapes are excluded
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	return s
}

// requests makes n requests, every fifth one to /boom (a 500), and returns how many distinct
// worker pids answered the others. Six clients run at once so that busy workers cannot all
// be the one that accepts next: sequential requests on a loaded machine may all land on one.
func (s *gunicornServer) requests(t *testing.T, n int) int {
	t.Helper()
	return s.requestsTo(t, n, func(i int) string {
		if i%5 == 4 {
			return "/boom"
		}
		return "/"
	})
}

// requestsTo makes n requests to pathFor(i) from six clients at once and returns how many
// distinct worker pids answered; /boom must answer 500, every other path 200 with its pid.
func (s *gunicornServer) requestsTo(t *testing.T, n int, pathFor func(i int) string) int {
	t.Helper()
	type answer struct {
		path, body string
		code       int
		err        error
	}
	jobs := make(chan int)
	answers := make(chan answer, n)
	var wg sync.WaitGroup
	for c := 0; c < 6; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				path := pathFor(i)
				resp, err := client.Get(s.base + path)
				if err != nil {
					answers <- answer{path: path, err: err}
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				answers <- answer{path, string(b), resp.StatusCode, err}
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(answers)
	pids := map[string]bool{}
	for a := range answers {
		switch {
		case a.err != nil:
			t.Fatalf("%s: %v", a.path, a.err)
		case a.path == "/boom" && a.code != 500:
			t.Fatalf("/boom: HTTP %d", a.code)
		case a.path != "/boom" && a.code != 200:
			t.Fatalf("%s: HTTP %d: %s", a.path, a.code, a.body)
		case a.path != "/boom":
			pids[strings.TrimSpace(a.body)] = true
		}
	}
	return len(pids)
}

func rawRuntimeParams(t *testing.T) Params {
	// A private directory per test: the real default under /tmp would be shared between runs.
	return Params{Flavour: Raw, AppTag: "demo", MultiprocDir: filepath.Join(t.TempDir(), "multiproc")}
}

// TestGunicornExactCounts is the cure of issue 5 on real gunicorn: with the generated
// gunicorn.conf.py and the raw block, every one of 10 scrapes reports exactly the N requests
// made, whichever worker answers — with preload_app off and on. A first run is killed (-9) to
// leave stale files behind, so the counts also prove on_starting wipes them, and app_info must
// survive on_starting under preload. A control run without the config shows the bug the test
// is able to see.
func TestGunicornExactCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gunicorn; skipped with -short")
	}
	needPython(t, "flask", "prometheus_client")
	need(t, gunicorn)
	const n = 60
	for _, preload := range []bool{false, true} {
		t.Run(fmt.Sprintf("preload=%v", preload), func(t *testing.T) {
			t.Parallel()
			p := rawRuntimeParams(t)
			dir := demoProject(t, p)
			conf := GunicornConfig(p, "4")
			if preload {
				conf += "\npreload_app = True\n"
			}
			// A previous run that died hard leaves its workers' files behind.
			stale := startGunicorn(t, dir, conf)
			stale.requests(t, 17)
			if err := syscall.Kill(-stale.cmd.Process.Pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = stale.cmd.Wait()
			if files, _ := filepath.Glob(filepath.Join(p.MultiprocDir, "*.db")); len(files) == 0 {
				t.Fatal("the killed run left no files; the stale-file check would prove nothing")
			}

			s := startGunicorn(t, dir, conf)
			if workers := s.requests(t, n); workers < 2 {
				t.Fatalf("only %d worker(s) served the requests; the test needs several", workers)
			}
			answered := map[float64]bool{}
			for i := 0; i < 10; i++ {
				fams := scrape(t, s.base+"/metrics")
				if got := sum(fams, "flask_http_request_total", nil); got != n {
					t.Errorf("scrape %d: flask_http_request_total sums to %v, want %d", i, got, n)
				}
				if got := sum(fams, "flask_http_request_total", map[string]string{"status": "500"}); got != n/5 {
					t.Errorf("scrape %d: %v requests with status 500, want %d", i, got, n/5)
				}
				if got := sum(fams, "flask_http_request_duration_seconds", nil); got != n {
					t.Errorf("scrape %d: duration histogram counts %v, want %d", i, got, n)
				}
				if got := sum(fams, "flask_http_requests_in_progress", nil); got != 0 {
					t.Errorf("scrape %d: %v requests in progress, want 0", i, got)
				}
				if got := sum(fams, "app_info", map[string]string{"application": "demo"}); got != 1 {
					t.Errorf("scrape %d: app_info{application=demo} = %v, want 1", i, got)
				}
				for _, s := range fams["process_start_time_seconds"] {
					answered[s.value] = true
				}
			}
			t.Logf("scrapes answered by %d distinct worker(s)", len(answered))
		})
	}
	t.Run("control-without-config", func(t *testing.T) {
		t.Parallel()
		// The same app with no gunicorn.conf.py settings: no PROMETHEUS_MULTIPROC_DIR, so each
		// worker counts alone and scrapes disagree. Proves the assertions above can fail.
		p := rawRuntimeParams(t)
		dir := demoProject(t, p)
		s := startGunicorn(t, dir, "# no multiprocess set-up\n")
		s.requests(t, n)
		wrong := 0
		for i := 0; i < 10; i++ {
			if sum(scrape(t, s.base+"/metrics"), "flask_http_request_total", nil) != n {
				wrong++
			}
		}
		if wrong == 0 {
			t.Error("without the config every scrape still showed the exact count; the test cannot see the bug")
		}
	})
}

// TestGunicornChildExit is "child_exit for real" (issue 5): a worker holding /slow is killed
// with SIGKILL. Once gunicorn has booted its replacement (child_exit runs in the master before
// the respawn), the livesum in-progress gauge is back to 0 with the generated hook, and stays
// stuck at 1 with a config that lacks it.
func TestGunicornChildExit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gunicorn; skipped with -short")
	}
	needPython(t, "flask", "prometheus_client")
	need(t, gunicorn)
	for _, hook := range []bool{true, false} {
		t.Run(fmt.Sprintf("child_exit=%v", hook), func(t *testing.T) {
			t.Parallel()
			p := rawRuntimeParams(t)
			dir := demoProject(t, p)
			conf := GunicornConfig(p, "4")
			if !hook {
				conf = GunicornPreamble(p) + "\nworkers = 4\n\n\n" + OnStartingHook(p)
			}
			s := startGunicorn(t, dir, conf, "SLOW_SECONDS=60")
			inProgress := func() float64 {
				return sum(scrape(t, s.base+"/metrics"), "flask_http_requests_in_progress", nil)
			}
			if got := inProgress(); got != 0 {
				t.Fatalf("in progress before /slow: %v", got)
			}

			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			go func() {
				req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/slow", nil)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
			pidFile := filepath.Join(dir, "slow.pid")
			waitFor(t, "the /slow worker to write its pid", 15*time.Second, func() bool {
				_, err := os.Stat(pidFile)
				return err == nil
			})
			pid, err := strconv.Atoi(strings.TrimSpace(string(must(os.ReadFile(pidFile)))))
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the in-progress gauge to show the held request", 15*time.Second, func() bool {
				return inProgress() == 1
			})

			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "gunicorn to replace the killed worker", 30*time.Second, func() bool {
				return strings.Count(s.out.String(), "Booting worker with pid") >= 5
			})
			want := 0.0
			if !hook {
				want = 1 // the dead worker's livesum file is never removed
			}
			for i := 0; i < 5; i++ {
				if got := inProgress(); got != want {
					t.Errorf("scrape %d after the kill: in progress = %v, want %v", i, got, want)
				}
			}
		})
	}
}
