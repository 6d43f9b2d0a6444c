package lsp

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"go.uber.org/zap"
)

// idleRelease is how long the server waits after its last check before it
// gives freed memory back to the system. Seconds, not a typing pause: the
// release costs a full collection and returns pages the next burst of
// checks would only fault in again.
const idleRelease = 5 * time.Second

// releaseWhenIdle (re)arms a timer that returns freed memory once checks
// stop coming: an editor session is mostly idle, and a resident size that
// kept every burst's peak would grow with each workspace-wide re-check.
func (s *Server) releaseWhenIdle() {
	s.idleMu.Lock()
	defer s.idleMu.Unlock()
	if s.idleStopped {
		return
	}
	if s.idleTimer != nil {
		s.idleTimer.Stop()
	}
	s.idleTimer = time.AfterFunc(idleRelease, s.releaseNow)
}

// releaseNow gives freed memory back and, at debug level, logs what the
// server still holds.
func (s *Server) releaseNow() {
	// Held throughout, so that once stopIdle returns nothing is logged.
	s.idleMu.Lock()
	defer s.idleMu.Unlock()
	if s.idleStopped {
		return
	}
	releaseMemory()
	if ce := s.logger.Check(zap.DebugLevel, "idle: memory released"); ce != nil {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		ce.Write(zap.Uint64("heap_inuse", ms.HeapInuse), zap.Uint64("heap_alloc", ms.HeapAlloc),
			zap.Uint64("stack_inuse", ms.StackInuse), zap.Uint64("sys", ms.Sys))
	}
	// A heap profile of the idle server, for bench/README.md's memory
	// investigations (go tool pprof -sample_index=inuse_space).
	if path := os.Getenv("MULTIPROM_HEAP_PROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}

// stopIdle cancels the release timer for good (the session is over).
func (s *Server) stopIdle() {
	s.idleMu.Lock()
	defer s.idleMu.Unlock()
	s.idleStopped = true
	if s.idleTimer != nil {
		s.idleTimer.Stop()
	}
}
