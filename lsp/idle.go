package lsp

import (
	"runtime"
	"time"

	"go.uber.org/zap"

	"github.com/multiprom/multiprom/diagnostics"
)

// idleRelease is how long the server waits after its last check before it
// gives freed memory back to the system.
const idleRelease = 200 * time.Millisecond

// releaseWhenIdle (re)arms a timer that returns freed memory once checks
// stop coming: an editor session is mostly idle, and a resident size that
// kept every burst's peak would grow with each workspace-wide re-check.
func (s *Server) releaseWhenIdle() {
	s.idleMu.Lock()
	defer s.idleMu.Unlock()
	if s.idleTimer != nil {
		s.idleTimer.Stop()
	}
	s.idleTimer = time.AfterFunc(idleRelease, func() {
		diagnostics.ReleaseMemory()
		if ce := s.logger.Check(zap.DebugLevel, "idle: memory released"); ce != nil {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			ce.Write(zap.Uint64("heap_inuse", ms.HeapInuse), zap.Uint64("heap_alloc", ms.HeapAlloc),
				zap.Uint64("stack_inuse", ms.StackInuse), zap.Uint64("sys", ms.Sys))
		}
	})
}
