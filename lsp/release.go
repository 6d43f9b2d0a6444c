package lsp

import "runtime/debug"

// releaseMemory returns memory freed since the last call to the operating
// system: the Go heap's (a full collection) and the C heap's. The server
// calls it when it goes idle, so that its resident size follows what it
// holds, not what a burst of checks once needed. It is process policy, so
// it lives here and not in the engine a one-shot check also runs.
func releaseMemory() {
	debug.FreeOSMemory()
	trimCHeap()
}
