package project

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel runs fn(i) for i in [0, n) on all cores.
func Parallel(n int, fn func(i int)) { ParallelOn(0, n, fn) }

// parallelOn runs fn(i) for i in [0, n) on workers goroutines (0:
// GOMAXPROCS).
func ParallelOn(workers, n int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
