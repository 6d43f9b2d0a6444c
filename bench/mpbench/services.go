package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/multiprom/multiprom/bench"
)

// 7. Services: a monorepo of 500 and of 1,000 services (bench.
// GenerateServices), each checked as a project of its own. The check is
// the user's command, `multiprom check --exit-zero DIR`, timed from start
// to exit right after a warm-up as the corpus row times it (checkProcess),
// in rounds of 500, 1,000, 500: a round's ratio is the 1,000 timing over
// the mean of the two 500 timings around it (see benchCorpus). Linear is
// 2×; a service model that compares each service with every other (a
// shared compose file parsed once per service that it builds, before
// project.File.At) is 4× in that part.
func benchServices(tmp string) {
	const small, large = 500, 1000
	dirs := [2]string{filepath.Join(tmp, fmt.Sprintf("services%d", small)), filepath.Join(tmp, fmt.Sprintf("services%d", large))}
	var files [2]int
	var bytes [2]int64
	for i, n := range []int{small, large} {
		if err := bench.GenerateServices(dirs[i], n); err != nil {
			fail("%v", err)
		}
		var err error
		if files[i], bytes[i], err = bench.TreeSize(dirs[i]); err != nil {
			fail("%v", err)
		}
	}
	rounds := 4 * *runs
	var c1, c2, m1, m2 []time.Duration
	var rc, rm []float64
	for r := 0; r < rounds; r++ {
		var check, model [3]timing
		for j, dir := range []string{dirs[0], dirs[1], dirs[0]} {
			check[j], model[j] = checkProcess(tmp, dir)
		}
		// Every service is alike: twice the services, exactly twice the
		// findings (each reported once, whatever shares its file).
		if check[0].findings == 0 || check[1].findings != 2*check[0].findings {
			fail("services findings: %d at %d services, %d at %d", check[0].findings, small, check[1].findings, large)
		}
		for _, j := range []int{0, 2} {
			c1, m1 = append(c1, check[j].elapsed), append(m1, model[j].elapsed)
		}
		c2, m2 = append(c2, check[1].elapsed), append(m2, model[1].elapsed)
		rc = append(rc, roundRatio(check))
		rm = append(rm, roundRatio(model))
	}
	info(fmt.Sprintf("services: %d / %d services, files %d / %d, bytes %d / %d (twice but for the root compose file's first line)",
		small, large, files[0], files[1], bytes[0], bytes[1]), "")
	info(fmt.Sprintf("services: `multiprom check` of %d / %d services, from start to exit (median of %d / %d)", small, large, len(c1), len(c2)),
		summarize(c1).String()+" / "+summarize(c2).String())
	info("services: project model + all rules of every service, in the same checks (their --timings: project + rules)",
		summarize(m1).String()+" / "+summarize(m2).String())
	info("services: time(1,000) / time(500), project model + rules, median of the rounds' ratios (for reference)", ratioStats(rm))
	add("services: time(1,000) / time(500), whole check, median of the rounds' ratios", ratioStats(rc), "≤ 2.05", median(rc) <= 2.05)
}
