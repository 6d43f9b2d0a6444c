package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/multiprom/multiprom/internal/python"
)

// ParseOnly reads every .py file under dir and parses it with tree-sitter
// on workers goroutines (0: GOMAXPROCS), nothing else: the floor the check
// is compared with. It returns the elapsed time (reading included, as the
// check reads too). mpbench runs it with the check's worker count
// (GOMAXPROCS).
func ParseOnly(dir string, workers int) time.Duration {
	t := time.Now()
	var paths []string
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".py") {
			paths = append(paths, p)
		}
		return nil
	})
	var next atomic.Int64
	var wg sync.WaitGroup
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				src, err := os.ReadFile(paths[i])
				if err != nil {
					continue
				}
				tree, err := python.ParsePython(context.Background(), nil, src)
				if err == nil {
					tree.Close()
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(t)
}
