// Command mpbench measures multiprom against issue 7's targets and prints
// the table of bench/RESULTS.md. Every target is a ratio of two timings
// taken in the same run. Usage (from the repository root):
//
//	go run ./bench/mpbench [-runs 5] [-only scan,corpus,latency,memory,startup,shapes,services]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/multiprom/multiprom/internal/workspace"
)

var (
	runs = flag.Int("runs", 5, "runs per measurement (the table shows the median and min–max)")
	only = flag.String("only", "scan,corpus,latency,memory,startup,shapes,services", "benchmarks to run")
	bin  = flag.String("bin", "bin/multiprom", "multiprom binary (built first with go build)")
	// The corpus benchmark times each run in a process of its own: the
	// check is multiprom itself, the rest this program, run with -child
	// (see runProcess and runChild).
	childKind      = flag.String("child", "", "internal: run one corpus timing (floor or check) on the directory argument and print it, or warm (see runChild)")
	latencyModules = flag.String("latency-modules", "0,1000", "the latency benchmark's workspaces: for each number, one with that many generated app modules beside the 5,000-line module (0: the module alone, as the issue describes; 1000: what an edit costs in a large project)")
	warmMB         = flag.Int("warm", 512, "MiB of memory a process touches and frees right before each corpus timing, so that every timing finds the same memory state (see warmUp); 0: none")
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
	if *childKind != "" {
		child(*childKind, flag.Arg(0))
		return
	}
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
		case "shapes":
			benchShapes(tmp)
		case "services":
			benchServices(tmp)
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
		if e.IsDir() && p != std && workspace.SkipDir(e.Name()) {
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
	res, _ := workspace.Scan(context.Background(), std)
	info(fmt.Sprintf("stdlib %s: %d files, %d lines; prefilter parsed %d", std, len(files), lines, len(res.Files)-len(res.Unparsed)), "")
	info("multiprom check (stdlib)", m.String())
	info("pyflakes 2.5 (same files)", p.String())
	ratio := float64(p.med) / float64(m.med)
	add("scan: pyflakes / multiprom (medians)", fmt.Sprintf("%.0f×", ratio), "≥ 100×", ratio >= 100)
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
