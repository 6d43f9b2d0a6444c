//go:build !linux

package batchgc

// Huge pages on advice are Linux's (see reserve_linux.go).
func hugePagesOnAdvice() bool  { return false }
func adviseHugePages(b []byte) {}
