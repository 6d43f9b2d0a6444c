package python

// objects hands out a chunk's calls, arguments and expressions from a few
// arrays sized before its walk, instead of one allocation each: those were
// three quarters of a summary's allocations, and allocating and collecting
// them a fifth of a corpus check's time beyond the parse (bench/RESULTS.md).
//
// The arrays belong to one chunk (one top-level statement), as its summary
// does, so an edit that re-walks a chunk drops its arrays with it. When an
// estimate falls short, the rest are allocated one by one.
type objects struct {
	calls     []Call
	args      []Arg
	exprs     []Expr
	argLists  [][]*Arg  // the Call.argv headers
	argPtrs   []*Arg    // their backing arrays, cut to each call's size
	elemLists [][]*Expr // the Expr.elems headers
	elemPtrs  []*Expr   // their backing arrays
}

// What sizeFor counts a node as, by symbol (sizeKinds).
const (
	sizeOther uint8 = iota
	sizeCall
	sizeArgumentList
	sizeSequence // list, tuple or set: its elements, when it is an argument
	sizeOneExpr  // assignment or decorator: one expression
)

// sizeKinds maps each grammar symbol to what sizeFor counts it as: a table
// read instead of comparing each node's symbol with eight variables.
var sizeKinds, keywordArgumentSym = func() ([]uint8, uint16) {
	kinds := make([]uint8, len(pyNames.symbols)+1)
	var kw uint16 = errorSymbol
	for i, n := range pyNames.symbols {
		if wantFields()[i]&2 == 0 {
			continue // anonymous tokens share names with rules ("list" is both)
		}
		switch n {
		case "call":
			kinds[i] = sizeCall
		case "argument_list":
			kinds[i] = sizeArgumentList
		case "list", "tuple", "set":
			kinds[i] = sizeSequence
		case "assignment", "decorator":
			kinds[i] = sizeOneExpr
		case "keyword_argument":
			kw = uint16(i)
		}
	}
	return kinds, kw
}()

// sizeKindOf is sizeKinds[sym], sizeOther for ERROR.
func sizeKindOf(sym uint16) uint8 {
	if int(sym) < len(sizeKinds) {
		return sizeKinds[sym]
	}
	return sizeOther
}

// sizeFor counts what the walk of n's subtree will allocate: a call per
// call node, an argument and an expression per argument, an expression per
// element of a list, tuple or set given as an argument, and per assignment
// and decorator. Nodes are in document order with every subtree contiguous,
// so the subtree is the nodes after n whose parent is n or after it.
func (o *objects) sizeFor(n *fnode) {
	var calls, args, exprs, lists, elemLists, elems int
	total := int32(n.block().n)
	for i := n.self; i < total; i++ {
		c := n.nodeAt(i)
		if i > n.self && c.parent < n.self {
			break
		}
		switch sizeKindOf(c.symbol) {
		case sizeCall:
			calls++
		case sizeArgumentList:
			args += int(c.namedCount)
			if c.namedCount > 0 {
				lists++ // an empty list keeps no header (Call.argv stays nil)
			}
		case sizeSequence:
			if p := c.Parent(); p != nil && (sizeKindOf(p.symbol) == sizeArgumentList || p.symbol == keywordArgumentSym) {
				exprs += int(c.namedCount)
				elemLists++
				elems += int(c.namedCount)
			}
		case sizeOneExpr:
			exprs++
		}
	}
	o.calls = make([]Call, calls)
	o.args = make([]Arg, args)
	o.exprs = make([]Expr, args+exprs)
	o.argLists = make([][]*Arg, lists)
	o.argPtrs = make([]*Arg, args)
	o.elemLists = make([][]*Expr, elemLists)
	o.elemPtrs = make([]*Expr, elems)
}

func (o *objects) call() *Call { return take(&o.calls) }
func (o *objects) arg() *Arg   { return take(&o.args) }
func (o *objects) expr() *Expr { return take(&o.exprs) }

// take hands out the first element of free, or a new one when it is empty.
func take[T any](free *[]T) *T {
	if len(*free) == 0 {
		return new(T)
	}
	x := &(*free)[0]
	*free = (*free)[1:]
	return x
}

// argList returns an empty argument list with room for n arguments.
func (o *objects) argList(n int) *[]*Arg { return takeList(&o.argLists, &o.argPtrs, n) }

// elemList returns an empty element list with room for n elements.
func (o *objects) elemList(n int) *[]*Expr { return takeList(&o.elemLists, &o.elemPtrs, n) }

// takeList takes a list header from headers and room for n pointers from
// ptrs, or allocates what they lack.
func takeList[T any](headers *[][]*T, ptrs *[]*T, n int) *[]*T {
	l := take(headers)
	if n <= len(*ptrs) {
		*l = (*ptrs)[:0:n]
		*ptrs = (*ptrs)[n:]
	} else {
		*l = make([]*T, 0, n)
	}
	return l
}
