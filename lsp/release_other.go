//go:build !linux || !cgo

package lsp

func trimCHeap() {}
