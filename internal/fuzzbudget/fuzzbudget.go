// Package fuzzbudget turns a fuzz input that hangs into a crash that
// go test -fuzz records with the input (it would otherwise never show it).
// A budget is not a speed assertion: it only bounds an endless loop.
package fuzzbudget

import (
	"fmt"
	"time"
)

// Run runs fn and panics, crashing the fuzz worker, if it has not returned
// within budget.
func Run(what string, budget time.Duration, fn func()) {
	done := make(chan struct{})
	timer := time.AfterFunc(budget, func() {
		select {
		case <-done:
		default:
			panic(fmt.Sprintf("%s did not finish within %v", what, budget))
		}
	})
	defer timer.Stop()
	fn()
	close(done)
}
