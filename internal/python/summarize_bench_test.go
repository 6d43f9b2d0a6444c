package python

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
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
				SummarizeEdit(nil, tree, src)
				tree.Close()
			}
		}
	})
}

// BenchmarkFlattenWalk times the copy of parsed trees and the walk over the
// copies, without the parse: the two stages of a summary, measured apart
// from the parse whose noise hides them in BenchmarkSummaryStages.
func BenchmarkFlattenWalk(b *testing.B) {
	srcs := corpusSources(b)
	if len(srcs) > 300 {
		srcs = srcs[:300]
	}
	trees := make([]*sitter.Tree, len(srcs))
	for i, src := range srcs {
		trees[i], _ = ParsePython(context.Background(), nil, src)
	}
	defer func() {
		for _, t := range trees {
			t.Close()
		}
	}()
	b.Run("flatten", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for k, t := range trees {
				flatten(t, srcs[k]).free()
			}
		}
	})
	b.Run("summarize", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for k, t := range trees {
				SummarizeEdit(nil, t, srcs[k])
			}
		}
	})
}
