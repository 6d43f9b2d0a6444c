package project

import (
	"slices"
	"strings"
	"testing"
)

// The per-project env set index answers as the scans over Facts.EnvSets it
// replaced: per-file sets in order, whether any set reaches the master, and
// whether a master value differs from a given one (empty values and values
// with "$" do not count, repeated values count once).
func TestEnvSetIndexMatchesScan(t *testing.T) {
	a, b := &File{Path: "a.py"}, &File{Path: "b.py"}
	master := func(v string) *EnvSet { return &EnvSet{Loc: Loc{File: b}, Value: v, ReachesMaster: true} }
	app := func(f *File, v string) *EnvSet { return &EnvSet{Loc: Loc{File: f}, Value: v, How: "app code"} }
	for _, c := range []struct {
		name string
		sets []*EnvSet
	}{
		{"none", nil},
		{"app code only", []*EnvSet{app(a, "/x"), app(b, "/y"), app(a, "/z")}},
		{"one master value", []*EnvSet{app(a, "/x"), master("/x")}},
		{"master value repeated", []*EnvSet{master("/x"), master("/x"), app(a, "/y")}},
		{"two master values", []*EnvSet{master("/x"), master("/x"), master("/y"), master("/z")}},
		{"empty and expanded master values", []*EnvSet{master(""), master("$DIR"), master("${D}/x"), app(a, "$DIR")}},
		{"expanded then literal", []*EnvSet{master("$DIR"), master("/x")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &Project{Facts: &Facts{EnvSets: c.sets}}
			for _, f := range []*File{a, b, {Path: "c.py"}} {
				var want []*EnvSet
				for _, e := range c.sets {
					if e.File == f {
						want = append(want, e)
					}
				}
				if got := p.EnvSetsIn(f); !slices.Equal(got, want) {
					t.Errorf("EnvSetsIn(%s) = %v, want %v", f.Path, got, want)
				}
			}
			if got, want := p.EnvVarReachesMaster(), p.Facts.EnvVarSet(); got != want {
				t.Errorf("EnvVarReachesMaster() = %v, want %v", got, want)
			}
			for _, v := range []string{"", "/x", "/y", "/z", "$DIR", "/other"} {
				want := false
				for _, o := range c.sets {
					if o.ReachesMaster && o.Value != "" && o.Value != v && !strings.Contains(o.Value, "$") {
						want = true
					}
				}
				if got := p.MasterValueDiffers(v); got != want {
					t.Errorf("MasterValueDiffers(%q) = %v, want %v", v, got, want)
				}
			}
		})
	}
}
