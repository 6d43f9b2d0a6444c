package codeactions

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/multiprom/multiprom/snippets"
	"golang.org/x/tools/txtar"
	"gopkg.in/yaml.v3"
)

func TestDashboardNamesRaw(t *testing.T) {
	p := projectOf(t, rawShop)
	d := DashboardParams(p)
	if d.RequestTotal != "shop_http_requests_total" || d.RequestDuration != "shop_request_duration_seconds" || d.InProgress != "shop_requests_in_flight" {
		t.Errorf("request metrics: total %q duration %q in progress %q", d.RequestTotal, d.RequestDuration, d.InProgress)
	}
	if fmt.Sprint(d.Extra) != "[cart_items jobs_done_total]" {
		t.Errorf("extra = %v (tests' metrics, _info gauges and request metrics must not be there)", d.Extra)
	}
	if len(d.Business) != 2 || d.Business[0].Name != "orders" || d.Business[0].Kind != "counter" || fmt.Sprint(d.Business[0].Labels) != "[kind]" ||
		d.Business[1].Name != "queue_depth" || d.Business[1].Kind != "gauge" || d.Business[1].Help != "Jobs waiting" {
		t.Errorf("business = %+v", d.Business)
	}
	if d.Flavour != snippets.Raw || d.AppTag != "demo" {
		t.Errorf("params %+v", d.Params)
	}
}

// TestDashboardSkipsTestFiles: a metric declared in a test file (project.IsTestFile, the one
// predicate rules and facts use too) is not on the dashboard, however deep its test/ or tests/
// directory; a look-alike directory such as testing/ is app code.
func TestDashboardSkipsTestFiles(t *testing.T) {
	for path, skipped := range map[string]bool{
		"tests/helpers.py": true, "shop/tests/x.py": true, "pkg/test/x.py": true, "test/x.py": true,
		"shop/test_x.py": true, "conftest.py": true, "shop/testing/x.py": false,
	} {
		files := filesOf(txtar.Parse([]byte(rawShop)))
		files[path] = "from prometheus_client import Counter\n\nEXTRA = Counter(\"extra_seen\", \"x\")\n"
		extra := DashboardParams(projectFiles(t, files)).Extra
		if got := slices.Contains(extra, "extra_seen_total"); got == skipped {
			t.Errorf("%s: extra_seen_total on the dashboard = %v, want %v (extra %v)", path, got, !skipped, extra)
		}
	}
}

func TestDashboardNamesExporter(t *testing.T) {
	p := projectOf(t, exporterCatalog)
	d := DashboardParams(p)
	if d.RequestTotal != "catalog_http_request_total" || d.RequestDuration != "catalog_http_request_duration_seconds" ||
		d.Exceptions != "catalog_http_request_exceptions_total" || d.InProgress != "" {
		t.Errorf("exporter names: %+v", d)
	}
	if fmt.Sprint(d.Extra) != "[cache_hits_total]" {
		t.Errorf("extra = %v", d.Extra)
	}
	// NO_PREFIX and the default prefix.
	for prefix, want := range map[string]string{`defaults_prefix=NO_PREFIX`: "http_request_total", `group_by="endpoint"`: "flask_http_request_total"} {
		src := strings.Replace(exporterCatalog, `defaults_prefix="catalog", group_by="endpoint")`, prefix+")", 1)
		if got := DashboardParams(projectOf(t, src)).RequestTotal; got != want {
			t.Errorf("%s: request total %q, want %q", prefix, got, want)
		}
	}
}

// TestDashboardActionCreatesFile: the action creates grafana/<tag>-dashboard.json whose panels
// use the project's names, and does not offer it when the file is part of the project.
func TestDashboardActionCreatesFile(t *testing.T) {
	p := projectOf(t, exporterCatalog)
	a := DashboardAction(p)
	if a.Kind != KindDashboard || len(a.Fix.Creates) != 1 || a.Fix.Creates[0].Path != "grafana/catalog-dashboard.json" || len(a.Fix.Edits) != 0 {
		t.Fatalf("action %+v", a)
	}
	all := strings.Join(dashboardExprs(t, a), "\n")
	mustContain(t, "dashboard", all, "catalog_http_request_total", "catalog_http_request_duration_seconds_bucket", "catalog_http_request_exceptions_total", "cache_hits_total")
	if strings.Contains(all, "flask_http") {
		t.Errorf("dashboard uses the default prefix:\n%s", all)
	}
	if got := DashboardPath("my app/1"); got != "grafana/my-app-1-dashboard.json" {
		t.Errorf("DashboardPath = %q", got)
	}
}

// dashboardExprs is every PromQL expression of the dashboard file the action creates, in panel
// order: what Grafana will run.
func dashboardExprs(t *testing.T, a SetupAction) []string {
	t.Helper()
	var dash struct {
		Panels []struct{ Targets []struct{ Expr string } }
	}
	if len(a.Fix.Creates) != 1 || json.Unmarshal([]byte(a.Fix.Creates[0].Content), &dash) != nil {
		t.Fatalf("no dashboard JSON in %+v", a)
	}
	var exprs []string
	for _, pn := range dash.Panels {
		for _, tg := range pn.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	return exprs
}

// exposition is what each project really serves, written by hand from its code: a Go server
// stands in for gunicorn so the test needs no exporter installed. Counters grow per scrape.
func exposition(flavour string, n int) string {
	var b strings.Builder
	hist := func(name string, labels []string) {
		fmt.Fprintf(&b, "# TYPE %s histogram\n", name)
		for _, l := range labels {
			for _, le := range []string{"0.05", "0.5", "+Inf"} {
				c := n
				if le == "0.05" {
					c = n / 2
				}
				fmt.Fprintf(&b, "%s_bucket{%s,le=%q} %d\n", name, l, le, c)
			}
			fmt.Fprintf(&b, "%s_count{%s} %d\n%s_sum{%s} %g\n", name, l, n, name, l, float64(n)*0.1)
		}
	}
	counter := func(name string, labels ...string) {
		fmt.Fprintf(&b, "# TYPE %s counter\n", name)
		if len(labels) == 0 {
			labels = []string{""}
		}
		for _, l := range labels {
			fmt.Fprintf(&b, "%s{%s} %d\n", name, l, n)
		}
	}
	gauge := func(name string, v int) { fmt.Fprintf(&b, "# TYPE %s gauge\n%s %d\n", name, name, v) }
	ok, fail := `method="GET",endpoint="index",status="200"`, `method="GET",endpoint="index",status="500"`
	switch flavour {
	case "raw":
		counter("shop_http_requests_total", ok, fail)
		hist("shop_request_duration_seconds", []string{ok, fail})
		gauge("shop_requests_in_flight", 2)
		gauge("cart_items", 3)
		counter("jobs_done_total")
		counter("orders_total", `kind="book"`)
		gauge("queue_depth", 7)
	case "exporter":
		counter("catalog_http_request_total", `method="GET",status="200"`, `method="GET",status="500"`)
		hist("catalog_http_request_duration_seconds", []string{ok, fail})
		counter("catalog_http_request_exceptions_total", `method="GET",status="500"`)
		counter("cache_hits_total")
		gauge("app_info", 1)
	}
	gauge("process_resident_memory_bytes", 50000000)
	return b.String()
}

// TestDashboardExprsAgainstPrometheus: a real Prometheus scrapes both projects through the
// deploy/prometheus.yml the deploy action generates (targets pointed at the stand-in servers,
// interval 1s); every expression of each created dashboard, with $application and
// $__rate_interval substituted as Grafana does, runs and returns data — so every name the
// dashboard uses is one the project exposes — and the application variable finds the tag.
func TestDashboardExprsAgainstPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs prometheus; skipped with -short")
	}
	need(t, prometheusBin)
	type proj struct {
		flavour, archive, tag string
	}
	projects := []proj{{"raw", rawShop, "demo"}, {"exporter", exporterCatalog, "catalog"}}
	var jobs []any
	for _, pr := range projects {
		var mu sync.Mutex
		n := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n += 4
			body := exposition(pr.flavour, n)
			mu.Unlock()
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		p := projectOf(t, pr.archive)
		config := ""
		for _, c := range DeployAction(p).Fix.Creates {
			if c.Path == PrometheusConfigPath {
				config = c.Content
			}
		}
		promtoolCheck(t, config)
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(config), &doc); err != nil {
			t.Fatal(err)
		}
		job := doc["scrape_configs"].([]any)[0].(map[string]any)
		job["scrape_interval"] = "1s"
		sc := job["static_configs"].([]any)[0].(map[string]any)
		sc["targets"] = []any{strings.TrimPrefix(srv.URL, "http://")}
		jobs = append(jobs, job)
	}
	cfg, err := yaml.Marshal(map[string]any{"global": map[string]any{"scrape_interval": "1s"}, "scrape_configs": jobs})
	if err != nil {
		t.Fatal(err)
	}
	prom := startPrometheus(t, string(cfg))
	for _, pr := range projects {
		p := projectOf(t, pr.archive)
		exprs := dashboardExprs(t, DashboardAction(p))
		sub := func(e string) string {
			return strings.NewReplacer(snippets.AppVariable, pr.tag, snippets.RateInterval, "1m").Replace(e)
		}
		waitFor(t, "two scrapes of "+pr.tag, 30*time.Second, func() bool {
			r := promQuery(t, prom, sub(exprs[0]))
			return r.Status == "success" && len(r.Data.Result) > 0
		})
		for _, e := range exprs {
			r := promQuery(t, prom, sub(e))
			if r.Status != "success" {
				t.Errorf("%s: %s: %s %s", pr.tag, sub(e), r.ErrorType, r.Error)
			} else if len(r.Data.Result) == 0 {
				t.Errorf("%s: %s: no data (a name the project does not expose?)", pr.tag, sub(e))
			}
		}
		metric, label := snippets.VariableQuery(DashboardParams(p))
		body := httpGet(t, prom+"/api/v1/label/"+label+"/values?match[]="+url.QueryEscape(metric))
		if !strings.Contains(body, `"`+pr.tag+`"`) {
			t.Errorf("%s: application variable values: %s", pr.tag, body)
		}
	}
}

// startPrometheus runs a real prometheus on a free port in its own process group.
func startPrometheus(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(prometheusBin, "--config.file=prometheus.yml", "--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port))
	cmd.Dir = dir
	var out lockedBuf
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("prometheus output:\n%s", out.String())
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, "prometheus to be ready", 30*time.Second, func() bool {
		select {
		case <-exited:
			t.Fatalf("prometheus exited:\n%s", out.String())
		default:
		}
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return base
}

type lockedBuf struct {
	mu sync.Mutex // guards b
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it holds; it waits for servers, it asserts no timing.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type promResult struct {
	Status, ErrorType, Error string
	Data                     struct{ Result []json.RawMessage }
}

func promQuery(t *testing.T, base, expr string) promResult {
	t.Helper()
	body := httpGet(t, base+"/api/v1/query?query="+url.QueryEscape(expr))
	var r promResult
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("query %s: %v: %s", expr, err, body)
	}
	return r
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
