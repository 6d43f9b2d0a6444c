package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/multiprom/multiprom/bench"
)

// 6. Project shapes: each stresses one project-level population (see
// bench.Shapes); `multiprom check` at two sizes ten times apart, timed by
// its own --timings (the process's start and exit, fixed costs, would
// flatten the smaller size's time). Linear is 10×, quadratic 100×.
func benchShapes(tmp string) {
	const small, large = 300, 3000
	for _, s := range bench.Shapes {
		dirs := [2]string{filepath.Join(tmp, s.Name+"-small"), filepath.Join(tmp, s.Name+"-large")}
		for i, n := range []int{small, large} {
			if err := bench.GenerateShape(dirs[i], s, n); err != nil {
				fail("%v", err)
			}
		}
		var t [2][]time.Duration
		for r := 0; r < *runs; r++ {
			for i, dir := range dirs {
				t[i] = append(t[i], shapeCheck(s, dir))
			}
		}
		a, b := summarize(t[0]), summarize(t[1])
		info(fmt.Sprintf("shape %s: %s, %d → %d: check (--timings total) %s → %s", s.Name, s.What, small, large, ms(a.med), ms(b.med)),
			fmt.Sprintf("%.1f× (linear: 10×)", float64(b.med)/float64(a.med)))
	}
}

// shapeCheck runs `multiprom check --timings` on dir (with --diff when the
// shape times its fixes) and returns the total it prints.
func shapeCheck(s bench.Shape, dir string) time.Duration {
	args := []string{"check", "--timings", "--exit-zero", "--quiet"}
	if s.Fix {
		args = append(args, "--diff")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(*bin, append(args, dir)...)
	cmd.Stderr = &stderr // the findings or the diff go to /dev/null
	if err := cmd.Run(); err != nil {
		fail("%v: %v\n%s", cmd.Args, err, stderr.Bytes())
	}
	m := totalLine.FindSubmatch(stderr.Bytes())
	if m == nil {
		fail("shape %s: no timings line", s.Name)
	}
	d, err := time.ParseDuration(string(m[1]) + "ms")
	if err != nil {
		fail("shape %s: %v", s.Name, err)
	}
	return d
}

var totalLine = regexp.MustCompile(`(?m)^timings: .* total ([0-9.]+) ms$`)
