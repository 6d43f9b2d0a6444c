package diagnostics

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// parsedProject is a project of Python files given by path and source.
func parsedProject(t *testing.T, sources map[string]string) *project.Project {
	t.Helper()
	var files []*project.File
	for path, src := range sources {
		f := &project.File{Path: path, Kind: project.KindPython, Src: []byte(src)}
		if err := f.Parse(context.Background()); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return project.NewProject(context.Background(), "/p", files, config.Settings{})
}

// The rules of a file share one pass: a rule that panics loses the
// findings it made, the rules before and after it keep theirs, and the
// panic becomes a problem.
func TestCheckDropsOnlyAPanickingRulesFindings(t *testing.T) {
	p := parsedProject(t, map[string]string{"app.py": "x = 1\ny = 2\n"})
	report := func(code string, panics bool) *Rule {
		return &Rule{Code: code, Run: func(pass *Pass) {
			pass.Report(source.Span{Start: 0, End: 1}, "%s first", code)
			pass.Report(source.Span{Start: 6, End: 7}, "%s second", code)
			if panics {
				panic("bad rule")
			}
		}}
	}
	ds := Check(p, []*Rule{report("MP901", false), report("MP902", true), report("MP903", false)}, nil)
	var got []string
	for _, d := range ds {
		got = append(got, d.Message)
	}
	want := []string{"MP901 first", "MP903 first", "MP901 second", "MP903 second"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if len(p.Problems) != 1 || !strings.Contains(p.Problems[0].Message, "internal error in rule MP902: bad rule") {
		t.Errorf("problems %v, want the panic of MP902", p.Problems)
	}
}

// keep returns the fixes themselves when it keeps all of them unchanged,
// and otherwise a new slice, never writing to the one it was given.
func TestFixFilterKeep(t *testing.T) {
	p := parsedProject(t, map[string]string{"ok.py": "x = 1\n", "broken.py": "def (\n"})
	edit := func(path, text string) Edit {
		return Edit{Path: path, Span: source.Span{Start: 0, End: 1}, NewText: text}
	}
	sound := Fix{Title: "sound", Edits: []Edit{edit("ok.py", "y")}}
	unsound := Fix{Title: "unsound", Edits: []Edit{edit("broken.py", "y")}}
	noop := Fix{Title: "part no-op", Edits: []Edit{edit("ok.py", "x"), edit("ok.py", "z")}}
	creates := Fix{Title: "creates", Creates: []Create{{Path: "new.py", Content: "x\n"}}}
	for _, tc := range []struct {
		name   string
		fixes  []Fix
		titles []string
		same   bool // the slice given is returned
	}{
		{"all kept", []Fix{sound, creates}, []string{"sound", "creates"}, true},
		{"first dropped", []Fix{unsound, sound}, []string{"sound"}, false},
		{"last dropped", []Fix{sound, creates, unsound}, []string{"sound", "creates"}, false},
		{"all dropped", []Fix{unsound}, nil, false},
		{"a no-op edit cut", []Fix{sound, noop}, []string{"sound", "part no-op"}, false},
		{"none", nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			given := slices.Clone(tc.fixes)
			before := slices.Clone(given)
			out := newFixFilter(p).keep(given)
			var titles []string
			for _, fx := range out {
				titles = append(titles, fx.Title)
			}
			if !slices.Equal(titles, tc.titles) {
				t.Errorf("kept %q, want %q", titles, tc.titles)
			}
			if same := len(out) > 0 && &out[0] == &given[0]; same != tc.same {
				t.Errorf("returned the given slice: %v, want %v", same, tc.same)
			}
			for i := range given {
				if given[i].Title != before[i].Title || len(given[i].Edits) != len(before[i].Edits) {
					t.Errorf("fix %d of the given slice was changed", i)
				}
			}
			if tc.name == "a no-op edit cut" && len(out[1].Edits) != 1 {
				t.Errorf("no-op edit kept: %v", out[1].Edits)
			}
		})
	}
}
