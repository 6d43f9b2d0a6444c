package batchgc

import (
	"runtime"
	"runtime/metrics"
)

// A page fault costs microseconds, and a batch run faults in every page of
// the heap it builds, once: on the 2-core VM of bench/RESULTS.md, 23,000
// faults of 4 KiB were a tenth of a 1,000-module check. Linux backs memory
// advised MADV_HUGEPAGE with 2 MiB pages (when transparent huge pages are in
// "madvise" mode, as Ubuntu and Debian ship them), which take one fault per
// 2 MiB instead of 512. The Go runtime gives no advice for its heap, so
// Reserve does it for the heap a batch run is about to build.

// minReserve is the smallest reservation worth a collection: below it a
// run faults in few pages anyway.
const minReserve = 8 << 20

// Reserve prepares the heap for about n more bytes of allocation, in huge
// pages where the system offers them on advice (hugePagesOnAdvice). It
// allocates a block of n bytes, advises it MADV_HUGEPAGE, and frees it with
// a collection, while the heap is still small and the collection cheap:
// the runtime then hands the block's pages out for the allocations that
// follow (it allocates pages first fit by address, and a fresh block is
// mapped untouched, so no 4 KiB page of it is faulted in before the
// advice). It is advice only: if the runtime lays out its heap differently
// the run takes 4 KiB faults, as without it, and computes the same.
//
// n is capped at a quarter of the batch memory limit (Limit); a run that
// allocates more takes the rest in 4 KiB pages. Call it from a batch run
// only (Apply): a long-lived process should not hold its free memory in
// 2 MiB pages.
func Reserve(n int64) {
	n = reserveSize(n)
	if n == 0 || !hugePagesOnAdvice() || liveHeap() > n/8 {
		// A heap already large (a second scan in one run: another
		// root, or the report after --fix) would make the collection
		// cost more than the faults it saves.
		return
	}
	block := make([]byte, n)
	adviseHugePages(block)
	runtime.KeepAlive(block)
	block = nil
	runtime.GC()
}

// reserveSize is what Reserve(n) reserves: n capped at a quarter of the
// batch memory limit, or 0 below minReserve.
func reserveSize(n int64) int64 {
	n = min(n, Limit()/4)
	if n < minReserve {
		return 0
	}
	return n
}

// liveHeap is the bytes of heap objects, live or not yet collected.
func liveHeap() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(sample[0].Value.Uint64())
}
