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
	// measure also times the model + rules over the first half of the
	// corpus's files (half: the whole corpus in memory, half of it checked).
	measure := func(modules int) (check, parse, model, half, warm stats, lines int) {
		dir := filepath.Join(tmp, fmt.Sprintf("corpus%d", modules))
		lines, err := bench.Generate(dir, bench.Corpus{Modules: modules})
		if err != nil {
			fail("%v", err)
		}
		var cs, ps, ms, hs, ws []time.Duration
		for i := 0; i < *runs; i++ {
			ps = append(ps, timeFloor(dir))
			elapsed, res, findings := timeCheck(dir)
			if findings == 0 {
				fail("corpus produced no findings")
			}
			cs = append(cs, elapsed)
			// The model and the rules again on the same summaries, from a
			// collected heap (otherwise the scan's garbage is collected
			// inside this timing) and cold caches (see bench.ColdCaches).
			// Tens of milliseconds on a shared machine: four samples per
			// run, so that the median has twenty to settle on.
			firstHalf := bench.FirstHalf(res.Files, modules)
			d.Check(d.NewProject(context.Background(), res.Root, firstHalf, d.Settings{}), rules.All, nil)
			for k := 0; k < 4; k++ {
				runtime.GC()
				bench.ColdCaches()
				t1 := time.Now()
				d.Check(d.NewProject(context.Background(), res.Root, res.Files, d.Settings{}), rules.All, nil)
				ms = append(ms, time.Since(t1))
				runtime.GC()
				bench.ColdCaches()
				t2 := time.Now()
				d.Check(d.NewProject(context.Background(), res.Root, firstHalf, d.Settings{}), rules.All, nil)
				hs = append(hs, time.Since(t2))
				// For reference: the same after the collection alone.
				runtime.GC()
				t3 := time.Now()
				d.Check(d.NewProject(context.Background(), res.Root, res.Files, d.Settings{}), rules.All, nil)
				ws = append(ws, time.Since(t3))
			}
		}
		return summarize(cs), summarize(ps), summarize(ms), summarize(hs), summarize(ws), lines
	}
	c1, p1, m1, _, w1, l1 := measure(1000)
	info(fmt.Sprintf("corpus: %d lines (every file relevant), parse only", l1), p1.String())
	info("corpus: scan + project + all rules", c1.String())
	info(fmt.Sprintf("corpus: project model + all rules (no parsing; cold caches; median of %d)", 4**runs), m1.String())
	ratio := float64(p1.med) / float64(c1.med)
	add("corpus: check throughput / parse throughput", fmt.Sprintf("%.0f %%", ratio*100), "≥ 80 %", ratio >= 0.8)
	c2, p2, m2, h2, w2, l2 := measure(2000)
	info(fmt.Sprintf("corpus ×2 (%d lines): parse only", l2), p2.String())
	info("corpus: time(2×) / time(1×), parse only (the floor, for reference)", fmt.Sprintf("%.2f", float64(p2.med)/float64(p1.med)))
	info(fmt.Sprintf("corpus ×2 (%d lines): check", l2), c2.String())
	info(fmt.Sprintf("corpus ×2: project model + all rules (cold caches; median of %d)", 4**runs), m2.String())
	lin := float64(c2.med) / float64(c1.med)
	add("corpus: time(2×) / time(1×), whole check", fmt.Sprintf("%.2f", lin), "≤ 2.00", lin <= 2)
	linM := float64(m2.med) / float64(m1.med)
	add("corpus: time(2×) / time(1×), project model + rules (cold caches)", fmt.Sprintf("%.2f", linM), "≤ 2.00", linM <= 2)
	info(fmt.Sprintf("corpus, corpus ×2: project model + all rules with caches warm from a GC (for reference; median of %d)", 4**runs),
		fmt.Sprintf("%s, %s: ratio %.2f", ms(w1.med), ms(w2.med), float64(w2.med)/float64(w1.med)))
	// The same doubling with the heap held fixed: the ×2 corpus in memory,
	// its first half checked, then all of it (for reference: it tells the
	// work that grows from the cost of a larger heap).
	info(fmt.Sprintf("corpus ×2 in memory: project model + rules over its first half (cold caches; median of %d)", 4**runs), h2.String())
	info("corpus ×2 in memory: time(all) / time(first half), project model + rules", fmt.Sprintf("%.2f", float64(m2.med)/float64(h2.med)))
	// For reference, after everything above (it changes what memory the
	// process keeps): the floor and the check of the corpus, each after
	// all free memory went back to the system, as a fresh `multiprom check`
	// process starts. The rows above reuse memory that earlier runs freed;
	// here every page the check allocates is new to the process, and on
	// this machine a page fault costs about 15 µs.
	dir := filepath.Join(tmp, "corpus1000")
	var fcs, fps []time.Duration
	for i := 0; i < *runs; i++ {
		debug.FreeOSMemory()
		fps = append(fps, timeFloor(dir))
		debug.FreeOSMemory()
		elapsed, _, _ := timeCheck(dir)
		fcs = append(fcs, elapsed)
	}
	fc, fp := summarize(fcs), summarize(fps)
	info("corpus, from a heap returned to the system (as a fresh process): parse only", fp.String())
	info("corpus, from a heap returned to the system: scan + project + all rules", fc.String())
	info("corpus, from a heap returned to the system: check throughput / parse throughput (for reference)",
		fmt.Sprintf("%.0f %%", 100*float64(fp.med)/float64(fc.med)))
}
