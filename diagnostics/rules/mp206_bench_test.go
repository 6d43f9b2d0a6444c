package rules

import (
	"context"
	"fmt"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// BenchmarkMP206 runs MP206 over projects of two sizes, 10× apart, in the
// two shapes that were quadratic: every module sets the variable in a
// function of app code ("envsets": each file scanned every set of the
// project), and, with preload_app, each module imports the previous one
// before its set ("preloadchain": each finding walked the import chain
// again). ns/file must not grow with the size.
func BenchmarkMP206(b *testing.B) {
	for _, shape := range []struct {
		name  string
		files func(n int) []*project.File
	}{{"envsets", mp206EnvSetsProject}, {"preloadchain", mp206PreloadChainProject}} {
		for _, n := range []int{300, 3000} {
			b.Run(fmt.Sprintf("%s/n=%d", shape.name, n), func(b *testing.B) {
				ctx := context.Background()
				base := project.NewProject(ctx, "/bench/app", shape.files(n), config.Settings{})
				for b.Loop() {
					// A fresh project per iteration: the per-project memos
					// are rebuilt, as after an edit.
					b.StopTimer()
					p := project.NewProject(ctx, "/bench/app", base.Files, config.Settings{})
					b.StartTimer()
					if got := len(diagnostics.Check(p, []*diagnostics.Rule{MultiprocEnvSetInApp}, nil)); got != n {
						b.Fatalf("%d findings, want %d", got, n)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/file")
			})
		}
	}
}

func mp206EnvSetsProject(n int) []*project.File {
	files := []*project.File{{Path: "gunicorn.conf.py", Kind: project.KindPython, Src: []byte("workers = 4\n")}}
	for i := 0; i < n; i++ {
		// Inside a function: no fix to render, whose template would
		// outweigh the rule itself.
		src := fmt.Sprintf("import os\n\n\ndef setup():\n    os.environ[\"PROMETHEUS_MULTIPROC_DIR\"] = \"/tmp/m%d\"\n", i)
		files = append(files, &project.File{Path: fmt.Sprintf("app/m%d.py", i), Kind: project.KindPython, Src: []byte(src)})
	}
	return files
}

func mp206PreloadChainProject(n int) []*project.File {
	files := []*project.File{
		{Path: "gunicorn.conf.py", Kind: project.KindPython, Src: []byte("workers = 4\npreload_app = True\n")},
		{Path: "app/__init__.py", Kind: project.KindPython, Src: []byte("")},
	}
	for i := 0; i < n; i++ {
		prev := ""
		if i > 0 {
			prev = fmt.Sprintf("from app import m%d\n", i-1)
		}
		src := prev + "import prometheus_client\nimport os\nos.environ.setdefault(\"PROMETHEUS_MULTIPROC_DIR\", \"/tmp/m\")\n"
		files = append(files, &project.File{Path: fmt.Sprintf("app/m%d.py", i), Kind: project.KindPython, Src: []byte(src)})
	}
	return files
}
