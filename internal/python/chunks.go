package python

import (
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/multiprom/multiprom/internal/source"
	sitter "github.com/smacker/go-tree-sitter"
)

// A summary is built one top-level statement at a time. What one statement
// contributed is a chunk: how many items of each kind it added to the
// Module's slices, and the statement's own text. An edit re-walks only the statements it touched: the chunks
// before it are shared with the previous summary and the chunks after it
// are copied with their spans shifted (SummarizeEdit), so an edit's walk
// costs what the edited statements cost, not what the whole file does.

// The kinds of item a chunk counts, in the order of chunk.counts.
const (
	kCalls = iota
	kFuncs
	kClasses
	kImports
	kAssigns
	kVisitErrs
	kSynErrs
	nKinds
)

// chunk is one top-level child of the module: a statement, a comment or an
// error. It is small on purpose: an open document holds one per statement.
type chunk struct {
	start int32
	sym   uint16
	// reusable: no syntax error inside, and it starts a line, so the same
	// text elsewhere summarises the same way (indentation is read from the
	// line start).
	reusable  bool
	statement bool   // a named child that is not a comment (Module.Statements)
	text      string // the child's source; every Text in its items is a substring
	// counts are how many items of each kind the chunk added; its items
	// follow those of the chunks before it in the Module's slices.
	counts [nKinds]int32
}

func (c *chunk) span() source.Span {
	return source.Span{Start: int(c.start), End: int(c.start) + len(c.text)}
}

// offsets are the indexes, per kind, where a chunk's items start.
type offsets [nKinds]int32

func (o *offsets) advance(c *chunk) {
	for k := range o {
		o[k] += c.counts[k]
	}
}

// offsetsAt returns where the items of chunk i of m start.
func (m *Module) offsetsAt(i int) offsets {
	var o offsets
	for j := 0; j < i; j++ {
		o.advance(&m.chunks[j])
	}
	return o
}

// items returns the range [lo, hi) of kind k for a chunk at offsets o.
func (c *chunk) items(o *offsets, k int) (int, int) {
	return int(o[k]), int(o[k] + c.counts[k])
}

// summaryExtra is the part of a Module only SummarizeEdit reads.
type summaryExtra struct {
	chunks  []chunk
	chunked bool // a module without syntax errors: its chunks can be reused
	srcLen  int
	nVisit  int // Errors[:nVisit] were found by the walk, the rest by syntaxErrors
}

// aliasString is b as a string without a copy (see SummarizeEdit).
func aliasString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// SummarizeEdit builds the Module of tree, reusing the chunks of prev (the
// summary of an earlier version of the same file, or nil) whose text did
// not change. prev is not modified: a check may still be reading it.
//
// The Module's strings share src's memory (an open document's text is not
// held twice), so src must never be modified afterwards: every caller's
// source is a buffer replaced, not edited, on change.
func SummarizeEdit(prev *Module, tree *sitter.Tree, src []byte) *Module {
	return summarizeTree(prev, tree, src, false)
}

// summarizeAndClose is SummarizeEdit(nil, ...) for a tree that is not needed afterwards:
// it is closed as soon as it is copied, before the walk, so that its
// memory goes back to the allocator while in cache (the next parse on the
// same thread reuses it).
func summarizeAndClose(tree *sitter.Tree, src []byte) *Module {
	return summarizeTree(nil, tree, src, true)
}

func summarizeTree(prev *Module, tree *sitter.Tree, src []byte, closeTree bool) *Module {
	root := tree.RootNode()
	rootType := root.Type()
	rootErr := root.IsError() || root.IsMissing()
	rs := rootSummary{span: source.Span{Start: int(root.StartByte()), End: int(root.EndByte())}, hasErr: root.HasError(), isErr: rootErr}
	sc := getSummaryScratch()
	defer putSummaryScratch(sc)
	b := &builder{m: sc.newModule(), src: src, sc: sc, visitErrs: sc.visitErrs[:0], synErrs: sc.synErrs[:0],
		rightCall: sc.rightCall, contexts: sc.contexts}
	// Only a tree without any syntax error lends or borrows chunks: error
	// recovery can read a statement differently because of an error after
	// it ("A=A,A" before a stray "!0" is a pattern_list, an
	// expression_list without it; found by FuzzSummarizeEdit).
	b.m.chunked = rootType == "module" && !rootErr && !rs.hasErr
	b.m.srcLen = len(src)
	moduleRoot := rootType == "module"
	if prev == nil || !prev.chunked || !b.m.chunked {
		// Nothing to reuse: one flat copy of the whole tree.
		flat := flatten(tree, src)
		defer flat.free() // the Module holds no node: spans and strings only
		if closeTree {
			tree.Close()
		}
		flat.root().eachChild(func(c *fnode) { b.walk(c, moduleRoot, rootErr) })
		return b.done(prev, 0, rs)
	}
	if closeTree {
		defer tree.Close()
	}

	tops := topLevel(rootOf(tree))
	lo, hi := 0, 0 // tops[:lo] and tops[len(tops)-hi:] reuse prev's chunks
	delta := len(src) - prev.srcLen
	pc := prev.chunks
	for lo < len(tops) && lo < len(pc) && pc[lo].matches(&tops[lo], src, 0) {
		lo++
	}
	for hi < len(tops)-lo && hi < len(pc)-lo && pc[len(pc)-1-hi].matches(&tops[len(tops)-1-hi], src, delta) {
		hi++
	}
	var at offsets // of prev's chunk i
	for i := 0; i < lo; i++ {
		b.share(prev, &prev.chunks[i], &at)
		at.advance(&prev.chunks[i])
	}
	sharedCalls := len(b.m.Calls)
	if lo < len(tops)-hi {
		cur := newTopCursor(rootOf(tree), lo)
		for i := lo; i < len(tops)-hi; i++ {
			flat := cur.flatten(src)
			b.walk(flat.root(), moduleRoot, rootErr)
			flat.free()
		}
		cur.close()
	}
	if hi > 0 {
		first := len(prev.chunks) - hi
		at = prev.offsetsAt(first)
		for j := first; j < len(prev.chunks); j++ {
			b.copyShifted(prev, &prev.chunks[j], &at, delta)
			at.advance(&prev.chunks[j])
		}
	}
	return b.done(prev, sharedCalls, rs)
}

// done lays the Module out and resolves its callees; the first sharedCalls
// calls are prev's.
// rootSummary is what done reads of the tree's root.
type rootSummary struct {
	span          source.Span
	hasErr, isErr bool
}

func (b *builder) done(prev *Module, sharedCalls int, root rootSummary) *Module {
	m := b.finish(root.span, root.hasErr, root.isErr)

	// Qualified callees depend on the imports. Shared calls belong to prev too, so
	// when the imports changed they are replaced by copies before the new
	// resolution is written.
	// Compared only when calls are shared: a batch check never edits, so
	// it need not build a signature for every module.
	if prev != nil && sharedCalls > 0 && !sameImportSignature(m.Imports, prev.Imports) {
		remap := make(map[*Call]*Call, sharedCalls)
		for i := 0; i < sharedCalls; i++ {
			c := m.Calls[i].clone()
			remap[m.Calls[i]] = c
			m.Calls[i] = c
		}
		for i := 0; i < sharedCalls; i++ {
			if r := remap[m.Calls[i].Recv]; r != nil {
				m.Calls[i].Recv = r
			}
		}
		sharedCalls = 0
	}
	m.indexImports(sharedCalls, b.sc.resolved)
	return m
}

// matches reports whether top has the text of chunk c moved by delta
// bytes, so c's summary, shifted, is top's.
func (c *chunk) matches(top *topNode, src []byte, delta int) bool {
	return c.reusable && !top.hasError() && top.symbol == c.sym &&
		int(top.start) == int(c.start)+delta && int(top.end-top.start) == len(c.text) &&
		startsLine(src, int(top.start)) && string(src[top.start:top.end]) == c.text
}

func startsLine(src []byte, off int) bool { return off == 0 || src[off-1] == '\n' }

// sameImportSignature reports whether Module.Qualify reads the same of
// both import lists.
func sameImportSignature(a, b []*Import) bool { return importSignature(a) == importSignature(b) }

// importSignature is what Module.Qualify reads of the imports.
func importSignature(imports []*Import) string {
	var sb strings.Builder
	for _, im := range imports {
		sb.WriteString(im.Local())
		sb.WriteByte(0)
		sb.WriteString(im.Qualified())
		if im.Name == "" && im.Alias == "" {
			sb.WriteByte(1)
		}
		sb.WriteByte(0)
	}
	return sb.String()
}

// builder assembles a Module chunk by chunk.
type builder struct {
	m         *Module
	src       []byte
	visitErrs []source.Span
	synErrs   []source.Span
	rightCall map[source.Span]string
	contexts  map[ctxKey]*CallContext // shared by the walks: module-level calls share one
	sc        *summaryScratch         // where the lists grow (finish detaches them)
}

// lengths are the lengths of the builder's slices, per kind.
func (b *builder) lengths() offsets {
	m := b.m
	return offsets{int32(len(m.Calls)), int32(len(m.Funcs)), int32(len(m.Classes)), int32(len(m.Imports)),
		int32(len(m.Assigns)), int32(len(b.visitErrs)), int32(len(b.synErrs))}
}

// close records the chunk of everything appended since from.
func (b *builder) close(c chunk, from offsets) {
	to := b.lengths()
	for k := range c.counts {
		c.counts[k] = to[k] - from[k]
	}
	b.m.chunks = append(b.m.chunks, c)
}

// walk summarises n, a top-level child, from a flat copy of the tree (of
// the whole tree, or of n alone).
func (b *builder) walk(n *fnode, moduleRoot, rootErr bool) {
	from := b.lengths()
	sp := span(n)
	c := chunk{start: int32(sp.Start), text: aliasString(b.src[sp.Start:sp.End]), sym: n.symbol,
		reusable:  moduleRoot && !n.HasError() && !n.IsError() && !n.IsMissing() && startsLine(b.src, sp.Start),
		statement: n.IsNamed() && n.symbol != commentSymbol()}
	w := &b.sc.walker
	*w = walker{src: b.src, str: c.text, base: sp.Start, m: b.m, rightCall: b.rightCall, contexts: b.contexts}
	if n.IsNamed() || n.IsMissing() {
		w.visit(n, scope{topLevel: moduleRoot})
	}
	// The walk appends its errors (empty blocks, lone commas) to m.Errors;
	// keep them apart from syntaxErrors' until finish.
	b.visitErrs = append(b.visitErrs, b.m.Errors...)
	b.m.Errors = b.m.Errors[:0]
	if !rootErr {
		b.synErrs = syntaxErrors(n, b.synErrs)
	}
	b.close(c, from)
}

// share appends prev's chunk c, whose items start at o, as it is: same
// spans, same objects.
func (b *builder) share(prev *Module, c *chunk, o *offsets) {
	from := b.lengths()
	m := b.m
	m.Calls = append(m.Calls, sub(prev.Calls, c, o, kCalls)...)
	m.Funcs = append(m.Funcs, sub(prev.Funcs, c, o, kFuncs)...)
	m.Classes = append(m.Classes, sub(prev.Classes, c, o, kClasses)...)
	m.Imports = append(m.Imports, sub(prev.Imports, c, o, kImports)...)
	m.Assigns = append(m.Assigns, sub(prev.Assigns, c, o, kAssigns)...)
	b.visitErrs = append(b.visitErrs, sub(prev.Errors, c, o, kVisitErrs)...)
	b.synErrs = append(b.synErrs, sub(prev.synErrs(), c, o, kSynErrs)...)
	b.close(*c, from)
}

// sub returns the items of kind k of chunk c (at offsets o) in s.
func sub[T any](s []T, c *chunk, o *offsets, k int) []T {
	lo, hi := c.items(o, k)
	return s[lo:hi]
}

// synErrs are the errors syntaxErrors found, after the walk's.
func (m *Module) synErrs() []source.Span { return m.Errors[m.nVisit:] }

// copyShifted appends copies of prev's chunk c with every span moved by
// delta bytes. Pointers between its items (a call's scope and receiver, a
// function's parent) are redirected to the copies.
func (b *builder) copyShifted(prev *Module, c *chunk, o *offsets, delta int) {
	from := b.lengths()
	m := b.m
	sh := func(s source.Span) source.Span { return source.Span{Start: s.Start + delta, End: s.End + delta} }
	funcs := make(map[*FuncDef]*FuncDef, c.counts[kFuncs])
	fn := func(f *FuncDef) *FuncDef {
		if f == nil {
			return nil
		}
		if g := funcs[f]; g != nil {
			return g
		}
		return f // outside the chunk: cannot happen for a top-level statement
	}
	for _, f := range sub(prev.Funcs, c, o, kFuncs) {
		g := *f
		g.Span, g.name, g.params, g.body = sh(f.Span), pack(sh(f.DefNameSpan())), pack(sh(f.ParamListSpan())), pack(sh(f.BodyBlockSpan()))
		g.Decorators = shiftExprs(f.Decorators, delta)
		funcs[f] = &g
		m.Funcs = append(m.Funcs, &g)
	}
	for _, g := range m.Funcs[from[kFuncs]:] {
		g.Parent = fn(g.Parent)
	}
	for _, cl := range sub(prev.Classes, c, o, kClasses) {
		d := *cl
		d.Span = sh(cl.Span)
		m.Classes = append(m.Classes, &d)
	}
	for _, im := range sub(prev.Imports, c, o, kImports) {
		j := *im
		j.Span, j.Scope = sh(im.Span), fn(im.Scope)
		m.Imports = append(m.Imports, &j)
	}
	calls := make(map[*Call]*Call, c.counts[kCalls])
	ctxs := map[*CallContext]*CallContext{}
	for _, call := range sub(prev.Calls, c, o, kCalls) {
		d := call.clone()
		d.callee, d.args, d.stmt = pack(sh(call.CalleeSpan())), pack(sh(call.ArgListSpan())), pack(sh(call.StatementSpan()))
		d.setSpan(sh(call.Span()))
		d.CallContext = ctxs[call.CallContext]
		if d.CallContext == nil {
			d.CallContext = &CallContext{Scope: fn(call.Scope), Class: call.Class, Conds: call.Conds}
			ctxs[call.CallContext] = d.CallContext
		}
		if call.argv != nil {
			args := make([]*Arg, len(*call.argv))
			for i, a := range *call.argv {
				args[i] = &Arg{Name: a.Name, span: pack(sh(a.Span())), Value: shiftExpr(a.Value, delta)}
			}
			d.argv = &args
		}
		calls[call] = d
		m.Calls = append(m.Calls, d)
	}
	for _, d := range m.Calls[from[kCalls]:] {
		if r := calls[d.Recv]; r != nil {
			d.Recv = r
		}
	}
	for _, a := range sub(prev.Assigns, c, o, kAssigns) {
		d := *a
		d.Span, d.Scope, d.Value = sh(a.Span), fn(a.Scope), shiftExpr(a.Value, delta)
		m.Assigns = append(m.Assigns, &d)
	}
	for _, e := range sub(prev.Errors, c, o, kVisitErrs) {
		b.visitErrs = append(b.visitErrs, sh(e))
	}
	for _, e := range sub(prev.synErrs(), c, o, kSynErrs) {
		b.synErrs = append(b.synErrs, sh(e))
	}
	moved := *c
	moved.start += int32(delta)
	b.close(moved, from)
}

func shiftExpr(e *Expr, delta int) *Expr {
	if e == nil {
		return nil
	}
	d := *e
	d.span = span32{e.span.start + int32(delta), e.span.end + int32(delta)}
	if e.elems != nil {
		elems := shiftExprs(*e.elems, delta)
		d.elems = &elems
	}
	return &d
}

func shiftExprs(es []*Expr, delta int) []*Expr {
	if es == nil {
		return nil
	}
	out := make([]*Expr, len(es))
	for i, e := range es {
		out[i] = shiftExpr(e, delta)
	}
	return out
}

// finish lays out Errors and Statements. rootSpan is blamed when the tree
// has an error no child walk reaches (a MISSING newline between two
// statements) or when the root itself is an error.
func (b *builder) finish(rootSpan source.Span, rootHasError, rootErr bool) *Module {
	m := b.m
	m.nVisit = len(b.visitErrs)
	m.Errors = slices.Concat(b.visitErrs, b.synErrs) // nil when both are empty
	if rootErr || rootHasError && len(b.synErrs) == 0 {
		m.Errors = append(m.Errors, rootSpan)
	}
	b.sc.visitErrs, b.sc.synErrs = b.visitErrs, b.synErrs
	for i := range m.chunks {
		if m.chunks[i].statement {
			m.Statements = append(m.Statements, m.chunks[i].span())
		}
	}
	// The lists grew in the scratch; the Module gets exact-size copies (an
	// open document keeps its summary for as long as it is open).
	b.sc.keep(m)
	m.Calls, m.Funcs, m.Classes = detach(m.Calls), detach(m.Funcs), detach(m.Classes)
	m.Imports, m.Assigns = detach(m.Imports), detach(m.Assigns)
	m.Statements, m.chunks = detach(m.Statements), detach(m.chunks)
	return m
}

// commentSymbol is the grammar's symbol for comments.
var commentSymbol = sync.OnceValue(func() uint16 {
	for i, name := range pythonNames().symbols {
		if name == "comment" {
			return uint16(i)
		}
	}
	return errorSymbol
})
