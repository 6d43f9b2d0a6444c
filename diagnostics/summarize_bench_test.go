package diagnostics

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusSources reads the .py files of $MP_BENCH_CORPUS (a tree made by
// bench.Generate); the benchmark is skipped without it.
func corpusSources(b *testing.B) [][]byte { return corpusSourcesT(b) }

func corpusSourcesT(b testing.TB) [][]byte {
	dir := os.Getenv("MP_BENCH_CORPUS")
	if dir == "" {
		b.Skip("MP_BENCH_CORPUS not set")
	}
	var out [][]byte
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".py") {
			if src, err := os.ReadFile(p); err == nil {
				out = append(out, src)
			}
		}
		return nil
	})
	return out
}

// BenchmarkSummaryStages splits a file's summary into its stages, serially
// over a corpus: parse, parse+flatten, parse+flatten+walk.
func BenchmarkSummaryStages(b *testing.B) {
	srcs := corpusSources(b)
	b.Run("parse", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, src := range srcs {
				tree, _ := ParsePython(context.Background(), nil, src)
				tree.Close()
			}
		}
	})
	b.Run("parse+flatten", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, src := range srcs {
				tree, _ := ParsePython(context.Background(), nil, src)
				flatten(tree, src).free()
				tree.Close()
			}
		}
	})
	b.Run("parse+summarize", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, src := range srcs {
				tree, _ := ParsePython(context.Background(), nil, src)
				Summarize(tree, src)
				tree.Close()
			}
		}
	})
}
