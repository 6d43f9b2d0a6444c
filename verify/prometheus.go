package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// serverPrefixes are metrics a Prometheus server or its exporters expose about themselves;
// only the application's counters are worth asking about.
var serverPrefixes = []string{"prometheus_", "scrape_", "net_conntrack_", "promhttp_", "go_", "process_", "python_", "jvm_", "nodejs_"}

// PromOptions configure the production form of the check: counter resets seen by Prometheus.
type PromOptions struct {
	URL    string        // base URL of the Prometheus server
	Job    string        // restrict to this job label ("" = all jobs)
	Window time.Duration // range of resets(...[window])
	// At is the evaluation time; zero means now.
	At     time.Time
	Client *http.Client
}

// Reset is one series that reset within the window.
type Reset struct {
	Series string  `json:"series"`
	Resets float64 `json:"resets"`
}

// PromResult is the answer of a --prometheus run.
type PromResult struct {
	URL     string        `json:"url"`
	Job     string        `json:"job,omitempty"`
	Window  time.Duration `json:"-"`
	Metrics []string      `json:"metrics"`
	// SeriesChecked counts the series resets() returned (every series of every metric).
	SeriesChecked int     `json:"series_checked"`
	Resets        []Reset `json:"resets"`
}

// Failed reports whether any application counter reset in the window.
func (r *PromResult) Failed() bool { return len(r.Resets) > 0 }

// RunPrometheus discovers the application counters Prometheus holds (for the job) and asks
// for resets() of each over the window.
func RunPrometheus(ctx context.Context, opts PromOptions) (*PromResult, error) {
	if opts.Window <= 0 {
		return nil, fmt.Errorf("window must be positive, got %s", opts.Window)
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	at := opts.At
	if at.IsZero() {
		at = time.Now()
	}
	api := &promAPI{base: strings.TrimRight(opts.URL, "/"), client: client}
	sel := ""
	if opts.Job != "" {
		sel = "job=" + strconv.Quote(opts.Job)
	}

	q := url.Values{}
	if sel != "" {
		q.Set("match[]", "{"+sel+"}")
	}
	// Bound the discovery to the window, so a counter that existed only long ago is not asked about.
	q.Set("start", formatTime(at.Add(-opts.Window)))
	q.Set("end", formatTime(at))
	var names []string
	if err := api.get(ctx, "/api/v1/label/__name__/values", q, &names); err != nil {
		return nil, err
	}
	res := &PromResult{URL: opts.URL, Job: opts.Job, Window: opts.Window, Metrics: []string{}, Resets: []Reset{}}
	for _, n := range names {
		if appCounterName(n) {
			res.Metrics = append(res.Metrics, n)
		}
	}
	sort.Strings(res.Metrics)
	for _, n := range res.Metrics {
		expr := fmt.Sprintf("resets(%s{%s}[%s])", n, sel, promDuration(opts.Window))
		q := url.Values{"query": {expr}, "time": {formatTime(at)}}
		var data struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		}
		if err := api.get(ctx, "/api/v1/query", q, &data); err != nil {
			return nil, err
		}
		for _, s := range data.Result {
			res.SeriesChecked++
			str, _ := s.Value[1].(string)
			v, err := strconv.ParseFloat(str, 64)
			if err != nil {
				return nil, fmt.Errorf("query %s: bad sample value %v", expr, s.Value[1])
			}
			if v > 0 {
				res.Resets = append(res.Resets, Reset{Series: labelString(n, s.Metric), Resets: v})
			}
		}
	}
	sort.Slice(res.Resets, func(i, j int) bool {
		if res.Resets[i].Resets != res.Resets[j].Resets {
			return res.Resets[i].Resets > res.Resets[j].Resets
		}
		if ri, rj := rank(res.Resets[i].Series), rank(res.Resets[j].Series); ri != rj {
			return ri < rj
		}
		return res.Resets[i].Series < res.Resets[j].Series
	})
	return res, nil
}

// appCounterName keeps names that are counters (or histogram/summary counts and buckets) by
// the naming convention, and drops the server's and the collectors' own metrics.
func appCounterName(n string) bool {
	for _, p := range serverPrefixes {
		if strings.HasPrefix(n, p) {
			return false
		}
	}
	return strings.HasSuffix(n, "_total") || strings.HasSuffix(n, "_count") || strings.HasSuffix(n, "_bucket")
}

func labelString(name string, labels map[string]string) string {
	pairs := make([]string, 0, len(labels))
	for k, v := range labels {
		if k != "__name__" {
			pairs = append(pairs, fmt.Sprintf("%s=%q", k, v))
		}
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// promDuration renders d in PromQL's syntax (whole milliseconds at least).
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

type promAPI struct {
	base   string
	client *http.Client
}

// get calls one endpoint of the HTTP API and decodes its data field into out.
func (p *promAPI) get(ctx context.Context, path string, q url.Values, out any) error {
	u := p.base + path + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("building request for %s: %w", u, err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("asking Prometheus at %s: %w", p.base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	var env struct {
		Status    string          `json:"status"`
		Data      json.RawMessage `json:"data"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%s%s (HTTP %s) is not the Prometheus HTTP API: %w", p.base, path, resp.Status, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("prometheus API %s: %s: %s", path, env.ErrorType, env.Error)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

// WriteText prints the resets found.
func (r *PromResult) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	job := "all jobs"
	if r.Job != "" {
		job = "job " + strconv.Quote(r.Job)
	}
	ew.printf("verify --prometheus %s (%s, window %s)\n", r.URL, job, r.Window)
	ew.printf("application counters: %d metrics, %d series, %d reset\n", len(r.Metrics), r.SeriesChecked, len(r.Resets))
	if len(r.Resets) > 0 {
		ew.printf("\n")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SERIES\tRESETS")
		for i, s := range r.Resets {
			if i == maxRows {
				break
			}
			fmt.Fprintf(tw, "%s\t%g\n", s.Series, s.Resets)
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("writing table: %w", err)
		}
		if len(r.Resets) > maxRows {
			ew.printf("... %d more\n", len(r.Resets)-maxRows)
		}
	}
	ew.printf("\n")
	switch {
	case r.Failed():
		total := 0.0
		for _, s := range r.Resets {
			total += s.Resets
		}
		ew.printf("FAIL: %d series reset %g times in %s: scrapes reach different workers' memory, so rate() is inflated. Run `multiprom check` on the project.\n", len(r.Resets), total, r.Window)
	case len(r.Metrics) == 0:
		ew.printf("ok: no application counters found for %s\n", job)
	default:
		ew.printf("ok: no application counter reset in %s\n", r.Window)
	}
	return ew.err
}

// WriteJSON prints the result as one JSON object.
func (r *PromResult) WriteJSON(w io.Writer) error {
	out := struct {
		*PromResult
		WindowSeconds float64 `json:"window_seconds"`
		OK            bool    `json:"ok"`
	}{r, r.Window.Seconds(), !r.Failed()}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
