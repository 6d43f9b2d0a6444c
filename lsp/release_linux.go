//go:build cgo

package lsp

/*
#include <features.h>
#ifdef __GLIBC__
#include <malloc.h>
static void mp_trim_c_heap(void) { malloc_trim(0); }
#else
// malloc_trim is a glibc extension; musl returns freed memory by itself.
static void mp_trim_c_heap(void) {}
#endif
*/
import "C"

// trimCHeap returns the C heap's free pages to the operating system
// (tree-sitter's parser and trees allocate there, and glibc keeps what they
// free in its arenas).
func trimCHeap() { C.mp_trim_c_heap() }
