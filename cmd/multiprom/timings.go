package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// A check's phases, in the order --timings prints them.
type phase int

const (
	phaseScan    phase = iota // finding the projects, reading and parsing their files
	phaseProject              // the project model: facts, settings, problems
	phaseRules                // all rules over the project
	phaseFix                  // --fix or --diff: fixing, writing, re-checking
	phaseReport               // sorting and printing the findings
	numPhases
)

var phaseNames = [numPhases]string{"scan", "project", "rules", "fix", "report"}

// phaseTimes is what `check --timings` prints to stderr once the report
// is out: the time spent in each phase, summed over the projects checked,
// so that a user can see where a slow check goes, and bench/mpbench can
// time the project model and the rules inside the real command. The time
// from the process's start to the flags being parsed, and its exit, are
// outside every phase.
type phaseTimes struct {
	start, last   time.Time
	in            [numPhases]time.Duration
	files, parsed int // files loaded, Python files parsed
}

func newPhaseTimes() *phaseTimes {
	now := time.Now()
	return &phaseTimes{start: now, last: now}
}

// end adds the time since the previous end (or the start) to p.
func (t *phaseTimes) end(p phase) {
	now := time.Now()
	t.in[p] += now.Sub(t.last)
	t.last = now
}

// scanned counts a scan's files and the Python files it parsed.
func (t *phaseTimes) scanned(scan *workspace.ScanResult) {
	t.files += len(scan.Files)
	for _, f := range scan.Files {
		if f.Kind == project.KindPython && !scan.Unparsed[f.Path] {
			t.parsed++
		}
	}
}

// write prints one line: each phase that took place, then the total.
func (t *phaseTimes) write(w io.Writer, fixing bool) {
	var b strings.Builder
	b.WriteString("timings:")
	for p := phase(0); p < numPhases; p++ {
		if p == phaseFix && !fixing {
			continue
		}
		fmt.Fprintf(&b, " %s %s", phaseNames[p], millis(t.in[p]))
		if p == phaseScan {
			fmt.Fprintf(&b, " (%d files, %d parsed)", t.files, t.parsed)
		}
		b.WriteString(",")
	}
	fmt.Fprintf(&b, " total %s\n", millis(t.last.Sub(t.start)))
	io.WriteString(w, b.String())
}

// millis prints a duration in milliseconds to 10 µs.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}
