// Package batchgc sets the garbage collector for a one-shot batch run such
// as `multiprom check`, which builds a project's summaries, reports and
// exits: nearly everything it allocates stays live until the end, so with
// the default GOGC=100 the collector marks the growing heap again at every
// doubling, for nothing. Measured on a 1,000-module corpus (bench/), that
// was 7 % of the parse's CPU on top of it, and GOGC=400 gave the check a
// fifth of its time beyond the parse back.
//
// The language server does not use it: it lives long, and its memory is
// budgeted (bench/RESULTS.md).
package batchgc

import (
	"os"
	"runtime/debug"
)

// Percent is the GOGC a batch run uses.
const Percent = 400

// Limit is the soft memory limit that goes with it: near it the collector
// runs as often as it must, so a project whose summaries are large does not
// pay the larger heap in memory (the default collector would stay at twice
// the live heap, which below 512 MiB is under this limit anyway).
const Limit = 1 << 30

// Apply sets Percent and Limit unless GOGC or GOMEMLIMIT is set in the
// environment (the user's choice wins), and returns a function that puts
// back what was there before.
func Apply() (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(Percent)
		undo = append(undo, func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(Limit)
		undo = append(undo, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}
