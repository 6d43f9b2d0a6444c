package workspace_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/multiprom/multiprom/bench"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// BenchmarkFind finds the services of a generated monorepo (bench.
// GenerateServices: every fourth service built by a root compose file)
// and reads each service's deploy models, as its project does first, from
// files as a scan loads them (nothing parsed yet). Linear is the same
// ns/service at 500 and 1,000; a root compose file parsed once per
// service it is shared with made it twice (bench/README.md, row 7).
func BenchmarkFind(b *testing.B) {
	for _, n := range []int{500, 1000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := bench.GenerateServices(dir, n); err != nil {
				b.Fatal(err)
			}
			scan, err := workspace.Scan(context.Background(), dir)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				files := make([]*project.File, len(scan.Files))
				for j, f := range scan.Files {
					files[j] = &project.File{Path: f.Path, Kind: f.Kind, Src: f.Src, Py: f.Py}
				}
				b.StartTimer()
				svcs := workspace.Find(files)
				if len(svcs) != n {
					b.Fatalf("%d services, want %d", len(svcs), n)
				}
				for _, s := range svcs {
					for _, f := range s.Files {
						f.Deploy()
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/service")
		})
	}
}
