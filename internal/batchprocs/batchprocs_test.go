package batchprocs

import (
	"runtime"
	"testing"
)

func TestApplyLeavesOnePIdle(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	before := runtime.GOMAXPROCS(0)
	workers, restore := Apply()
	if workers != before {
		t.Errorf("workers = %d, want GOMAXPROCS before the batch run (%d)", workers, before)
	}
	if got := runtime.GOMAXPROCS(0); got != before+1 {
		t.Errorf("GOMAXPROCS during a batch run = %d, want %d", got, before+1)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("GOMAXPROCS after restore = %d, want %d", got, before)
	}
}

func TestApplyLeavesTheUsersChoice(t *testing.T) {
	t.Setenv("GOMAXPROCS", "1")
	before := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(before)
	workers, restore := Apply()
	defer restore()
	if workers != 1 || runtime.GOMAXPROCS(0) != 1 {
		t.Errorf("GOMAXPROCS=1 set by the user: workers %d, GOMAXPROCS %d; want 1 and 1", workers, runtime.GOMAXPROCS(0))
	}
}
