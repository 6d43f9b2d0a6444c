package rules

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// TestBusinessFixes pins MP501's findings and fixes, byte for byte, on the
// projects of testdata/mp501_fixes: each archive's want.golden is every
// finding with every edit and a digest of every created file (-update
// rewrites it). The fix shares project-wide work between findings (the
// wiring site, the imports by name); these projects exercise what that
// sharing could get wrong: several findings whose fixes wire the same
// module, importers in several files, a module that already exists or is
// already wired, names declared twice, nowhere to wire.
func TestBusinessFixes(t *testing.T) {
	runArchives(t, "testdata/mp501_fixes/*.txtar", runBusinessFixes)
}

func runBusinessFixes(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []*project.File
	want := ""
	for _, f := range ar.Files {
		if f.Name == "want.golden" {
			want = string(f.Data)
			continue
		}
		files = append(files, &project.File{Path: f.Name, Kind: project.Classify(f.Name), Src: f.Data})
	}
	p := project.NewProject(context.Background(), "/mp501/shop", files, project.Settings{})
	rules := []*diagnostics.Rule{BusinessCounterPerWorker}
	all := diagnostics.Check(p, rules, nil)
	got := renderBusinessFindings(all)
	if *update {
		rewriteSections(t, path, ar, ".golden", map[string]string{"want": got})
		return
	}
	if got != want {
		t.Errorf("findings changed:\n%s\nwant:\n%s", got, want)
	}
	// Checking one file only (the editor's re-check) reports exactly the
	// full check's findings in that file.
	for _, f := range p.PythonFiles() {
		var inFile []*diagnostics.Diagnostic
		for _, x := range all {
			if x.Path == f.Path {
				inFile = append(inFile, x)
			}
		}
		only := map[string]bool{f.Path: true}
		if got, want := renderBusinessFindings(diagnostics.Check(p, rules, only)), renderBusinessFindings(inFile); got != want {
			t.Errorf("check of %s only:\n%s\nwant:\n%s", f.Path, got, want)
		}
	}
}

// renderBusinessFindings writes findings and their fixes one item a line;
// created files are long generated modules, so they are named by length
// and digest.
func renderBusinessFindings(ds []*diagnostics.Diagnostic) string {
	var b strings.Builder
	for _, x := range ds {
		fmt.Fprintf(&b, "%s:%d-%d %s %s: %s\n", x.Path, x.Span.Start, x.Span.End, x.Rule.Code, x.Severity, x.Message)
		for _, fx := range x.Fixes {
			fmt.Fprintf(&b, "  fix %q unsafe=%v\n", fx.Title, fx.Unsafe)
			for _, e := range fx.Edits {
				fmt.Fprintf(&b, "    edit %s:%d-%d %q\n", e.Path, e.Span.Start, e.Span.End, e.NewText)
			}
			for _, c := range fx.Creates {
				fmt.Fprintf(&b, "    create %s len=%d sha256=%x\n", c.Path, len(c.Content), sha256.Sum256([]byte(c.Content)))
			}
		}
	}
	return b.String()
}
