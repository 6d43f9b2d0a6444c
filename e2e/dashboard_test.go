package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDashboardOnDemo is issue 5's last check, done as a user would: fix the demo, let
// `multiprom setup` create the Grafana dashboard and deploy/prometheus.yml, point a real
// Prometheus at the demo with that very scrape config (only the interval and the target
// changed), and evaluate every panel expression with the dashboard's variables substituted.
// Every expression must run; the request panels must return data.
func TestDashboardOnDemo(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin, prometheusBin)
	dir := copyDemo(t)
	fixDemo(t, dir)
	if r := multiprom(t, dir, "setup", "--dashboard", "--deploy", "."); r.code != 0 {
		t.Fatalf("multiprom setup: %s", r)
	}
	dashboards, _ := filepath.Glob(filepath.Join(dir, "grafana", "*-dashboard.json"))
	if len(dashboards) != 1 {
		t.Fatalf("want one dashboard under grafana/, got %v", dashboards)
	}
	exprs, app := dashboardExprs(t, dashboards[0])

	srv := startDemo(t, dir)
	cfg, err := os.ReadFile(filepath.Join(dir, "deploy", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	config := string(cfg)
	for old, new := range map[string]string{
		`scrape_interval: 15s`:        `scrape_interval: 1s`,
		`evaluation_interval: 15s`:    `evaluation_interval: 1s`,
		`targets: ["localhost:8000"]`: fmt.Sprintf(`targets: [%q]`, strings.TrimPrefix(srv.base, "http://")),
	} {
		if !strings.Contains(config, old) {
			t.Fatalf("generated deploy/prometheus.yml has no %q:\n%s", old, config)
		}
		config = strings.ReplaceAll(config, old, new)
	}
	prom := startPrometheusConfig(t, config)
	prom.waitFor(t, "the demo target to be up", 20*time.Second, func() bool {
		n, err := prom.vector(`up == 1`)
		return err == nil && n == 1
	})
	srv.hammer(t, "/work", 200, 4)
	srv.hammer(t, "/", 100, 4)
	time.Sleep(4 * time.Second) // a few scrapes of the counters after the load

	requestPanels := map[string]bool{"Request rate by endpoint": true, "Requests by status": true, "Latency p50 / p95 / p99": true}
	seen := map[string]bool{}
	for _, e := range exprs {
		q := strings.NewReplacer("$application", app, "$__rate_interval", "30s").Replace(e.expr)
		n, err := prom.vector(q)
		if err != nil {
			t.Errorf("panel %q: %s: %v", e.panel, q, err)
			continue
		}
		t.Logf("panel %q: %d series: %s", e.panel, n, q)
		if requestPanels[e.panel] {
			seen[e.panel] = true
			if n == 0 {
				t.Errorf("request panel %q returned no data: %s", e.panel, q)
			}
		}
	}
	for p := range requestPanels {
		if !seen[p] {
			t.Errorf("the dashboard has no %q panel", p)
		}
	}
}

type panelExpr struct{ panel, expr string }

// dashboardExprs reads every target expression of a dashboard and the current value of its
// application variable.
func dashboardExprs(t *testing.T, path string) ([]panelExpr, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name    string `json:"name"`
				Current struct {
					Value string `json:"value"`
				} `json:"current"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []panelExpr
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out = append(out, panelExpr{p.Title, tg.Expr})
		}
	}
	app := ""
	for _, v := range d.Templating.List {
		if v.Name == "application" {
			app = v.Current.Value
		}
	}
	if len(out) == 0 || app == "" {
		t.Fatalf("%s: %d expressions, application variable %q", path, len(out), app)
	}
	return out, app
}

// vector evaluates an instant query now and returns how many series it has.
func (s *promServer) vector(expr string) (int, error) {
	resp, err := client.Get(s.base + "/api/v1/query?" + url.Values{"query": {expr}}.Encode())
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, fmt.Errorf("decoding answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK || body.Status != "success" {
		return 0, fmt.Errorf("prometheus: %s %s", resp.Status, body.Error)
	}
	return len(body.Data.Result), nil
}
