package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// BenchmarkMetricRules runs the MP3xx-MP5xx rules over a 200-module project
// (10 metrics and their cross-module uses per module), index build included,
// as one editor keystroke re-check does.
func BenchmarkMetricRules(b *testing.B) {
	var files []*project.File
	files = append(files, &project.File{Path: "gunicorn.conf.py", Kind: project.KindPython, Src: []byte("workers = 4\n")})
	for i := 0; i < 200; i++ {
		var m, v strings.Builder
		m.WriteString("from prometheus_client import Counter, Gauge\n\n")
		fmt.Fprintf(&v, "from app.m%d import *\n\n\ndef view():\n", i)
		for j := 0; j < 10; j++ {
			fmt.Fprintf(&m, "G%d = Gauge(\"app_m%d_g%d\", \"help\", [\"kind\"])\n", j, i, j)
			fmt.Fprintf(&v, "    G%d.labels(\"a\").inc()\n", j)
		}
		files = append(files,
			&project.File{Path: fmt.Sprintf("app/m%d.py", i), Kind: project.KindPython, Src: []byte(m.String())},
			&project.File{Path: fmt.Sprintf("app/v%d.py", i), Kind: project.KindPython, Src: []byte(v.String())})
	}
	var mine []*diagnostics.Rule
	for _, r := range All {
		if r.Code >= "MP301" {
			mine = append(mine, r)
		}
	}
	ctx := context.Background()
	base := project.NewProject(ctx, "/bench/app", files, config.Settings{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A fresh project per iteration: the index is rebuilt, as after an edit.
		p := project.NewProject(ctx, "/bench/app", base.Files, config.Settings{})
		if n := len(diagnostics.Check(p, mine, nil)); n < 2000 {
			b.Fatalf("%d findings, want the 2000 MP301s at least", n)
		}
	}
}

// BenchmarkDuplicateNames runs MP307 over 1,000 modules of 10 metrics:
// fresh (a check from the command line) and derived from the last project
// with one module edited (a keystroke in the editor).
func BenchmarkDuplicateNames(b *testing.B) {
	var files []*project.File
	for i := 0; i < 1000; i++ {
		var m strings.Builder
		m.WriteString("from prometheus_client import Counter, Histogram\n\n")
		for j := 0; j < 5; j++ {
			fmt.Fprintf(&m, "C%d = Counter(\"app_m%d_c%d_total\", \"help\")\n", j, i, j)
			fmt.Fprintf(&m, "H%d = Histogram(\"app_m%d_h%d\", \"help\")\n", j, i, j)
		}
		files = append(files, &project.File{Path: fmt.Sprintf("app/m%04d.py", i), Kind: project.KindPython, Src: []byte(m.String())})
	}
	ctx := context.Background()
	rules := []*diagnostics.Rule{DuplicateMetricName}
	base := project.NewProject(ctx, "/bench/app", files, config.Settings{})
	b.Run("fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			// New File values: nothing a file keeps (its memo) is reused.
			fresh := make([]*project.File, len(base.Files))
			for j, f := range base.Files {
				fresh[j] = &project.File{Path: f.Path, Kind: f.Kind, Src: f.Src, Py: f.Py}
			}
			diagnostics.Check(project.NewProject(ctx, "/bench/app", fresh, config.Settings{}), rules, nil)
		}
	})
	b.Run("derived", func(b *testing.B) {
		prev := project.NewProject(ctx, "/bench/app", base.Files, config.Settings{})
		diagnostics.Check(prev, rules, nil)
		edited := slices.Clone(base.Files)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			src := fmt.Sprintf("from prometheus_client import Counter\nC = Counter(\"edit_%d\", \"help\")\n", i%2)
			edited[500] = &project.File{Path: edited[500].Path, Kind: project.KindPython, Src: []byte(src)}
			p := project.NewProjectFrom(ctx, prev, "/bench/app", slices.Clone(edited), config.Settings{})
			diagnostics.Check(p, rules, nil)
			prev = p
		}
	})
}
