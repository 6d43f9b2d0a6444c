package lsp

import (
	"sync"
	"time"

	"go.uber.org/zap"
)

// debouncer collects workspaces to check and runs the check once a burst of
// edits has paused. A storm never starves the client: after maxWait the
// check runs anyway, and it always reads the latest version.
type debouncer struct {
	delay, maxWait time.Duration
	run            func([]*workspace)

	// mu guards the pending set and the timer.
	mu      sync.Mutex
	pending map[*workspace]bool
	first   time.Time // when the oldest pending request came in
	timer   *time.Timer
	stopped bool
}

func newDebouncer(delay time.Duration, run func([]*workspace)) *debouncer {
	if delay < 0 {
		delay = 0
	}
	return &debouncer{delay: delay, maxWait: 10 * delay, run: run, pending: map[*workspace]bool{}}
}

// schedule asks for a check of ws; now skips the delay (open, save, close,
// configuration: nothing else is likely to follow).
func (d *debouncer) schedule(ws *workspace, now bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	if len(d.pending) == 0 {
		d.first = time.Now()
	}
	d.pending[ws] = true
	wait := d.delay
	if now || time.Since(d.first) >= d.maxWait {
		wait = 0
	}
	if d.timer == nil {
		d.timer = time.AfterFunc(wait, d.fire)
		return
	}
	d.timer.Reset(wait)
}

func (d *debouncer) fire() {
	d.mu.Lock()
	if d.stopped || len(d.pending) == 0 {
		d.mu.Unlock()
		return
	}
	wss := make([]*workspace, 0, len(d.pending))
	for ws := range d.pending {
		wss = append(wss, ws)
	}
	d.pending = map[*workspace]bool{}
	d.mu.Unlock()
	d.run(wss)
}

func (d *debouncer) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	if d.timer != nil {
		d.timer.Stop()
	}
}

// runScheduled checks and publishes the scheduled workspaces. It runs on
// the timer's goroutine, tracked so that Serve waits for it.
func (s *Server) runScheduled(wss []*workspace) {
	if !s.track() {
		return
	}
	defer s.wg.Done()
	defer func() {
		if e := recover(); e != nil {
			s.logger.Error("check panicked", zap.Any("panic", e), zap.Stack("stack"))
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	refresh := false
	for _, ws := range wss {
		if s.ctx.Err() != nil {
			return
		}
		s.ensureScanned(s.ctx, ws)
		s.checkWorkspace(s.ctx, ws, true)
		refresh = refresh || ws.pullStale
		ws.pullStale = false
	}
	if refresh {
		s.refreshPull()
	}
	s.releaseWhenIdle()
}

// track registers background work unless the server is stopping.
func (s *Server) track() bool {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.stopping {
		return false
	}
	s.wg.Add(1)
	return true
}
