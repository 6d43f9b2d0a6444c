// Command mpbench measures multiprom against issue 7's targets and prints
// the table of bench/RESULTS.md. Every target is a ratio of two timings
// taken in the same run. Usage (from the repository root):
//
//	go run ./bench/mpbench [-runs 5] [-only scan,corpus,latency,memory,startup]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/multiprom/multiprom/bench"
	d "github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/batchgc"
	"github.com/multiprom/multiprom/internal/batchprocs"
)

var (
	runs = flag.Int("runs", 5, "runs per measurement (the table shows the median and min–max)")
	only = flag.String("only", "scan,corpus,latency,memory,startup", "benchmarks to run")
	bin  = flag.String("bin", "bin/multiprom", "multiprom binary (built first with go build)")
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mpbench: "+format+"\n", args...)
	os.Exit(1)
}

type row struct{ name, value, target, met string }

var table []row

func add(name, value, target string, ok bool) {
	met := "yes"
	if !ok {
		met = "**no**"
	}
	table = append(table, row{name, value, target, met})
	fmt.Fprintf(os.Stderr, "%s: %s (target %s: %s)\n", name, value, target, met)
}

func info(name, value string) { table = append(table, row{name, value, "", ""}) }

// stats are the median, min and max of durations.
type stats struct{ med, min, max time.Duration }

func summarize(ds []time.Duration) stats {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return stats{s[len(s)/2], s[0], s[len(s)-1]}
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func (s stats) String() string { return fmt.Sprintf("%s (%s–%s)", ms(s.med), ms(s.min), ms(s.max)) }

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func timeCmd(name string, args ...string) time.Duration {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	t := time.Now()
	_ = cmd.Run() // findings exit 1; pyflakes exits 1 on warnings
	return time.Since(t)
}

func main() {
	flag.Parse()
	if out, err := exec.Command("go", "build", "-o", *bin, "./cmd/multiprom").CombinedOutput(); err != nil {
		fail("build: %v\n%s", err, out)
	}
	abs, _ := filepath.Abs(*bin)
	*bin = abs
	tmp, err := os.MkdirTemp("", "mpbench-")
	if err != nil {
		fail("%v", err)
	}
	defer os.RemoveAll(tmp)
	for _, b := range strings.Split(*only, ",") {
		switch b {
		case "scan":
			benchScan()
		case "corpus":
			benchCorpus(tmp)
		case "latency":
			benchLatency(tmp)
		case "memory":
			benchMemory(tmp)
		case "startup":
			benchStartup(tmp)
		default:
			fail("unknown benchmark %q", b)
		}
	}
	fmt.Printf("| measurement | this machine: median (min–max) of %d runs | target | met |\n|---|---|---|---|\n", *runs)
	for _, r := range table {
		fmt.Printf("| %s | %s | %s | %s |\n", r.name, r.value, r.target, r.met)
	}
}

// 1. Repository scan: check over the stdlib vs pyflakes on the same files.
func benchScan() {
	out, err := exec.Command("python3", "-c", `import sysconfig; print(sysconfig.get_paths()["stdlib"])`).Output()
	if err != nil {
		fail("python3: %v", err)
	}
	std := strings.TrimSpace(string(out))
	// pyflakes gets exactly the .py files the scanner visits.
	var files []string
	_ = filepath.WalkDir(std, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if e.IsDir() && p != std && d.SkipDir(e.Name()) {
			return filepath.SkipDir
		}
		if !e.IsDir() && strings.HasSuffix(p, ".py") {
			files = append(files, p)
		}
		return nil
	})
	lines := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines += strings.Count(string(b), "\n")
	}
	var mp, pf []time.Duration
	for i := 0; i < *runs; i++ {
		mp = append(mp, timeCmd(*bin, "check", "--exit-zero", "--quiet", std))
		pf = append(pf, timeCmd("/usr/bin/python3", append([]string{"-m", "pyflakes"}, files...)...))
	}
	m, p := summarize(mp), summarize(pf)
	res, _ := d.Scan(context.Background(), std)
	info(fmt.Sprintf("stdlib %s: %d files, %d lines; prefilter parsed %d", std, len(files), lines, len(res.Files)-len(res.Unparsed)), "")
	info("multiprom check (stdlib)", m.String())
	info("pyflakes 2.5 (same files)", p.String())
	ratio := float64(p.med) / float64(m.med)
	add("scan: pyflakes / multiprom (medians)", fmt.Sprintf("%.0f×", ratio), "≥ 100×", ratio >= 100)
}

// timeFloor times bench.ParseOnly on dir with the scheduler setting and
// worker count of `multiprom check`'s scan (internal/batchprocs).
func timeFloor(dir string) time.Duration {
	workers, restore := batchprocs.Apply()
	defer restore()
	return bench.ParseOnly(dir, workers)
}

// timeCheck times a check of dir as `multiprom check` runs it: the scan
// with its scheduler setting, the project and all rules. It returns the
// time, the scan (for the rows that time the rules again) and how many
// findings there were.
func timeCheck(dir string) (time.Duration, *d.ScanResult, int) {
	t := time.Now()
	workers, restore := batchprocs.Apply()
	res, err := d.ScanWith(context.Background(), dir, d.ScanOptions{Workers: workers})
	restore()
	if err != nil {
		fail("%v", err)
	}
	n := len(d.Check(d.NewProject(context.Background(), res.Root, res.Files, d.Settings{}), rules.All, nil))
	return time.Since(t), res, n
}

// 2. All-relevant corpus: check vs plain tree-sitter parsing; linearity.
func benchCorpus(tmp string) {
	// The check is timed in this process: with the collector set as
	// `multiprom check` sets it (the parse-only floor runs under it too).
	defer batchgc.Apply()()
	dir1, l1 := generate(tmp, 1000)
	dir2, l2 := generate(tmp, 2000)

	// The floor and the check of the 1× and the 2× corpus, in pairs: the
	// two sizes one right after the other, in alternating order, so that a
	// change in the machine's load falls on both sides of a pair's ratio.
	// Every timing starts from the same heap state, all free memory
	// returned to the system, as a fresh `multiprom check` process starts:
	// each page the check allocates is then a page fault, as it is for a
	// user. (Timings that reuse memory an earlier run freed fault in a
	// share of their pages that depends on Go's scavenger, which after a
	// collection returns idle memory at a pace set by time: the reference
	// rows below.)
	pairs := 2 * *runs
	var f1, f2, c1, c2 []time.Duration
	var ff1, fc1 []int64 // page faults of the 1× floor and check
	var rc, rp []float64
	var res1, res2 *d.ScanResult
	for i := 0; i < pairs; i++ {
		var c, p [2]time.Duration
		for _, k := range pairOrder(i) {
			dir := []string{dir1, dir2}[k]
			debug.FreeOSMemory()
			faults := minorFaults()
			p[k] = timeFloor(dir)
			floorFaults := minorFaults() - faults
			debug.FreeOSMemory()
			faults = minorFaults()
			var res *d.ScanResult
			var findings int
			c[k], res, findings = timeCheck(dir)
			if findings == 0 {
				fail("corpus produced no findings")
			}
			if k == 0 {
				res1 = res
				ff1, fc1 = append(ff1, floorFaults), append(fc1, minorFaults()-faults)
			} else {
				res2 = res
			}
		}
		f1, f2, c1, c2 = append(f1, p[0]), append(f2, p[1]), append(c1, c[0]), append(c2, c[1])
		rc = append(rc, float64(c[1])/float64(c[0]))
		rp = append(rp, float64(p[1])/float64(p[0]))
	}
	sf1, sc1 := summarize(f1), summarize(c1)
	info(fmt.Sprintf("corpus: %d lines (every file relevant), parse only; each timing from a heap returned to the system (median of %d)", l1, pairs), sf1.String())
	info("corpus: scan + project + all rules, the same way", sc1.String())
	info("corpus: page faults of the parse only / of the check (medians)", fmt.Sprintf("%d / %d", medianInt(ff1), medianInt(fc1)))
	ratio := float64(sf1.med) / float64(sc1.med)
	add("corpus: check throughput / parse throughput", fmt.Sprintf("%.0f %%", ratio*100), "≥ 80 %", ratio >= 0.8)
	info(fmt.Sprintf("corpus ×2 (%d lines), in pairs with the 1× corpus, the same way: parse only", l2), summarize(f2).String())
	info("corpus ×2, in the same pairs: check", summarize(c2).String())
	info("corpus: time(2×) / time(1×), parse only, median of the pairs' ratios (the floor, for reference)", ratioStats(rp))
	add("corpus: time(2×) / time(1×), whole check, median of the pairs' ratios", ratioStats(rc), "≤ 2.00", median(rc) <= 2)

	// For reference: the floor and the check each after a collection only,
	// reusing the memory the run before freed (the fourth and fifth
	// sessions' target rows). How many pages a check faults in back
	// depends on how much Go's scavenger returned in the meantime.
	var wf, wc []time.Duration
	var wfc []int64
	for i := 0; i < *runs; i++ {
		runtime.GC()
		wf = append(wf, timeFloor(dir1))
		runtime.GC()
		faults := minorFaults()
		elapsed, _, _ := timeCheck(dir1)
		wfc = append(wfc, minorFaults()-faults)
		wc = append(wc, elapsed)
	}
	swf, swc := summarize(wf), summarize(wc)
	sort.Slice(wfc, func(i, j int) bool { return wfc[i] < wfc[j] })
	info(fmt.Sprintf("corpus, each timing after a collection only (reusing freed memory; %d runs): parse only / check", *runs), swf.String()+" / "+swc.String())
	info("corpus, after a collection only: page faults of the check, min–max", fmt.Sprintf("%d–%d", wfc[0], wfc[len(wfc)-1]))
	info("corpus, after a collection only: check throughput / parse throughput (for reference)", fmt.Sprintf("%.0f %%", 100*float64(swf.med)/float64(swc.med)))

	// Linearity of the project model and the rules alone, again in pairs,
	// on the summaries of both corpora held in memory together: each
	// timing from a heap returned to the system (collected, so that the
	// scan's garbage is not collected inside it, and with all free memory
	// returned, so that every page the rules allocate is new, whatever the
	// scavenger did before) and from cold caches (see bench.ColdCaches). Tens of
	// milliseconds on a shared machine: four pairs per run. The ×2
	// corpus's first half is timed in the same rounds, for reference: the
	// same doubling with the heap held fixed.
	firstHalf := bench.FirstHalf(res2.Files, 2000)
	d.Check(d.NewProject(context.Background(), res2.Root, firstHalf, d.Settings{}), rules.All, nil)
	modelRules := func(res *d.ScanResult, files []*d.File) time.Duration {
		bench.ColdCaches()
		debug.FreeOSMemory()
		t := time.Now()
		d.Check(d.NewProject(context.Background(), res.Root, files, d.Settings{}), rules.All, nil)
		return time.Since(t)
	}
	var m1, m2, h2 []time.Duration
	var rm []float64
	for i := 0; i < 4**runs; i++ {
		var m [2]time.Duration
		for _, k := range pairOrder(i) {
			res := []*d.ScanResult{res1, res2}[k]
			m[k] = modelRules(res, res.Files)
		}
		m1, m2 = append(m1, m[0]), append(m2, m[1])
		rm = append(rm, float64(m[1])/float64(m[0]))
		h2 = append(h2, modelRules(res2, firstHalf))
	}
	info(fmt.Sprintf("corpus / corpus ×2: project model + all rules (no parsing; cold caches; median of %d pairs)", len(rm)),
		summarize(m1).String()+" / "+summarize(m2).String())
	add("corpus: time(2×) / time(1×), project model + rules, median of the pairs' ratios", ratioStats(rm), "≤ 2.00", median(rm) <= 2)
	info(fmt.Sprintf("corpus ×2 in memory: project model + rules over its first half (cold caches; median of %d)", len(h2)), summarize(h2).String())
	info("corpus ×2 in memory: time(all) / time(first half), project model + rules (medians)", fmt.Sprintf("%.2f", float64(summarize(m2).med)/float64(summarize(h2).med)))
}

// generate writes a corpus of the given number of modules under tmp.
func generate(tmp string, modules int) (dir string, lines int) {
	dir = filepath.Join(tmp, fmt.Sprintf("corpus%d", modules))
	lines, err := bench.Generate(dir, bench.Corpus{Modules: modules})
	if err != nil {
		fail("%v", err)
	}
	return dir, lines
}

// pairOrder is the order of the two sizes in pair i: 1× first in even
// pairs, 2× first in odd ones, so that neither side is always timed
// second (after the other has warmed or loaded the machine).
func pairOrder(i int) [2]int {
	if i%2 == 0 {
		return [2]int{0, 1}
	}
	return [2]int{1, 0}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// ratioStats prints the median and min–max of ratios, to three places
// (a ratio printed as 2.00 may be above its bound).
func ratioStats(xs []float64) string {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return fmt.Sprintf("%.3f (%.3f–%.3f)", s[len(s)/2], s[0], s[len(s)-1])
}

func medianInt(xs []int64) int64 {
	s := append([]int64(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// minorFaults is the process's count of minor page faults so far.
func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}
