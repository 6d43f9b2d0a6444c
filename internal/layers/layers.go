// Package layers is the one statement of how multiprom's packages stack.
// A package may import only packages of a lower layer; its test
// (layers_test.go) reads `go list` and fails on an upward or sideways
// import, on a package no layer names, on tree-sitter outside
// internal/python, and on a package grown past its size budget. It also
// keeps the package table of docs/ARCHITECTURE.md.
package layers

// Layers lists the module's packages from the top (front ends) down to the
// leaves, as paths relative to the module. Packages on one line are peers:
// neither may import the other.
var Layers = []Layer{
	{"front ends: flags and wiring, the docs generator, the benchmark driver, the end-to-end tests", []string{"cmd/multiprom", "docs/gen", "bench/mpbench", "e2e"}},
	{"the language server: protocol handlers and session bookkeeping", []string{"lsp"}},
	{"the benchmark corpus and its measurements", []string{"bench"}},
	{"fix-all, safe writes, diff; set-up actions", []string{"codeactions"}},
	{"the rule catalogue: one file per rule", []string{"diagnostics/rules"}},
	{"the code fixes insert; the rule docs renderer; the services of a workspace", []string{"snippets", "docs", "internal/workspace"}},
	{"the rule framework: Rule, Pass, Check, Diagnostic, Fix, suppression, severity", []string{"diagnostics"}},
	{"the workspace: scan, settings, files, facts, deploy files, metric index", []string{"internal/project"}},
	{"Python: parse (all cgo), summary, incremental document; deploy files: the start-up model", []string{"internal/python", "internal/deploy"}},
	{"spans, line index, positions", []string{"internal/source"}},
	{"leaves: the live check, batch GC settings, the fuzz budget, strict settings files and path patterns", []string{"verify", "internal/batchgc", "internal/batchprocs", "internal/fuzzbudget", "internal/layers", "internal/config"}},
}

// Layer is one level of the stack.
type Layer struct {
	Role     string
	Packages []string
}

// Rank returns the layer index of a package (0 is the top), or -1.
func Rank(pkg string) int {
	for i, l := range Layers {
		for _, p := range l.Packages {
			if p == pkg {
				return i
			}
		}
	}
	return -1
}

// TreeSitterHome is the only package that may import go-tree-sitter.
const TreeSitterHome = "internal/python"

// MaxLines is the size budget of a package's non-test Go source, in
// lines; the rule catalogue is exempt (it grows by one file per rule).
const MaxLines = 4000

// SizeExempt names the packages MaxLines does not bound.
var SizeExempt = map[string]bool{"diagnostics/rules": true}
