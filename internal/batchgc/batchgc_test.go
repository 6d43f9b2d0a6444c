package batchgc

import (
	"runtime/debug"
	"testing"
)

func TestApplySetsAndRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)
	restore := Apply()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC during a batch run = %d, want off (-1)", got)
	}
	if got := debug.SetMemoryLimit(-1); got != Limit() {
		t.Errorf("memory limit during a batch run = %d, want %d", got, Limit())
	}
	restore()
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GOGC after restore = %d, want 123", got)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit after restore = %d, want %d", got, limit)
	}
}

func TestApplyLeavesTheUsersChoice(t *testing.T) {
	t.Setenv("GOGC", "50")
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	restore := Apply()
	defer restore()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GOGC set by the user was changed to %d", got)
	}
}

func TestLimitIsBounded(t *testing.T) {
	if l := Limit(); l < MinLimit || l > MaxLimit {
		t.Errorf("Limit() = %d, outside [%d, %d]", l, MinLimit, MaxLimit)
	}
}

func TestApplyLeavesTheUsersMemoryLimit(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "300MiB")
	percent := debug.SetGCPercent(77)
	defer debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(300 << 20)
	defer debug.SetMemoryLimit(limit)
	restore := Apply()
	defer restore()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GOGC was changed to %d though the user set GOMEMLIMIT", got)
	}
	if got := debug.SetMemoryLimit(300 << 20); got != 300<<20 {
		t.Errorf("memory limit set by the user was changed to %d", got)
	}
}
