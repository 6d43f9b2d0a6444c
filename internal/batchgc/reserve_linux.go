package batchgc

import (
	"bytes"
	"os"
	"syscall"
	"unsafe"
)

const hugePageSize = 2 << 20

// hugePagesOnAdvice reports whether transparent huge pages are in
// "madvise" mode: then only advised memory gets them. In "always" mode the
// heap gets them without advice, in "never" mode not at all, and advice
// would only cost a collection.
func hugePagesOnAdvice() bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && bytes.Contains(b, []byte("[madvise]"))
}

// adviseHugePages advises the 2 MiB-aligned part of b MADV_HUGEPAGE. An
// error is ignored: advice that is not taken changes nothing but speed.
func adviseHugePages(b []byte) {
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + hugePageSize - 1) &^ (hugePageSize - 1)
	hi := (start + uintptr(len(b))) &^ (hugePageSize - 1)
	if hi <= lo {
		return
	}
	_ = syscall.Madvise(b[lo-start:hi-start], syscall.MADV_HUGEPAGE)
}
