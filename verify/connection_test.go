package verify

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// perConnection serves bodies by connection, not by request: like a
// pre-fork server (gunicorn with uvicorn workers, uvicorn --workers) whose
// worker that accepted a keep-alive connection answers every request on it.
func perConnection(t *testing.T, bodies ...string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex // guards byConn
	byConn := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body, ok := byConn[r.RemoteAddr]
		if !ok {
			body = bodies[len(byConn)%len(bodies)]
			byConn[r.RemoteAddr] = body
		}
		mu.Unlock()
		w.Header().Set("Content-Type", textType)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRunOpensAConnectionPerScrape: a scrape that reused the previous
// scrape's connection would reach the same worker every time and see one
// worker's consistent counters; the per-worker bug is found only when each
// scrape is a new connection that any worker may accept.
func TestRunOpensAConnectionPerScrape(t *testing.T) {
	srv := perConnection(t,
		worker(1.7e9+0.1, 12, false), worker(1.7e9+0.2, 7, false),
		worker(1.7e9+0.3, 13, false), worker(1.7e9+0.4, 8, false))
	res, err := Run(context.Background(), Options{URL: srv.URL, Scrapes: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed() {
		t.Fatalf("per-worker counters behind keep-alive not flagged: %+v", res.Series)
	}
}
