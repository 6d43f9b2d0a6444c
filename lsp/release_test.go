package lsp

import "testing"

// The C heap trim links and runs (a no-op off glibc).
func TestReleaseMemory(t *testing.T) {
	releaseMemory()
}
