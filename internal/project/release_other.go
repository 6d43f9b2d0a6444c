//go:build !linux

package project

func trimCHeap() {}
