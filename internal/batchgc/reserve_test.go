package batchgc

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// What a batch run allocates after Reserve lands in huge pages; without
// it, or when the heap was already large, in none. Checked in new
// processes, whose heaps are as fresh as a `multiprom check`'s (the test
// binary's has been used).
func TestReserveGivesHugePages(t *testing.T) {
	if mode := os.Getenv("BATCHGC_RESERVE_CHILD"); mode != "" {
		reserveChild(mode)
		return
	}
	if runtime.GOOS != "linux" || !hugePagesOnAdvice() {
		t.Skip("transparent huge pages are not in madvise mode here")
	}
	for _, tc := range []struct {
		mode    string
		minHuge int64 // kB
		maxHuge int64
	}{
		{"reserve", 16 << 10, 1 << 40},
		{"none", 0, 0},       // else the test cannot tell Reserve's effect
		{"large-heap", 0, 0}, // Reserve declines: its collection would cost more
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestReserveGivesHugePages$", "-test.v")
		cmd.Env = append(os.Environ(), "BATCHGC_RESERVE_CHILD="+tc.mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.mode, err, out)
		}
		var huge int64 = -1
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "AnonHugePages kB: "); ok {
				huge, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		if huge < tc.minHuge || huge > tc.maxHuge {
			t.Errorf("%s: 48 MiB of small objects took %d kB of huge pages, want %d–%d", tc.mode, huge, tc.minHuge, tc.maxHuge)
		}
	}
}

// reserveChild allocates 48 MiB in small objects, as summaries are, after
// reserving 64 MiB (mode "reserve", or "large-heap", with 16 MiB already
// allocated) or not ("none"), and prints the process's huge pages.
func reserveChild(mode string) {
	defer Apply()()
	var early []byte
	if mode == "large-heap" {
		early = make([]byte, 16<<20)
	}
	if mode != "none" {
		Reserve(64 << 20)
	}
	var keep []*[16]*int
	for i := 0; i < 48<<20/128; i++ {
		keep = append(keep, new([16]*int))
	}
	fmt.Printf("AnonHugePages kB: %d\n", procKB("/proc/self/smaps_rollup", "AnonHugePages:"))
	runtime.KeepAlive(keep)
	runtime.KeepAlive(early)
}

// A reservation is capped, and a small one is not worth a collection.
func TestReserveBounds(t *testing.T) {
	if got := reserveSize(1 << 20); got != 0 {
		t.Errorf("reserveSize(1 MiB) = %d, want 0 (below minReserve)", got)
	}
	if got := reserveSize(64 << 20); got != 64<<20 {
		t.Errorf("reserveSize(64 MiB) = %d, want 64 MiB", got)
	}
	if got := reserveSize(1 << 40); got != Limit()/4 {
		t.Errorf("reserveSize(1 TiB) = %d, want a quarter of the limit, %d", got, Limit()/4)
	}
}
