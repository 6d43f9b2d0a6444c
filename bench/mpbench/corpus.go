package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/multiprom/multiprom/bench"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/batchgc"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// 2. All-relevant corpus: check vs plain tree-sitter parsing; linearity.
//
// The check timed is the user's command, `multiprom check DIR`, from the
// moment it is started to the moment it has exited, as the stdlib and
// start-up rows time it, and the parse-only floor is timed the same way:
// a process (this program with -child floor) from start to exit. Each
// runs right after a warm-up process (see warmUp). The project model and
// the rules, the part of a check that sees the whole project, are timed
// inside those same checks (`--timings`). The parse and the check timed
// inside child processes are shown for reference (see runChild).
func benchCorpus(tmp string) {
	dir1, l1 := generate(tmp, 1000)
	dir2, l2 := generate(tmp, 2000)

	// The floor and the check of the 1× and the 2× corpus, in rounds of
	// 1×, 2×, 1× (each size a floor then a check): a round's ratio is the
	// 2× timing over the mean of the two 1× timings around it. The two 1×
	// timings take as long as the 2× one, so a burst of load on this
	// shared machine is as likely to fall on either side. (In pairs of one
	// 1× and one 2× timing, the 2× timing, twice as long, is twice as
	// likely to catch one, which leans the median ratio above 2 even for
	// the parse floor, a parse per file and nothing shared.) A drift in the
	// load over a round also cancels. A single round's ratio is noisy on a
	// shared machine, so there are six rounds per run.
	rounds := 6 * *runs
	var f1, f2, c1, c2, m1, m2 []time.Duration
	var ff1, fc1, ff2, fc2 []int64 // page faults
	var rc, rp, rm []float64
	for i := 0; i < rounds; i++ {
		var floor, check, model [3]timing
		for j, dir := range []string{dir1, dir2, dir1} {
			floor[j] = floorProcess(dir)
			check[j], model[j] = checkProcess(tmp, dir)
		}
		if check[0].findings == 0 || check[1].findings <= check[0].findings {
			fail("corpus findings: %d at 1×, %d at 2×", check[0].findings, check[1].findings)
		}
		for _, j := range []int{0, 2} {
			f1, c1, m1 = append(f1, floor[j].elapsed), append(c1, check[j].elapsed), append(m1, model[j].elapsed)
			ff1, fc1 = append(ff1, floor[j].faults), append(fc1, check[j].faults)
		}
		f2, c2, m2 = append(f2, floor[1].elapsed), append(c2, check[1].elapsed), append(m2, model[1].elapsed)
		ff2, fc2 = append(ff2, floor[1].faults), append(fc2, check[1].faults)
		rc = append(rc, roundRatio(check))
		rp = append(rp, roundRatio(floor))
		rm = append(rm, roundRatio(model))
	}
	sf1, sc1 := summarize(f1), summarize(c1)
	info(fmt.Sprintf("corpus: %d lines (every file relevant), parse only, a process from start to exit (median of %d)", l1, len(f1)), sf1.String())
	info("corpus: `multiprom check`, from start to exit", sc1.String())
	info("corpus: page faults of the parse only / of the check (medians)", fmt.Sprintf("%d / %d", medianInt(ff1), medianInt(fc1)))
	ratio := float64(sf1.med) / float64(sc1.med)
	add("corpus: check throughput / parse throughput", fmt.Sprintf("%.0f %%", ratio*100), "≥ 80 %", ratio >= 0.8)
	info(fmt.Sprintf("corpus ×2 (%d lines), in rounds 1×, 2×, 1× with the 1× timings above (median of %d): parse only", l2, len(f2)), summarize(f2).String())
	b1, b2 := pythonBytes(dir1), pythonBytes(dir2)
	info("corpus ×2: bytes of Python source, ×2 / ×1 (what doubles)", fmt.Sprintf("%d / %d = %.4f", b2, b1, float64(b2)/float64(b1)))
	info("corpus ×2, in the same rounds: check", summarize(c2).String())
	info("corpus ×2: page faults of the parse only / of the check (medians)", fmt.Sprintf("%d / %d", medianInt(ff2), medianInt(fc2)))
	info("corpus: time(2×) / time(1×), parse only, median of the rounds' ratios (the floor, for reference)", ratioStats(rp))
	add("corpus: time(2×) / time(1×), whole check, median of the rounds' ratios", ratioStats(rc), "≤ 2.00", median(rc) <= 2)
	info("corpus / corpus ×2: project model + all rules, in the same checks (their --timings: project + rules)",
		summarize(m1).String()+" / "+summarize(m2).String())
	add("corpus: time(2×) / time(1×), project model + rules, median of the rounds' ratios", ratioStats(rm), "≤ 2.00", median(rm) <= 2)

	// For reference, timed inside child processes (no start-up, no exit,
	// no output): the parse and the check.
	var nf, nc []time.Duration
	var nfc []int64
	for i := 0; i < *runs; i++ {
		nf = append(nf, runChild("floor", dir1).elapsed)
		check := runChild("check", dir1)
		nc, nfc = append(nc, check.elapsed), append(nfc, check.faults)
	}
	snf, snc := summarize(nf), summarize(nc)
	info(fmt.Sprintf("corpus, timed inside the process (%d runs): parse only / check", *runs),
		snf.String()+" / "+snc.String())
	info("corpus, timed inside the process: page faults of the check (median), throughput / parse throughput (for reference)",
		fmt.Sprintf("%d, %.0f %%", medianInt(nfc), 100*float64(snf.med)/float64(snc.med)))
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

// pythonBytes is bench.PythonBytes; an error is fatal.
func pythonBytes(dir string) int64 {
	n, err := bench.PythonBytes(dir)
	if err != nil {
		fail("%v", err)
	}
	return n
}

// roundRatio is a round's 2× timing (t[1]) over the mean of its two 1×
// timings (t[0], t[2]).
func roundRatio(t [3]timing) float64 {
	return 2 * float64(t[1].elapsed) / float64(t[0].elapsed+t[2].elapsed)
}

// timing is one corpus timing.
type timing struct {
	elapsed  time.Duration
	faults   int64 // minor page faults during the timing
	findings int
}

// warmUp runs a process that touches and frees -warm MiB in huge pages,
// right before a timing. On this VM memory a process frees goes back to
// the hypervisor a few seconds later (virtio-balloon free page reporting,
// a budget per pass), and memory the guest gets back from it costs 6–8 µs
// per 4 KiB to touch again, memory freed just before 0.2 µs. So a timing's
// cost depended on what ran before it and on how much it needed: after a
// 3 s pause, touching 96 MiB took 50–144 ms and 192 MiB 307–411 ms, which
// put the 2× check at 2.03× the 1× in a quiet run whose floor was 2.00×;
// right after a warm-up of 512 MiB, 5.5 and 11.5 ms. Every timing starts
// warm, as on a machine that is not handing memory back to a hypervisor.
// (4 KiB faults cost ~10 µs here either way: the guest's fault path.)
func warmUp() {
	if *warmMB <= 0 {
		return
	}
	if out, err := exec.Command(self(), "-child", "warm", "-warm", fmt.Sprint(*warmMB)).CombinedOutput(); err != nil {
		fail("warm-up: %v\n%s", err, out)
	}
}

// runProcess times a command from start to exit, right after a warm-up,
// its standard output written to out (a file: nothing else runs while it
// is written), and returns its standard error; the page faults are the
// process's own. An exit status other than 0 is fatal.
func runProcess(out *os.File, name string, args ...string) (timing, []byte) {
	warmUp()
	var errOut bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, &errOut
	t := time.Now()
	err := cmd.Run()
	elapsed := time.Since(t)
	if err != nil {
		fail("%s %v: %v\n%s", name, args, err, errOut.Bytes())
	}
	var faults int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		faults = ru.Minflt
	}
	return timing{elapsed: elapsed, faults: faults}, errOut.Bytes()
}

// floorProcess times the parse-only floor of dir as a process of its own
// (this program with -child floor), from start to exit.
func floorProcess(dir string) timing {
	t, _ := runProcess(nil, self(), "-child", "floor", dir)
	return t
}

// checkProcess times `multiprom check --timings` of dir from start to
// exit, its findings written to a file under tmp, one a line, and counted.
// It returns that timing and the project model's and the rules' time
// inside it, from the line --timings prints.
func checkProcess(tmp, dir string) (check, model timing) {
	out, err := os.CreateTemp(tmp, "findings-")
	if err != nil {
		fail("%v", err)
	}
	defer os.Remove(out.Name())
	defer out.Close()
	check, stderr := runProcess(out, *bin, "check", "--timings", "--exit-zero", "--quiet", "--format", "text", dir)
	text, err := os.ReadFile(out.Name())
	if err != nil {
		fail("%v", err)
	}
	check.findings = bytes.Count(text, []byte("\n"))
	m := timingsLine.FindSubmatch(stderr)
	if m == nil {
		fail("multiprom check --timings %s: no timings line in %q", dir, stderr)
	}
	for _, ms := range m[1:] {
		d, err := time.ParseDuration(string(ms) + "ms")
		if err != nil {
			fail("timings line %q: %v", m[0], err)
		}
		model.elapsed += d
	}
	return check, model
}

// timingsLine is the line of `check --timings`, its project and rules
// phases captured.
var timingsLine = regexp.MustCompile(`(?m)^timings: .* project ([0-9.]+) ms, rules ([0-9.]+) ms,`)

// A timing inside a process (runChild) runs in a process of its own too,
// this program run again with -child: each starts as a user's `multiprom
// check` starts, with nothing mapped, so it pays a page fault for each
// page it allocates (the rows show them). Timed in one process, a result
// would depend on what earlier timings left mapped: after a collection, on
// how much Go's scavenger had returned since; after debug.FreeOSMemory, on
// the free slots left in spans still in use, a fixed amount the 1× and 2×
// timings would share, which skews their ratio.

// runChild runs one timing of kind (floor or check) on dir in a new
// process, right after a warm-up, and returns the child's own timing of
// it.
func runChild(kind, dir string) timing {
	warmUp()
	out, err := exec.Command(self(), "-child", kind, dir).Output()
	if err != nil {
		fail("child %s %s: %v", kind, dir, err)
	}
	var t timing
	var ns int64
	if _, err := fmt.Sscan(string(out), &ns, &t.faults, &t.findings); err != nil {
		fail("child %s %s: %q: %v", kind, dir, out, err)
	}
	t.elapsed = time.Duration(ns)
	return t
}

// self is this program's executable.
func self() string {
	p, err := os.Executable()
	if err != nil {
		fail("%v", err)
	}
	return p
}

// child is the -child mode: one timing in this process, printed as
// "nanoseconds faults findings". It runs with the collector set as
// `multiprom check` sets it (internal/batchgc), the parse-only floor too.
func child(kind, dir string) {
	defer batchgc.Apply()()
	faults := minorFaults()
	var elapsed time.Duration
	var findings int
	switch kind {
	case "warm":
		warm(*warmMB)
		return
	case "floor":
		elapsed = timeFloor(dir)
	case "check":
		elapsed, findings = timeCheck(dir)
	default:
		fail("unknown -child %q", kind)
	}
	fmt.Println(elapsed.Nanoseconds(), minorFaults()-faults, findings)
}

// timeFloor times bench.ParseOnly on dir with as many workers as
// `multiprom check`'s scan has (GOMAXPROCS).
func timeFloor(dir string) time.Duration {
	return bench.ParseOnly(dir, 0)
}

// scanBatch scans dir as `multiprom check` does.
func scanBatch(dir string) *workspace.ScanResult {
	res, err := workspace.Scan(context.Background(), dir)
	if err != nil {
		fail("%v", err)
	}
	return res
}

// timeCheck times a check of dir as `multiprom check` runs it: the scan,
// the project and all rules. It returns the time and how many findings
// there were.
func timeCheck(dir string) (time.Duration, int) {
	t := time.Now()
	n := checkAll(scanBatch(dir))
	return time.Since(t), n
}

// checkAll builds the project of a scan and runs all rules, as a check
// does after its scan, and returns how many findings there were.
func checkAll(res *workspace.ScanResult) int {
	return len(diagnostics.Check(project.NewProject(context.Background(), res.Root, res.Files, config.Settings{}), rules.All, nil))
}

// minorFaults is the process's count of minor page faults so far.
func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

// warm touches n MiB advised into huge pages and returns, freeing them as
// the process exits (see warmUp).
func warm(n int) {
	b, err := syscall.Mmap(-1, 0, n<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		fail("warm-up: %v", err)
	}
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) // advice: 4 KiB pages warm too, more slowly
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
}
