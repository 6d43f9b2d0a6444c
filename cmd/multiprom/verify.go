package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/multiprom/multiprom/verify"
)

const verifyUsage = `usage:
  multiprom verify URL [--scrapes 20] [--interval 250ms] [--format text|json]
  multiprom verify --prometheus URL [--job NAME] [--window 5m] [--format text|json]

The first form scrapes a metrics endpoint repeatedly and fails when an application counter
goes backwards between scrapes (each scrape answered by a different worker's memory).
A URL without a path gets /metrics. The second form asks a Prometheus server for resets()
of the application counters over the window.

Exit status: 0 consistent, 1 a counter went backwards or reset, 2 usage error or the check
could not be made (unreachable, not Prometheus text).
`

// runVerify is the `multiprom verify` subcommand; main.go dispatches to it.
func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage is printed once, below, not by every failed Parse
	scrapes := fs.Int("scrapes", 20, "number of scrapes")
	interval := fs.Duration("interval", 250*time.Millisecond, "pause between scrapes")
	format := fs.String("format", "text", "output format: text or json")
	promURL := fs.String("prometheus", "", "base URL of a Prometheus server to ask for counter resets")
	job := fs.String("job", "", "with --prometheus: only this job")
	window := fs.Duration("window", 5*time.Minute, "with --prometheus: range of resets()")

	positional, err := parseInterspersed(fs, args)
	usage := func(msg string) int {
		fmt.Fprintf(stderr, "multiprom verify: %s\n\n%s", msg, verifyUsage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout, verifyUsage+"\nflags:\n", fs)
		return 0
	case err != nil:
		return usage(err.Error())
	case *format != "text" && *format != "json":
		return usage(fmt.Sprintf("--format must be text or json, not %q", *format))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	type writable interface {
		WriteText(io.Writer) error
		WriteJSON(io.Writer) error
		Failed() bool
	}
	var res writable
	if *promURL != "" {
		if len(positional) > 0 {
			return usage("give either a URL to scrape or --prometheus URL, not both")
		}
		base, err := normalizeURL(*promURL, "")
		if err != nil {
			return usage(err.Error())
		}
		r, err := verify.RunPrometheus(ctx, verify.PromOptions{URL: base, Job: *job, Window: *window})
		if err != nil {
			fmt.Fprintf(stderr, "multiprom verify: %v\n", err)
			return 2
		}
		res = r
	} else {
		if len(positional) != 1 {
			return usage("need exactly one URL to scrape")
		}
		if *scrapes < 2 {
			return usage("--scrapes must be at least 2")
		}
		if *interval < 0 {
			return usage("--interval must not be negative")
		}
		target, err := normalizeURL(positional[0], "/metrics")
		if err != nil {
			return usage(err.Error())
		}
		r, err := verify.Run(ctx, verify.Options{URL: target, Scrapes: *scrapes, Interval: *interval})
		if err != nil {
			fmt.Fprintf(stderr, "multiprom verify: %v\n", err)
			if errors.Is(err, verify.ErrNotPrometheus) {
				fmt.Fprintf(stderr, "hint: point verify at the metrics endpoint itself (for example %s)\n", withPath(target, "/metrics"))
			}
			return 2
		}
		res = r
	}

	if *format == "json" {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "multiprom verify: %v\n", err)
		return 2
	}
	if res.Failed() {
		return 1
	}
	return 0
}

// normalizeURL accepts host:port forms and fills in an empty path.
func normalizeURL(raw, defaultPath string) (string, error) {
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("bad URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("bad URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("bad URL %q: no host", raw)
	}
	if u.Path == "" && defaultPath != "" {
		u.Path = defaultPath
	}
	return u.String(), nil
}

func withPath(raw, path string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path, u.RawQuery = path, ""
	return u.String()
}
