package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// perWorker serves a request counter that alternates between two workers' own values.
func perWorker(t *testing.T) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		v := []int{12, 7}[n.Add(1)%2]
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# TYPE flask_http_request_total counter\nflask_http_request_total{method=\"GET\",status=\"200\"} %d\n", v)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunVerify(t *testing.T) {
	srv := perWorker(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"backwards", []string{srv.URL + "/metrics", "--scrapes", "4", "--interval", "0s"}, 1, "FAIL: 1 counter series", ""},
		{"host only gets /metrics", []string{host, "--scrapes=3", "--interval=0s"}, 1, "verify http://" + host + "/metrics", ""},
		{"json", []string{"--format", "json", "--scrapes", "2", "--interval", "0s", srv.URL}, 1, `"ok": false`, ""},
		{"no url", nil, 2, "", "need exactly one URL"},
		{"two urls", []string{srv.URL, srv.URL}, 2, "", "need exactly one URL"},
		{"bad format", []string{"--format", "yaml", srv.URL}, 2, "", "--format must be text or json"},
		{"one scrape", []string{"--scrapes", "1", srv.URL}, 2, "", "at least 2"},
		{"unknown flag", []string{"--nope", srv.URL}, 2, "", "flag provided but not defined"},
		{"not metrics", []string{srv.URL + "/", "--scrapes", "2"}, 2, "", "404"},
		{"url and prometheus", []string{"--prometheus", srv.URL, srv.URL}, 2, "", "not both"},
		{"help", []string{"-h"}, 0, "multiprom verify URL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := runVerify(tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("runVerify(%q) = %d\nstdout:\n%s\nstderr:\n%s\nwant %d, stdout with %q, stderr with %q",
					tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
