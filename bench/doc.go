// Package bench holds multiprom's benchmarks: the corpus generator shared by
// the Go benchmarks and the table script (mpbench/), and the prefilter
// correctness test. Timings live only in benchmarks and in the script; the
// tests here check behaviour.
package bench
