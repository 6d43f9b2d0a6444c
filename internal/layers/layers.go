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
	{"cmd/multiprom": "the command line: flags and wiring", "docs/gen": "writes docs/rules.md", "bench/mpbench": "the benchmark driver", "e2e": "end-to-end tests against real servers", "scripts/mkwheel": "builds the Python wheel that carries the binary"},
	{"lsp": "the language server: protocol handlers and session bookkeeping"},
	{"bench": "the benchmark corpus and its measurements"},
	{"codeactions": "fix-all, safe writes, diff; set-up actions"},
	{"diagnostics/rules": "the rule catalogue: one file per rule"},
	{"snippets": "the code fixes insert", "docs": "the rule docs", "internal/workspace": "a workspace: scan, prefilter, services", "internal/factkey": "the fingerprint of what per-file rules read besides their file"},
	{"diagnostics": "the rule framework: Rule, Pass, Check, Diagnostic, Fix, suppression, severity, shared and per-file answers"},
	{"internal/project": "the workspace model: scan, settings, files, facts, metric index"},
	{"internal/django": "Django: settings modules and app configs, read from parsed modules"},
	{"internal/python": "Python: parse (all cgo), summary, incremental document", "internal/deploy": "deploy files: the start-up model, read by real parsers", "internal/deps": "dependency files: the libraries a project pins"},
	{"internal/source": "spans, line index, positions"},
	{"verify": "the live check of a metrics endpoint", "internal/batchgc": "a batch run's GC settings", "internal/fuzzbudget": "the fuzz targets' time bound", "internal/layers": "this stack", "internal/testrepo": "test workspaces of several services", "internal/config": "the settings: their type, strict reading, path patterns", "internal/frameworks": "the web frameworks, their exporters and servers (gunicorn, uvicorn)", ".": "the release version, read from editors/vscode/package.json"},
}

// Layer is one level of the stack: its packages and what each is for.
type Layer map[string]string

// Rank returns the layer index of a package (0 is the top), or -1.
func Rank(pkg string) int {
	for i, l := range Layers {
		if _, ok := l[pkg]; ok {
			return i
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
