package rules

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/codeactions"
	d "github.com/multiprom/multiprom/diagnostics"
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
	var files []*d.File
	want := map[string]string{}
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".after"); ok {
			want[name] = string(f.Data)
			continue
		}
		files = append(files, &d.File{Path: f.Name, Kind: d.Classify(f.Name), Src: f.Data})
	}
	ctx := context.Background()
	proj := d.NewProject(ctx, "/actions/shop", files, d.Settings{})
	var fix *d.Fix
	for _, diag := range d.Check(proj, []*d.Rule{rule}, nil) {
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
	byPath := map[string][]d.Edit{}
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
	var files2 []*d.File
	for _, f := range proj.Files {
		src := f.Src
		if s, ok := got[f.Path]; ok {
			src = []byte(s)
		}
		files2 = append(files2, &d.File{Path: f.Path, Kind: f.Kind, Src: src})
	}
	for _, c := range fix.Creates {
		files2 = append(files2, &d.File{Path: c.Path, Kind: d.Classify(c.Path), Src: []byte(c.Content)})
	}
	proj2 := d.NewProject(ctx, proj.Root, files2, d.Settings{})
	before := len(d.Check(proj, []*d.Rule{rule}, nil))
	after := len(d.Check(proj2, []*d.Rule{rule}, nil))
	if after >= before {
		t.Errorf("%s still reports %d finding(s) after the action (%d before)", rule.Code, after, before)
	}
}
