package python

import (
	"strings"
	"testing"
)

func TestBind(t *testing.T) {
	m := summarize(t, `def f(cls, name, doc, labels=None, *, unit="", **kw):
    pass

f(G, "a", "b")
f(G, "a", doc="b", unit="s", buckets=[1])
f(G, "a", "b", ["l"], "extra")
f(G, *args)
f(G, "a", name="again")
`)
	var fn *FuncDef
	for _, d := range m.Funcs {
		fn = d
	}
	var calls []*Call
	for _, c := range m.Calls {
		if c.Func == "f" {
			calls = append(calls, c)
		}
	}
	cases := []struct {
		named, rest string
		ok          bool
	}{
		{"cls=G name=\"a\" doc=\"b\"", "", true},
		{"cls=G name=\"a\" doc=\"b\" unit=\"s\"", "buckets", true},
		{"", "", false}, // a fifth positional: only *args could take it
		{"", "", false}, // *args unpacked
		{"", "", false}, // name bound twice
	}
	for i, want := range cases {
		named, rest, ok := fn.Bind(calls[i])
		if ok != want.ok {
			t.Fatalf("call %d: ok %v, want %v", i, ok, want.ok)
		}
		if !ok {
			continue
		}
		var got []string
		for _, p := range fn.Params {
			if a := named[p.Name]; a != nil {
				got = append(got, p.Name+"="+a.Value.Text)
			}
		}
		var extra []string
		for _, a := range rest {
			extra = append(extra, a.Name)
		}
		if strings.Join(got, " ") != want.named || strings.Join(extra, " ") != want.rest {
			t.Errorf("call %d: named %q rest %q, want %q %q", i, got, extra, want.named, want.rest)
		}
	}
	if !fn.HasParam("kw", "**") || fn.HasParam("kw", "") || !fn.HasParam("unit", "") {
		t.Error("HasParam")
	}
}
