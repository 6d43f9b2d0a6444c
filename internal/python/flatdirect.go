package python

import (
	"context"
	"sync"
)

// directFlatten reports whether flattenNode may read tree-sitter's subtrees
// directly (flatsubtree.h): the direct copy of a sample that exercises
// aliases, inherited fields, extras, errors and missing nodes must equal
// the cursor's copy, node for node. Otherwise (a go-tree-sitter whose
// internal layouts differ from those declared) the cursor is used: slower,
// and correct. TestDirectFlattenInUse fails the build's tests in that case.
var directFlatten = sync.OnceValue(func() bool {
	src := []byte(flattenSample)
	tree, err := ParsePython(context.Background(), nil, src)
	if err != nil {
		return false
	}
	defer tree.Close()
	return sameFlatCopies(rootOf(tree), src)
})

// flattenSample has what the direct copy must get right: aliased nodes
// (as_pattern, the match statement's), fields inherited through hidden
// nodes (the parameters and the operators), comments as extras, string
// literals with and without prefixes, an ERROR and a MISSING node.
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
