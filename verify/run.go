// Package verify checks, at runtime, what multiprom checks statically: that a metrics endpoint
// served by several worker processes reports one consistent set of counters. It scrapes an
// endpoint repeatedly (or asks a Prometheus server for counter resets) and reports counters
// that go backwards — the signature of each scrape being answered by one worker's own memory.
package verify

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Options configure a run of scrapes against one endpoint.
type Options struct {
	URL      string
	Scrapes  int           // at least 2
	Interval time.Duration // pause between scrapes
	// Client is used for every scrape; nil means NewScrapeClient().
	Client *http.Client
}

// Result is a finished run.
type Result struct {
	URL      string        `json:"url"`
	Interval time.Duration `json:"-"`
	*Analysis
	// ScrapeErrors lists scrapes after the first that failed; they are left out of the analysis.
	ScrapeErrors []string `json:"scrape_errors,omitempty"`
}

// Run scrapes opts.URL opts.Scrapes times. An error means the check could not be made: the
// first scrape failed (unreachable, not Prometheus text) or fewer than two scrapes succeeded.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Scrapes < 2 {
		return nil, fmt.Errorf("need at least 2 scrapes to compare, got %d", opts.Scrapes)
	}
	client := opts.Client
	if client == nil {
		client = NewScrapeClient()
	}
	res := &Result{URL: opts.URL, Interval: opts.Interval}
	var snaps []*Snapshot
	for i := 0; i < opts.Scrapes; i++ {
		if i > 0 && opts.Interval > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(opts.Interval):
			}
		}
		snap, err := Scrape(ctx, client, opts.URL)
		if err != nil {
			if i == 0 {
				return nil, err
			}
			res.ScrapeErrors = append(res.ScrapeErrors, fmt.Sprintf("scrape %d: %v", i+1, err))
			continue
		}
		snaps = append(snaps, snap)
	}
	if len(snaps) < 2 {
		return nil, fmt.Errorf("only %d of %d scrapes of %s succeeded: %s", len(snaps), opts.Scrapes, opts.URL, res.ScrapeErrors[0])
	}
	res.Analysis = Analyze(snaps)
	return res, nil
}

// NewScrapeClient is an HTTP client that opens a new connection for every
// request, with a 10 s timeout. A pre-fork server hands each connection to
// one worker: uvicorn (alone or as gunicorn's worker class) keeps
// connections alive, so scrapes over one reused connection all reach the
// worker that accepted it and agree with each other even when every worker
// serves only its own counters. uvicorn closes an idle connection after 5 s
// (--timeout-keep-alive), less than a usual scrape interval, so Prometheus's
// scrapes do reach varying workers; verify's quick scrapes would not. A new
// connection per scrape lets any worker answer each one.
func NewScrapeClient() *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: http.ProxyFromEnvironment},
	}
}
