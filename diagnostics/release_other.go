//go:build !linux

package diagnostics

func trimCHeap() {}
