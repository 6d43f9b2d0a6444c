package rules_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// TestFixKindMatchesFindings holds each rule's Fix (the FIX column of
// `multiprom rules`) to what its findings in the rule cases carry: a rule
// without a fix never offers one as preferred, a safe rule's preferred
// fixes are safe and at least one case shows one, an unsafe rule's are
// unsafe and at least one case shows one.
func TestFixKindMatchesFindings(t *testing.T) {
	cases, err := filepath.Glob("testdata/MP*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]bool{} // code -> "safe"/"unsafe" -> seen
	for _, path := range cases {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var files []*project.File
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, ".fixed") {
				files = append(files, &project.File{Path: f.Name, Kind: project.Classify(f.Name), Src: f.Data})
			}
		}
		proj := project.NewProject(context.Background(), "/fixkind/"+filepath.Base(path), files, config.Settings{})
		for _, d := range diagnostics.Check(proj, rules.All, nil) {
			if len(d.Fixes) == 0 {
				continue
			}
			kind := "safe"
			if d.Fixes[0].Unsafe {
				kind = "unsafe"
			}
			if seen[d.Code()] == nil {
				seen[d.Code()] = map[string]bool{}
			}
			seen[d.Code()][kind] = true
		}
	}
	for _, r := range rules.All {
		s := seen[r.Code]
		switch r.Fix {
		case diagnostics.FixNone:
			if len(s) > 0 {
				t.Errorf("%s: Fix is none, but its findings carry fixes (%v)", r.Code, s)
			}
		case diagnostics.FixSafe:
			if !s["safe"] || s["unsafe"] {
				t.Errorf("%s: Fix is safe, but its findings' preferred fixes are %v", r.Code, s)
			}
		case diagnostics.FixUnsafe:
			if !s["unsafe"] || s["safe"] {
				t.Errorf("%s: Fix is unsafe, but its findings' preferred fixes are %v", r.Code, s)
			}
		}
	}
}
