package bench

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// ColdCaches writes one byte per cache line of a buffer four times the
// size of the last-level cache (64 MB at least), so that what was in the
// caches before is evicted.
//
// A timing of the model and rules after runtime.GC() alone starts from
// caches that the collection has just filled with the heap it traversed:
// most of a 1,000-module project's summaries fit, half of a 2,000-module
// one's do, and the ratio of the two timings then measures the cache size
// rather than the work (on this machine, a rule whose work is a map lookup
// per file timed 0.7 ms on 1,000 modules and 3.4 ms on 2,000). From cold
// caches both sizes pay for every line they read, as a check that has just
// scanned a tree does, and the ratio is the work's.
func ColdCaches() {
	evictOnce.Do(func() { evictBuf = make([]byte, max(4*lastLevelCache(), 64<<20)) })
	for i := 0; i < len(evictBuf); i += 64 {
		evictBuf[i]++
	}
}

var (
	evictOnce sync.Once
	evictBuf  []byte
)

// lastLevelCache reads the size of cpu0's largest cache from sysfs (0 when
// it cannot: ColdCaches then uses its minimum).
func lastLevelCache() int {
	largest := 0
	for i := 0; i < 8; i++ {
		b, err := os.ReadFile("/sys/devices/system/cpu/cpu0/cache/index" + strconv.Itoa(i) + "/size")
		if err != nil {
			continue
		}
		s := strings.TrimSpace(string(b))
		mult := 1
		switch {
		case strings.HasSuffix(s, "K"):
			mult, s = 1<<10, strings.TrimSuffix(s, "K")
		case strings.HasSuffix(s, "M"):
			mult, s = 1<<20, strings.TrimSuffix(s, "M")
		}
		if n, err := strconv.Atoi(s); err == nil && n*mult > largest {
			largest = n * mult
		}
	}
	return largest
}
