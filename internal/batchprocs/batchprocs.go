// Package batchprocs sets the scheduler for a one-shot batch run such as
// `multiprom check`, whose workers spend most of their time in C (a
// tree-sitter parse is a C call of about a millisecond per file).
//
// Why: the runtime's monitor thread takes the P of a goroutine that has
// been in a C call for more than one of its ticks (20 µs) and hands it to
// another thread, but only when no P is idle. With one worker per P, every
// P is busy, so the monitor retakes a P during nearly every parse, wakes a
// thread that finds nothing to run, and, because it keeps finding Ps to
// take, polls every 20 µs instead of backing off to 10 ms. On the 2-core
// machine of bench/RESULTS.md that was 90,000 context switches in five
// checks of a 1,000-module corpus. With one P more than workers, a P is
// always idle, nothing is retaken, the monitor backs off: 43,000 context
// switches and 9 % less CPU for the same checks; the parse-only floor the
// check is measured against runs under the same setting and was as fast or
// faster under it.
//
// The language server does not use it: it lives long and parses a file at a
// time.
package batchprocs

import (
	"os"
	"runtime"
)

// Apply raises GOMAXPROCS by one, unless the user set GOMAXPROCS in the
// environment (their limit wins), and returns how many goroutines should
// share the batch's work (GOMAXPROCS as it was) and a function that puts
// GOMAXPROCS back.
func Apply() (workers int, restore func()) {
	procs := runtime.GOMAXPROCS(0)
	if os.Getenv("GOMAXPROCS") != "" {
		return procs, func() {}
	}
	runtime.GOMAXPROCS(procs + 1)
	return procs, func() { runtime.GOMAXPROCS(procs) }
}
