// Package batchgc sets the garbage collector for a one-shot batch run such
// as `multiprom check`, which builds a project's summaries, reports and
// exits: nearly everything it allocates stays live until the end, so a
// collection before the end marks a heap that is all still in use, for
// nothing. A proportional collector (any GOGC) also collects at heap sizes
// that depend on the project's size, so a project twice as large could take
// more than twice as long. A batch run therefore collects only under memory
// pressure: no proportional GC, and a soft memory limit (Limit).
//
// The user's GOGC or GOMEMLIMIT, when set, wins: Apply then leaves the
// collector as the runtime set it from the environment.
//
// The language server does not use it: it lives long, and must give back
// what it no longer holds.
package batchgc

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Limits on the soft memory limit: a quarter of the memory the process may
// use (the machine's, or its cgroup's when lower), within these bounds.
const (
	MinLimit     = 512 << 20
	MaxLimit     = 4 << 30
	defaultLimit = 1 << 30 // when the memory size cannot be read
)

// Apply turns the proportional collector off and sets the soft memory
// limit (Limit), unless GOGC or GOMEMLIMIT is set in the environment (the
// user's choice wins), and returns a function that puts back what was
// there before.
func Apply() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	oldLimit := debug.SetMemoryLimit(Limit())
	oldPercent := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// Limit is the soft memory limit of a batch run.
func Limit() int64 {
	total := memTotal()
	if cg := cgroupMax(); cg > 0 && (total == 0 || cg < total) {
		total = cg
	}
	if total == 0 {
		return defaultLimit
	}
	return min(max(total/4, MinLimit), MaxLimit)
}

// memTotal reads MemTotal from /proc/meminfo (0 when it cannot).
func memTotal() int64 { return procKB("/proc/meminfo", "MemTotal:") << 10 }

// procKB reads the "field: N kB" line of a /proc file (0 when it cannot).
func procKB(path, field string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == field {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err == nil {
				return kb
			}
		}
	}
	return 0
}

// cgroupMax reads the cgroup v2 memory limit of the process's cgroup
// (0 when there is none or it cannot be read).
func cgroupMax() int64 {
	b, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil { // "max": no limit
		return 0
	}
	return n
}
