package project

import "runtime/debug"

// ReleaseMemory returns memory freed since the last call to the operating
// system: the Go heap's (a full collection) and the C heap's. A language
// server calls it when it goes idle, so that its resident size follows what
// it holds, not what a burst of checks once needed.
func ReleaseMemory() {
	debug.FreeOSMemory()
	trimCHeap()
}
