//go:build linux

package project

/*
#include <malloc.h>
*/
import "C"

// trimCHeap returns the C heap's free pages to the operating system
// (tree-sitter's parser and trees allocate there, and glibc keeps what they
// free in its arenas).
func trimCHeap() { C.malloc_trim(0) }
