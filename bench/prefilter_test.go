package bench

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// TestPrefilterNeverChangesFindings proves the scan prefilter safe: every
// rule runs over each project with every Python file parsed and with the
// prefilter on, and the findings (with their fixes), the project facts and
// the problems must be identical. Projects: testdata/, every golden and
// script archive, and a generated corpus with the prefilter's hard cases.
func TestPrefilterNeverChangesFindings(t *testing.T) {
	var roots []string
	for _, glob := range []string{"../testdata/*", "../testdata/*/*"} {
		dirs, _ := filepath.Glob(glob)
		for _, dir := range dirs {
			if st, err := os.Stat(dir); err == nil && st.IsDir() && hasPython(dir) {
				roots = append(roots, dir)
			}
		}
	}
	archives, _ := filepath.Glob("../diagnostics/rules/testdata/*/*.txtar")
	scripts, _ := filepath.Glob("../cmd/multiprom/testdata/script/*.txtar")
	for _, a := range append(archives, scripts...) {
		roots = append(roots, extract(t, a))
	}
	gen := t.TempDir()
	if _, err := Generate(gen, Corpus{Modules: 30, Noise: true}); err != nil {
		t.Fatal(err)
	}
	roots = append(roots, gen)
	for _, s := range Shapes { // the project shapes of mpbench, small
		dir := filepath.Join(t.TempDir(), s.Name)
		if err := GenerateShape(dir, s, 12); err != nil {
			t.Fatal(err)
		}
		roots = append(roots, dir)
	}
	if len(roots) < 10 {
		t.Fatalf("found only %d projects to compare", len(roots))
	}
	skippedSomewhere := false
	for _, root := range roots {
		all := run(t, root, workspace.ScanOptions{ParseAll: true})
		filtered := run(t, root, workspace.ScanOptions{})
		if all.findings != filtered.findings {
			t.Errorf("%s: findings differ with the prefilter\nall:\n%s\nprefiltered:\n%s", root, all.findings, filtered.findings)
		}
		if all.facts != filtered.facts {
			t.Errorf("%s: project facts differ with the prefilter", root)
		}
		if all.problems != filtered.problems {
			t.Errorf("%s: problems differ: %s vs %s", root, all.problems, filtered.problems)
		}
		if filtered.unparsed > 0 {
			skippedSomewhere = true
		}
	}
	if !skippedSomewhere {
		t.Error("the prefilter skipped no file anywhere: the comparison proves nothing")
	}
}

// TestPrefilterKeepsHardCases names the generated files that must be parsed.
func TestPrefilterKeepsHardCases(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Corpus{Modules: 3, Noise: true}); err != nil {
		t.Fatal(err)
	}
	res, err := workspace.Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"app/wsgi_chain.py", "app/tasks/cleanup.py", "app/tasks/__init__.py", "app/tasks/use_q.py",
		"deploy/settings_like.py", "deploy/odd_indent.py", "deploy/hooks_only.py", "app/gate.py", "scripts/job.py"} {
		if res.Unparsed[must] {
			t.Errorf("%s was left unparsed", must)
		}
	}
	for _, skip := range []string{"app/util/strings.py", "app/util/timeouts.py", "lib/plain000.py"} {
		if !res.Unparsed[skip] {
			t.Errorf("%s was parsed; the prefilter should skip it", skip)
		}
	}
}

type outcome struct {
	findings, facts, problems string
	unparsed                  int
}

func run(t *testing.T, root string, opts workspace.ScanOptions) outcome {
	t.Helper()
	ctx := context.Background()
	res, err := workspace.ScanWith(ctx, root, opts)
	if err != nil {
		t.Fatalf("scan %s: %v", root, err)
	}
	p := project.NewProject(ctx, res.Root, res.Files, config.Settings{})
	var lines []string
	for _, diag := range diagnostics.Check(p, rules.All, nil) {
		fixes, _ := json.Marshal(diag.Fixes)
		lines = append(lines, strings.Join([]string{diag.Path, jsonString(diag.Span), diag.Rule.Code, diag.Severity.String(), diag.Message, string(fixes)}, " "))
	}
	facts, err := json.Marshal(p.Facts)
	if err != nil {
		t.Fatalf("facts of %s: %v", root, err)
	}
	var probs []string
	for _, pr := range append(res.Problems, p.Problems...) {
		probs = append(probs, pr.Path+": "+pr.Message)
	}
	return outcome{strings.Join(lines, "\n"), string(facts), strings.Join(probs, "\n"), len(res.Unparsed)}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func hasPython(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// extract writes an archive's files into a temp dir.
func extract(t *testing.T, archive string) string {
	t.Helper()
	ar, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if strings.HasSuffix(f.Name, ".fixed") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWorkerCountDoesNotChangeTheOutcome scans the same trees with one
// worker, the default, and more workers than Ps (ScanOptions.Workers, as
// `multiprom check` sets it): findings, fixes, facts and problems must be
// the same.
func TestWorkerCountDoesNotChangeTheOutcome(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Corpus{Modules: 40, Noise: true}); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{dir, "../testdata/demo"} {
		want := run(t, root, workspace.ScanOptions{})
		if want.findings == "" {
			t.Fatalf("%s: no findings: the comparison proves nothing", root)
		}
		for _, workers := range []int{1, 3, 17} {
			if got := run(t, root, workspace.ScanOptions{Workers: workers}); got != want {
				t.Errorf("%s with %d workers: outcome differs from the default scan", root, workers)
			}
		}
	}
}
