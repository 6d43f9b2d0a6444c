package rules

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// Action cases live in testdata/actions/*.txtar: the comment names the rule
// ("rule: MP501") and the action by title prefix ("action: Keep"); each
// "<name>.after" section is the text of <name> after applying that action
// of the first finding offering it (created files too). They cover the
// alternatives that fix-all never applies (further actions, Unsafe fixes).
// -update rewrites the .after sections.
func TestActions(t *testing.T) { runArchives(t, "testdata/actions/*.txtar", runAction) }

// runArchives runs fn on each txtar archive matching pattern, as a subtest
// named after the archive; no archive at all is a failure.
func runArchives(t *testing.T, pattern string, fn func(t *testing.T, path string)) {
	archives, _ := filepath.Glob(pattern)
	if len(archives) == 0 {
		t.Fatalf("no archives match %s", pattern)
	}
	for _, path := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) { fn(t, path) })
	}
}

var (
	actionRuleRe  = regexp.MustCompile(`(?m)^rule:\s*(\S+)`)
	actionTitleRe = regexp.MustCompile(`(?m)^action:\s*(.+)$`)
	actionNoneRe  = regexp.MustCompile(`(?m)^no action$`)
)

func runAction(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rule := ByCode(string(actionRuleRe.FindSubmatch(ar.Comment)[1]))
	title := strings.TrimSpace(string(actionTitleRe.FindSubmatch(ar.Comment)[1]))
	var files []*project.File
	want := map[string]string{}
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".after"); ok {
			want[name] = string(f.Data)
			continue
		}
		files = append(files, &project.File{Path: f.Name, Kind: project.Classify(f.Name), Src: f.Data})
	}
	ctx := context.Background()
	proj := project.NewProject(ctx, "/actions/shop", files, project.Settings{})
	var fix *diagnostics.Fix
	for _, diag := range diagnostics.Check(proj, []*diagnostics.Rule{rule}, nil) {
		for i := range diag.Fixes {
			if strings.HasPrefix(diag.Fixes[i].Title, title) && fix == nil {
				fix = &diag.Fixes[i]
			}
		}
	}
	if actionNoneRe.Match(ar.Comment) {
		if fix != nil {
			t.Fatalf("action %q offered, want none", fix.Title)
		}
		return
	}
	if fix == nil {
		t.Fatalf("no finding offers an action titled %q", title)
	}
	got := map[string]string{}
	byPath := map[string][]diagnostics.Edit{}
	for _, e := range fix.Edits {
		byPath[e.Path] = append(byPath[e.Path], e)
	}
	for p, es := range byPath {
		out, err := codeactions.ApplyEdits(proj.File(p).Src, es)
		if err != nil {
			t.Fatalf("apply %s: %v", p, err)
		}
		got[p] = string(out)
	}
	for _, c := range fix.Creates {
		got[c.Path] = c.Content
	}
	if *update {
		rewriteSections(t, path, ar, ".after", got)
		return
	}
	for n, text := range got {
		if want[n] != text {
			t.Errorf("%s after %q:\n%s\nwant:\n%s", n, fix.Title, text, want[n])
		}
		if strings.HasSuffix(n, ".py") {
			pyCompile(t, n, []byte(text))
		}
	}
	for n := range want {
		if _, ok := got[n]; !ok {
			t.Errorf("%s.after present but the action leaves %s alone", n, n)
		}
	}
	// After the action the rule is quiet where it acted.
	var files2 []*project.File
	for _, f := range proj.Files {
		src := f.Src
		if s, ok := got[f.Path]; ok {
			src = []byte(s)
		}
		files2 = append(files2, &project.File{Path: f.Path, Kind: f.Kind, Src: src})
	}
	for _, c := range fix.Creates {
		files2 = append(files2, &project.File{Path: c.Path, Kind: project.Classify(c.Path), Src: []byte(c.Content)})
	}
	proj2 := project.NewProject(ctx, proj.Root, files2, project.Settings{})
	before := len(diagnostics.Check(proj, []*diagnostics.Rule{rule}, nil))
	after := len(diagnostics.Check(proj2, []*diagnostics.Rule{rule}, nil))
	if after >= before {
		t.Errorf("%s still reports %d finding(s) after the action (%d before)", rule.Code, after, before)
	}
}
