package python

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDirectFlattenInUse: the direct copy passed its start-up check, so
// the layouts flatsubtree.h declares are those of the pinned tree-sitter
// (when they are not, the cursor's copy is used and this test fails).
func TestDirectFlattenInUse(t *testing.T) {
	if !directFlatten() {
		t.Fatal("the direct subtree copy differs from the cursor's on the sample: flatsubtree.h does not match go-tree-sitter's layouts")
	}
}

// TestDirectFlattenMatchesNodeAPI holds the copy of every top-level
// statement (an edit copies those alone) to the node API, on every Python
// file of the repository and on hostile shapes; TestFlatTreeMatchesNodeAPI
// does the same for whole trees.
func TestDirectFlattenMatchesNodeAPI(t *testing.T) {
	sources := map[string]string{
		"empty":    "",
		"deep":     strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000) + "\n",
		"unclosed": strings.Repeat("(", 500) + "\n",
		"calls":    strings.Repeat("f(", 2000) + strings.Repeat(")", 2000) + "\n",
		"errors":   "def f(:\n  x = = 1\nclass\n)]}\n@\n",
		"splat":    "*0A(0,$0",
		"sample":   flattenSample,
	}
	_ = filepath.Walk("..", func(p string, info os.FileInfo, err error) error {
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
	for i, top := range topLevel(rootOf(tree)) {
		flat := flattenNode(top.node, src)
		msg := compareNodes(root.Child(i), flat.root(), src)
		flat.free()
		if msg != "" {
			return "top-level statement " + root.Child(i).Type() + ": " + msg
		}
	}
	return ""
}

// FuzzDirectFlatten: on any input, the copy of the tree and of each
// top-level statement agrees with the node API.
func FuzzDirectFlatten(f *testing.F) {
	f.Add(flattenSample)
	f.Add("match x:\n case [a, *b] as c if d: pass\n")
	f.Add("def f(a, /, b: int=1, *, c):\n  return (yield from g())\n")
	f.Add("x = [i async for i in y]  # c\nprint(f'{a=!r:{w}}')\n")
	f.Fuzz(func(t *testing.T, text string) {
		if msg := compareTopLevel(text); msg != "" {
			t.Fatalf("%q: %s", text, msg)
		}
	})
}
