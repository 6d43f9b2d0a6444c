package python

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
)

// TestFlatTreeMatchesNodeAPI checks the one-call flattening against
// go-tree-sitter's own Node API, node by node: type, span, flags, children
// and their fields. It guards the C struct layouts flattree.go declares.
func TestFlatTreeMatchesNodeAPI(t *testing.T) {
	sources := map[string]string{
		"empty":      "",
		"syntax":     "def f(:\n    pass\nx = (1,\nclass\n",
		"missing":    "x=0def f():\n",
		"unicode":    "s = '🙂日本'\nG = Gauge('a', 'b')  # c\n",
		"decorators": "@app.route('/x', methods=['GET'])\n@other\ndef v(a, b=1, *c, d, **e):\n    return f(a)(b).g[c]\n",
		"deep":       strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000) + "\n",
		"unclosed":   strings.Repeat("(", 500) + "\n",
		"strings":    "x = f\"{G.inc()}\" + 'a' + rb\"z\" + F'{y}' + '''q''' \"b\" \"c\"\ns = 'open\n",
	}
	_ = filepath.Walk("../..", func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") && !strings.Contains(p, "node_modules") && info.Size() < 200_000 {
			if b, err := os.ReadFile(p); err == nil {
				sources[p] = string(b)
			}
		}
		return nil
	})
	if len(sources) < 20 {
		t.Fatalf("only %d sources", len(sources))
	}
	for name, src := range sources {
		tree, err := ParsePython(context.Background(), nil, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		flat := flatten(tree, []byte(src))
		if msg := compareNodes(tree.RootNode(), flat.root(), []byte(src)); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
		flat.free()
		tree.Close()
	}
}

func compareNodes(a *sitter.Node, b *fnode, src []byte) string {
	type pair struct {
		a    *sitter.Node
		b    *fnode
		root bool
	}
	stack := []pair{{a, b, true}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, b := p.a, p.b
		if a.Type() != b.Type() || a.StartByte() != b.StartByte() || a.EndByte() != b.EndByte() ||
			a.IsNamed() != b.IsNamed() || a.IsMissing() != b.IsMissing() || a.IsError() != b.IsError() ||
			a.HasError() != b.HasError() {
			return "node " + a.Type() + " differs from " + b.Type()
		}
		// Plain string literals are copied as leaves; f-strings and strings
		// with errors keep their parts.
		if b.Type() == "string" && b.ChildCount() == 0 && a.ChildCount() > 0 {
			text := a.Content(src)
			// The prefix is what comes before the quote (a backtick: a
			// Python 2 repr, which tree-sitter takes for a string); the copy
			// reads its first four bytes (a real one has at most two).
			prefix := text[:strings.IndexAny(text+"'", "'\"`")]
			prefix = prefix[:min(len(prefix), 4)]
			if a.HasError() || strings.ContainsAny(prefix, "fFtT") {
				return "string " + a.Content(src) + " lost its parts"
			}
			continue
		}
		if a.NamedChildCount() != b.NamedChildCount() {
			return "node " + a.Type() + " has other named children than " + b.Type()
		}
		// Children through the node API: a cursor started at an aliased
		// node gives its alias to extra children too (an ERROR under a
		// list_splat read as list_splat). Fields through
		// the cursor: the node API's FieldNameForChild gives a comment the
		// field of the child after it.
		fields := wantsFields(a.Type())
		cur := sitter.NewTreeCursor(a)
		i, k := 0, 0
		for ok := cur.GoToFirstChild(); ok; ok = cur.GoToNextSibling() {
			c, field := a.Child(i), ""
			if fields {
				field = cur.CurrentFieldName()
			}
			i++
			// The copy leaves out anonymous leaves in no field, but commas,
			// missing tokens and its root's own children (see mp_dropped).
			if !p.root && !c.IsNamed() && !c.IsMissing() && c.ChildCount() == 0 && field == "" && c.Type() != "," {
				continue
			}
			if field != b.FieldNameForChild(k) {
				cur.Close()
				return "field of child " + c.Type() + " differs: " + field + " vs " + b.FieldNameForChild(k)
			}
			stack = append(stack, pair{c, b.Child(k), false})
			k++
		}
		cur.Close()
		if k != int(b.ChildCount()) {
			return "node " + a.Type() + " has other children than " + b.Type()
		}
		if !fields {
			continue
		}
		for _, f := range []string{"name", "body", "condition", "function", "arguments", "left", "right", "value", "module_name", "alias", "object", "attribute", "definition", "operator", "consequence", "parameters", "superclasses"} {
			x, y := a.ChildByFieldName(f), b.ChildByFieldName(f)
			if (x == nil) != (y == nil) || x != nil && (x.StartByte() != y.StartByte() || x.Type() != y.Type()) {
				return "ChildByFieldName(" + f + ") differs under " + a.Type()
			}
		}
	}
	return ""
}

// TestTopLevelFlattenMatchesNodeAPI holds the copy of each top-level
// statement (an edit copies those alone) to the node API, on every Python
// file of the repository and on hostile shapes.
func TestTopLevelFlattenMatchesNodeAPI(t *testing.T) {
	sources := map[string]string{
		"empty":    "",
		"deep":     strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000) + "\n",
		"unclosed": strings.Repeat("(", 500) + "\n",
		"calls":    strings.Repeat("f(", 2000) + strings.Repeat(")", 2000) + "\n",
		"errors":   "def f(:\n  x = = 1\nclass\n)]}\n@\n",
		"splat":    "*0A(0,$0",
		"sample":   flattenSample,
	}
	_ = filepath.Walk("../..", func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") && !strings.Contains(p, "node_modules") && info.Size() < 200_000 {
			if b, err := os.ReadFile(p); err == nil {
				sources[p] = string(b)
			}
		}
		return nil
	})
	for name, text := range sources {
		if msg := compareTopLevel(text); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
	}
}

// compareTopLevel parses text and compares the whole tree's copy and each
// top-level statement's with the node API.
func compareTopLevel(text string) string {
	src := []byte(text)
	tree, err := ParsePython(context.Background(), nil, src)
	if err != nil {
		return ""
	}
	defer tree.Close()
	flat := flatten(tree, src)
	msg := compareNodes(tree.RootNode(), flat.root(), src)
	flat.free()
	if msg != "" {
		return "whole tree: " + msg
	}
	root := tree.RootNode()
	tops := topLevel(rootOf(tree))
	if len(tops) != int(root.ChildCount()) {
		return "topLevel lists another number of children than the node API"
	}
	if len(tops) == 0 {
		return ""
	}
	// From a few starts, as an edit's first re-walked statement, to the end.
	for _, from := range []int{0, len(tops) / 2, len(tops) - 1} {
		cur := newTopCursor(rootOf(tree), from)
		for i := from; i < len(tops); i++ {
			flat := cur.flatten(src)
			msg := compareNodes(root.Child(i), flat.root(), src)
			flat.free()
			if msg != "" {
				cur.close()
				return "top-level statement " + root.Child(i).Type() + ": " + msg
			}
		}
		cur.close()
	}
	return ""
}

// flattenSample has what a copy must get right: aliased nodes (as_pattern,
// the match statement's), fields inherited through hidden nodes (the
// parameters and the operators), comments as extras, string literals with
// and without prefixes, an ERROR and a MISSING node.
const flattenSample = `"""doc"""
import os, sys as system
from .pkg import (a as b, c)  # comment
@app.route("/x", methods=["GET"])
def view(x: int = 1, *args, y=f"{z()}", **kw) -> str:
    with open(p) as fh, lock:
        pass
    return G.labels(endpoint="e").inc() if x else [i for i in range(3) if i % 2]
class C(Base, metaclass=M):
    v: int = 0
    async def m(self): await x
match cmd:
    case {"k": [1, *rest]} as whole if whole:
        print(rest, end='')
    case Point(x=0) | None:
        pass
try:
    raise E from e
except* (A, B) as err:
    del err
lambda q, *r: q
x = y = not a and b or c < d <= e is not f
s = rb'\x00' 'a' "b" F'{t!r:>{w}}'
def broken(:
    return
print(x
`

func wantsFields(typ string) bool {
	for _, p := range fieldParents {
		if p == typ {
			return true
		}
	}
	return false
}

// TestCallsInFStringsAreSummarised: plain string literals are copied as
// leaves, f-strings (and t-strings) keep their parts, so calls inside an
// interpolation are still seen.
func TestCallsInFStringsAreSummarised(t *testing.T) {
	src := []byte("x = f'{G.inc()}' 'plain(a)' F\"{H.dec()}\"\ny = 'not_a_call()'\n")
	tree, err := ParsePython(context.Background(), nil, src)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	var got []string
	for _, c := range SummarizeEdit(nil, tree, src).Calls {
		got = append(got, c.Func)
	}
	if strings.Join(got, ",") != "G.inc,H.dec" {
		t.Errorf("calls %v, want G.inc and H.dec", got)
	}
}
