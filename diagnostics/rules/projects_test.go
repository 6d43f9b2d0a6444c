package rules_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// TestProjects runs the whole catalogue over each realistic project in
// testdata/projects and compares the findings with its `expected` file
// ("path:line: CODE" per line, in path and position order). `go test -run TestProjects -update`
// rewrites the expected files; review the diff before committing. Projects
// whose name starts with "ok-" are correct set-ups and must stay clean.
func TestProjects(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/projects/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		n++
		dir := dir
		t.Run(filepath.Base(dir), func(t *testing.T) { checkProject(t, dir) })
	}
	if n < 12 {
		t.Errorf("only %d projects in testdata/projects; the corpus needs at least 12", n)
	}
}

func checkProject(t *testing.T, dir string) {
	ctx := context.Background()
	scan, err := workspace.Scan(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range scan.Problems {
		t.Errorf("scan problem: %s: %s", pr.Path, pr.Message)
	}
	proj := project.NewProject(ctx, scan.Root, scan.Files, config.Settings{})
	for _, pr := range proj.Problems {
		t.Errorf("problem: %s: %s", pr.Path, pr.Message)
	}
	var got []string
	for _, diag := range diagnostics.Check(proj, rules.All, nil) {
		f := proj.File(diag.Path)
		got = append(got, fmt.Sprintf("%s:%d: %s", diag.Path, f.Lines().Line(diag.Span.Start)+1, diag.Rule.Code))
	}
	// Check returns findings sorted by path, position and code.
	text := strings.Join(got, "\n")
	if text != "" {
		text += "\n"
	}
	expPath := filepath.Join(dir, "expected")
	if *update {
		if err := os.WriteFile(expPath, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(expPath)
	if err != nil {
		t.Fatalf("%v (run go test -run TestProjects -update)", err)
	}
	if strings.HasPrefix(filepath.Base(dir), "ok-") && text != "" {
		t.Errorf("correct set-up reports findings:\n%s", text)
	}
	if string(want) != text {
		t.Errorf("findings differ from %s\ngot:\n%s\nwant:\n%s", expPath, text, want)
	}
	checkProjectFixes(t, proj)
}

// checkProjectFixes: a correct project is left byte-for-byte alone by
// fix-all; any other project's fixed Python compiles, and a second fix-all
// changes nothing.
func checkProjectFixes(t *testing.T, proj *project.Project) {
	ctx := context.Background()
	res, err := codeactions.FixAll(ctx, proj, rules.All)
	if err != nil {
		t.Fatalf("fix all: %v", err)
	}
	if strings.HasPrefix(filepath.Base(proj.Root), "ok-") {
		if len(res.Changed)+len(res.Created) > 0 {
			t.Errorf("fix-all changed a correct project: %v %v", keysOf(res.Changed), keysOf(res.Created))
		}
		return
	}
	for _, f := range res.Final.PythonFiles() {
		if _, changed := res.Changed[f.Path]; changed {
			pyCompile(t, f.Path, f.Src)
		} else if _, created := res.Created[f.Path]; created {
			pyCompile(t, f.Path, f.Src)
		}
	}
	again, err := codeactions.FixAll(ctx, res.Final, rules.All)
	if err != nil {
		t.Fatalf("second fix all: %v", err)
	}
	if len(again.Changed)+len(again.Created) > 0 {
		t.Errorf("second fix-all changed files again: %v %v", keysOf(again.Changed), keysOf(again.Created))
	}
}
