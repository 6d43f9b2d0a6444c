package snippets

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var dashboardBusiness = []BusinessMetric{
	{Name: "orders", Kind: "counter", Help: "Orders placed", Labels: []string{"kind"}},
	{Name: "queue_depth", Kind: "gauge", Help: "Jobs waiting"},
}

// substitute replaces the Grafana variables the way Grafana does before sending a query.
func substitute(expr, app string) string {
	return strings.NewReplacer(AppVariable, app, RateInterval, "1m").Replace(expr)
}

// TestScrapeConfigPromtool: the generated deploy/prometheus.yml passes `promtool check config`.
func TestScrapeConfigPromtool(t *testing.T) {
	need(t, promtool)
	for _, p := range []Params{{AppTag: "demo"}, {AppTag: "my app \"quoted\"", MetricsPath: "/internal/metrics"}} {
		path := filepath.Join(t.TempDir(), "prometheus.yml")
		writeFiles(t, filepath.Dir(path), map[string]string{"prometheus.yml": PrometheusScrapeConfig(p, "web:8000")})
		if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil {
			t.Errorf("promtool check config (%+v): %v\n%s\n%s", p, err, out, must(os.ReadFile(path)))
		}
	}
}

// TestDashboardStructure: the JSON is what Grafana's import expects — a DS_PROMETHEUS input every
// panel and target uses, an `application` query variable, unique panel ids and ref ids, non
// overlapping grid positions, one panel per business metric.
func TestDashboardStructure(t *testing.T) {
	for _, flavour := range []Flavour{Raw, Exporter} {
		d := DashboardParams{Params: Params{Flavour: flavour, AppTag: "demo"}, Business: dashboardBusiness,
			Extra: []string{"jobs_done_total", "cache_size_bytes", "not a name"}}
		b, err := Dashboard(d)
		if err != nil {
			t.Fatal(err)
		}
		var dash struct {
			Inputs []struct {
				Name, Type string
				PluginID   string `json:"pluginId"`
			} `json:"__inputs"`
			UID        string
			Templating struct {
				List []struct {
					Name, Type, Definition string
					Datasource             struct{ Type, UID string }
				}
			}
			Panels []struct {
				ID         int
				Type       string
				Title      string
				Datasource struct{ UID string }
				GridPos    struct{ X, Y, W, H int }
				Targets    []struct {
					Expr       string
					RefID      string `json:"refId"`
					Datasource struct{ UID string }
				}
			}
		}
		if err := json.Unmarshal(b, &dash); err != nil {
			t.Fatal(err)
		}
		if len(dash.Inputs) != 1 || dash.Inputs[0].Name != "DS_PROMETHEUS" || dash.Inputs[0].Type != "datasource" {
			t.Errorf("__inputs: %+v", dash.Inputs)
		}
		if l := dash.Templating.List; len(l) != 1 || l[0].Name != "application" || l[0].Type != "query" ||
			l[0].Datasource.UID != "${DS_PROMETHEUS}" || l[0].Definition != "label_values(flask_http_request_total, application)" {
			t.Errorf("templating: %+v", l)
		}
		var exprs []string
		ids, cells := map[int]bool{}, map[[2]int]bool{}
		for _, p := range dash.Panels {
			if ids[p.ID] || p.Type != "timeseries" || p.Datasource.UID != "${DS_PROMETHEUS}" || len(p.Targets) == 0 {
				t.Errorf("panel %+v", p)
			}
			ids[p.ID] = true
			cell := [2]int{p.GridPos.X, p.GridPos.Y}
			if cells[cell] || p.GridPos.W == 0 || p.GridPos.H == 0 {
				t.Errorf("panel %q: bad or overlapping gridPos %+v", p.Title, p.GridPos)
			}
			cells[cell] = true
			refs := map[string]bool{}
			for _, tg := range p.Targets {
				if refs[tg.RefID] || tg.Datasource.UID != "${DS_PROMETHEUS}" || !strings.Contains(tg.Expr, `application="$application"`) {
					t.Errorf("panel %q target %+v", p.Title, tg)
				}
				refs[tg.RefID] = true
				exprs = append(exprs, tg.Expr)
			}
		}
		all := strings.Join(exprs, "\n")
		for _, want := range []string{"orders_total", "queue_depth", "jobs_done_total", "cache_size_bytes",
			"process_resident_memory_bytes", "histogram_quantile(0.99"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s dashboard has no panel using %s", flavour, want)
			}
		}
		if strings.Contains(all, "not a name") {
			t.Error("an invalid Extra name reached the dashboard")
		}
		if (flavour == Exporter) != strings.Contains(all, ExceptionsName) {
			t.Errorf("%s: exceptions panel should use %s only for the exporter", flavour, ExceptionsName)
		}
	}
}

// promServer is a real prometheus scraping the given targets every second.
func startPrometheus(t *testing.T, config string) string {
	t.Helper()
	need(t, prometheus)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"prometheus.yml": config})
	port := freePort(t)
	p := start(t, dir, baseEnv(), prometheus, "--config.file=prometheus.yml",
		"--storage.tsdb.path="+filepath.Join(dir, "data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, "prometheus to be ready", 30*time.Second, func() bool {
		if p.cmd.ProcessState != nil {
			t.Fatalf("prometheus exited:\n%s", p.out.String())
		}
		resp, err := client.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return base
}

type promResult struct {
	Status    string
	ErrorType string
	Error     string
	Data      struct {
		ResultType string
		Result     []json.RawMessage
	}
}

func promQuery(t *testing.T, base, expr string) promResult {
	t.Helper()
	_, body := get(t, base+"/api/v1/query?query="+url.QueryEscape(expr))
	var r promResult
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("query %s: %v: %s", expr, err, body)
	}
	return r
}

// dashboardExprs is every PromQL expression of the dashboard's panels, read from its JSON as
// Grafana reads it, in panel order.
func dashboardExprs(t *testing.T, d DashboardParams) []string {
	t.Helper()
	var dash struct {
		Panels []struct{ Targets []struct{ Expr string } }
	}
	if err := json.Unmarshal(must(Dashboard(d)), &dash); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	return exprs
}

// TestDashboardAgainstPrometheus: a real prometheus scrapes the raw demo under gunicorn -w 4
// through the generated scrape config (interval shortened to 1s); every dashboard expression of
// both flavours, with $application and $__rate_interval substituted, runs with status success,
// the request panels of the raw flavour return data, and the `application` variable lists the
// application.
func TestDashboardAgainstPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gunicorn and prometheus; skipped with -short")
	}
	needPython(t, "flask", "prometheus_client")
	need(t, gunicorn, prometheus)
	p := rawRuntimeParams(t)
	dir := demoProject(t, p)
	s := startGunicorn(t, dir, GunicornConfig(p, "4"))
	config := strings.Replace(PrometheusScrapeConfig(p, strings.TrimPrefix(s.base, "http://")),
		"scrape_interval: 15s", "scrape_interval: 1s", 1)
	prom := startPrometheus(t, config)

	// Traffic until the end of the test, so rate() has increasing samples.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			path := "/"
			if i%4 == 3 {
				path = "/boom"
			}
			if resp, err := client.Get(s.base + path); err == nil {
				resp.Body.Close()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	t.Cleanup(func() { close(stop); wg.Wait() })

	raw := DashboardParams{Params: p, Business: dashboardBusiness, Extra: []string{"jobs_done_total"}}
	exprs := dashboardExprs(t, raw)
	waitFor(t, "prometheus to have two scrapes of traffic", 30*time.Second, func() bool {
		r := promQuery(t, prom, substitute(exprs[0], "demo"))
		return r.Status == "success" && len(r.Data.Result) > 0
	})
	// The panels backed by request and process metrics must show data for the raw app.
	withData := map[string]bool{}
	for _, e := range exprs {
		if !strings.Contains(e, "orders") && !strings.Contains(e, "queue_depth") && !strings.Contains(e, "jobs_done") {
			withData[e] = true
		}
	}
	exp := dashboardExprs(t, DashboardParams{Params: Params{Flavour: Exporter, AppTag: "demo"}, Business: dashboardBusiness})
	for _, e := range append(exprs, exp...) {
		q := substitute(e, "demo")
		r := promQuery(t, prom, q)
		if r.Status != "success" {
			t.Errorf("%s: %s %s", q, r.ErrorType, r.Error)
			continue
		}
		if withData[e] && len(r.Data.Result) == 0 {
			t.Errorf("%s: no data", q)
		}
	}
	metric, label := VariableQuery(raw)
	_, body := get(t, prom+"/api/v1/label/"+label+"/values?match[]="+url.QueryEscape(metric))
	if !strings.Contains(body, `"demo"`) {
		t.Errorf("application variable values: %s", body)
	}
}
