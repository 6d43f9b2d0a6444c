package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"

	"go.lsp.dev/uri"

	"github.com/multiprom/multiprom/bench"
)

func BenchmarkZZMem(b *testing.B) {
	root := b.TempDir()
	os.WriteFile(filepath.Join(root, "gunicorn.conf.py"), []byte("workers = 4\n"), 0o644)
	doc := bench.BigModule(1000)
	os.MkdirAll(filepath.Join(root, "app"), 0o755)
	for i := 0; i < 200; i++ {
		os.WriteFile(filepath.Join(root, "app", fmt.Sprintf("d%03d.py", i)), []byte(strings.Replace(doc, "\"big\"", fmt.Sprintf("\"big%d\"", i), 1)), 0o644)
	}
	s := startSessionB(b)
	s.handshake(root, nil)
	for i := 0; i < 200; i++ {
		p := filepath.Join(root, "app", fmt.Sprintf("d%03d.py", i))
		t, _ := os.ReadFile(p)
		u := uri.File(p)
		s.open(u, 1, string(t))
		s.waitDiags(u, "open", func(publishDiagnosticsParams) bool { return true })
	}
	for i := 0; i < 20; i++ {
		u := uri.File(filepath.Join(root, "app", fmt.Sprintf("d%03d.py", i)))
		s.change(u, 2, map[string]any{"range": rng(0, 0, 0, 0), "text": "#"})
		s.waitDiags(u, "edit", func(p publishDiagnosticsParams) bool { return p.Version != nil && int(*p.Version) == 2 })
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("HeapInuse %.1f MB HeapAlloc %.1f MB Sys %.1f MB\n", float64(ms.HeapInuse)/1e6, float64(ms.HeapAlloc)/1e6, float64(ms.Sys)/1e6)
	f, _ := os.Create("/tmp/heap.out")
	pprof.WriteHeapProfile(f)
	f.Close()
}
