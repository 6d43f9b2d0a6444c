package codeactions

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// pickProject is a project with two Python files, a.py and b.py.
func pickProject(t testing.TB, extra int) *project.Project {
	files := []*project.File{
		{Path: "a.py", Kind: project.KindPython, Src: []byte("x = 1\ny = 2\n")},
		{Path: "b.py", Kind: project.KindPython, Src: []byte("x = 1\ny = 2\n")},
	}
	for i := 0; i < extra; i++ {
		files = append(files, &project.File{Path: fmt.Sprintf("m/f%05d.py", i), Kind: project.KindPython, Src: []byte("x = 1\n")})
	}
	return project.NewProject(context.Background(), "/w", files, config.Settings{})
}

func edit(path string, start, end int, text string) diagnostics.Edit {
	return diagnostics.Edit{Path: path, Span: source.Span{Start: start, End: end}, NewText: text}
}

func fixOf(edits []diagnostics.Edit, creates ...diagnostics.Create) *diagnostics.Diagnostic {
	return &diagnostics.Diagnostic{Fixes: []diagnostics.Fix{{Title: "fix", Edits: edits, Creates: creates}}}
}

func TestPickFixes(t *testing.T) {
	mod := diagnostics.Create{Path: "biz.py", Content: "COUNT = 1\n"}
	for _, tc := range []struct {
		name        string
		ds          []*diagnostics.Diagnostic
		wantEdits   []diagnostics.Edit
		wantCreates []diagnostics.Create
		wantN       int
	}{
		{"overlapping edits in one file: the first wins",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 0, 5, "x = 3")}), fixOf([]diagnostics.Edit{edit("a.py", 4, 5, "4")})},
			[]diagnostics.Edit{edit("a.py", 0, 5, "x = 3")}, nil, 1},
		{"the same spans in two files: both",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 0, 5, "x = 3")}), fixOf([]diagnostics.Edit{edit("b.py", 0, 5, "x = 3")})},
			[]diagnostics.Edit{edit("a.py", 0, 5, "x = 3"), edit("b.py", 0, 5, "x = 3")}, nil, 2},
		{"one edit shared by two findings: taken once, counted once",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 6, 6, "z = 0\n")}), fixOf([]diagnostics.Edit{edit("a.py", 6, 6, "z = 0\n")})},
			[]diagnostics.Edit{edit("a.py", 6, 6, "z = 0\n")}, nil, 1},
		{"a fix shared by findings, and an edit that conflicts with its second edit",
			[]*diagnostics.Diagnostic{
				fixOf([]diagnostics.Edit{edit("a.py", 0, 1, "v"), edit("a.py", 6, 7, "w")}),
				fixOf([]diagnostics.Edit{edit("a.py", 0, 1, "v"), edit("a.py", 6, 7, "w")}),
				fixOf([]diagnostics.Edit{edit("a.py", 7, 7, "u")}),
				fixOf([]diagnostics.Edit{edit("a.py", 6, 6, "t")}),
			},
			[]diagnostics.Edit{edit("a.py", 0, 1, "v"), edit("a.py", 6, 7, "w"), edit("a.py", 7, 7, "u")}, nil, 2},
		{"an insertion inside a taken edit, and an edit around a taken insertion: left",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 0, 5, "x = 3")}), fixOf([]diagnostics.Edit{edit("a.py", 2, 2, "v")}),
				fixOf([]diagnostics.Edit{edit("b.py", 3, 3, "v")}), fixOf([]diagnostics.Edit{edit("b.py", 0, 5, "x = 3")})},
			[]diagnostics.Edit{edit("a.py", 0, 5, "x = 3"), edit("b.py", 3, 3, "v")}, nil, 2},
		{"a fix whose own edits overlap: left whole, what it took given back",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 0, 5, "x = 3"), edit("a.py", 2, 3, "v")}), fixOf([]diagnostics.Edit{edit("a.py", 0, 1, "w")})},
			[]diagnostics.Edit{edit("a.py", 0, 1, "w")}, nil, 1},
		{"two insertions at one point: the first wins",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 6, 6, "z = 0\n")}), fixOf([]diagnostics.Edit{edit("a.py", 6, 6, "w = 0\n")})},
			[]diagnostics.Edit{edit("a.py", 6, 6, "z = 0\n")}, nil, 1},
		{"a fix with a conflicting edit is left whole",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("a.py", 0, 5, "x = 3")}), fixOf([]diagnostics.Edit{edit("b.py", 0, 5, "x = 3"), edit("a.py", 0, 1, "v")})},
			[]diagnostics.Edit{edit("a.py", 0, 5, "x = 3")}, nil, 1},
		{"an edit to a file outside the project: left",
			[]*diagnostics.Diagnostic{fixOf([]diagnostics.Edit{edit("c.py", 0, 1, "v")})},
			nil, nil, 0},
		{"the same creation twice: once",
			[]*diagnostics.Diagnostic{fixOf(nil, mod), fixOf(nil, mod)},
			nil, []diagnostics.Create{mod}, 1},
		{"another content for a path created: left; an existing file: left",
			[]*diagnostics.Diagnostic{fixOf(nil, mod), fixOf(nil, diagnostics.Create{Path: "biz.py", Content: "OTHER = 1\n"}), fixOf(nil, diagnostics.Create{Path: "a.py", Content: "x\n"})},
			nil, []diagnostics.Create{mod}, 1},
		{"unsafe fixes are not taken",
			[]*diagnostics.Diagnostic{{Fixes: []diagnostics.Fix{{Edits: []diagnostics.Edit{edit("a.py", 0, 1, "v")}, Unsafe: true}}}},
			nil, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edits, creates, n := pickFixes(pickProject(t, 0), tc.ds)
			if !reflect.DeepEqual(edits, tc.wantEdits) || !reflect.DeepEqual(creates, tc.wantCreates) || n != tc.wantN {
				t.Errorf("pickFixes = %v, %v, %d; want %v, %v, %d", edits, creates, n, tc.wantEdits, tc.wantCreates, tc.wantN)
			}
		})
	}
}

// takenEdits.conflicts looks at an edit's two neighbours only; on random
// edits it must answer as conflicts does over every edit taken.
func TestTakenEditsConflictsLikeAllPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		taken := newTakenEdits()
		var all []diagnostics.Edit
		for i := 0; i < 60; i++ {
			start := rng.IntN(100)
			e := edit("a.py", start, start+rng.IntN(3)*rng.IntN(6), fmt.Sprint(rng.IntN(3)))
			want := conflicts(e, all)
			if got := taken.conflicts(e); got != want {
				t.Fatalf("round %d: conflicts(%v) = %v, all pairs say %v (taken %v)", round, e, got, want, all)
			}
			if ok, novel := taken.add(e); ok != !want {
				t.Fatalf("add(%v) = %v, want %v", e, ok, !want)
			} else if novel {
				all = append(all, e)
			}
		}
		for len(all) > 0 { // give back in random order
			i := rng.IntN(len(all))
			taken.remove(all[i])
			all = append(all[:i], all[i+1:]...)
		}
		if n := taken.byPath["a.py"].Len(); n != 0 || len(taken.has) != 0 {
			t.Fatalf("round %d: %d edits left after giving all back", round, n)
		}
	}
}

// BenchmarkPickFixes picks one fix per finding, 1,000 and 10,000 of them,
// spread over as many files, all in one file, or all in one file in
// reverse position order (each fix edits above the one before): the time
// per fix should not grow with their number.
func BenchmarkPickFixes(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		p := pickProject(b, n)
		var spread, oneFile, reversed []*diagnostics.Diagnostic
		for i := 0; i < n; i++ {
			path := fmt.Sprintf("m/f%05d.py", i)
			spread = append(spread, fixOf([]diagnostics.Edit{edit(path, 0, 1, "y"), edit(path, 6, 6, "z = 0\n")}))
			oneFile = append(oneFile, fixOf([]diagnostics.Edit{edit("a.py", 10*i, 10*i+1, "y"), edit("a.py", 10*i+6, 10*i+6, "z")}))
		}
		for i := n - 1; i >= 0; i-- {
			reversed = append(reversed, oneFile[i])
		}
		for _, c := range []struct {
			name string
			ds   []*diagnostics.Diagnostic
		}{{"files", spread}, {"one-file", oneFile}, {"one-file-reversed", reversed}} {
			b.Run(fmt.Sprintf("%s=%d", c.name, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, _, got := pickFixes(p, c.ds); got != n {
						b.Fatalf("picked %d fixes, want %d", got, n)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/fix")
			})
		}
	}
}
