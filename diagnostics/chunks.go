package diagnostics

import (
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
)

// A summary is built one top-level statement at a time. What one statement
// contributed is a chunk: ranges of the Module's slices and the statement's
// own text. An edit re-walks only the statements it touched: the chunks
// before it are shared with the previous summary and the chunks after it
// are copied with their spans shifted (SummarizeEdit). Walking the whole
// tree again was most of an edit's cost in a large file (bench/RESULTS.md).

// rng is a half-open range of indexes into one of the Module's slices.
type rng struct{ lo, hi int32 }

func (r rng) n() int { return int(r.hi - r.lo) }

// chunk is one top-level child of the module: a statement, a comment or an
// error.
type chunk struct {
	span Span
	text string // the child's source; every Text in its items is a substring
	sym  uint16
	// reusable: no syntax error inside, and it starts a line, so the same
	// text elsewhere summarises the same way (indentation is read from the
	// line start).
	reusable  bool
	statement bool // a named child that is not a comment (Module.Statements)

	calls, funcs, classes, imports, assigns, comments rng
	visitErrs, synErrs                                rng
}

// summaryExtra is the part of a Module only SummarizeEdit reads.
type summaryExtra struct {
	chunks    []chunk
	chunked   bool // the root is a clean module: its chunks can be reused
	srcLen    int
	nVisit    int    // Errors[:nVisit] were found by the walk, the rest by syntaxErrors
	importSig string // the import bindings Call.qual was resolved with
}

// Summarize walks a parsed Python tree and builds its Module.
func Summarize(tree *sitter.Tree, src []byte) *Module { return SummarizeEdit(nil, tree, src) }

// SummarizeEdit builds the Module of tree, reusing the chunks of prev (the
// summary of an earlier version of the same file, or nil) whose text did
// not change. prev is not modified: a check may still be reading it.
func SummarizeEdit(prev *Module, tree *sitter.Tree, src []byte) *Module {
	root := tree.RootNode()
	rootType := root.Type()
	rootErr := root.IsError() || root.IsMissing()
	tops := topLevel(rootOf(tree))
	b := &builder{m: &Module{}, src: src}
	b.m.chunked = rootType == "module" && !rootErr
	b.m.srcLen = len(src)

	lo, hi := 0, 0 // tops[:lo] and tops[len(tops)-hi:] reuse prev's chunks
	if prev != nil && prev.chunked && b.m.chunked {
		delta := len(src) - prev.srcLen
		pc := prev.chunks
		for lo < len(tops) && lo < len(pc) && pc[lo].matches(&tops[lo], src, 0) {
			lo++
		}
		for hi < len(tops)-lo && hi < len(pc)-lo && pc[len(pc)-1-hi].matches(&tops[len(tops)-1-hi], src, delta) {
			hi++
		}
	}
	for i := 0; i < lo; i++ {
		b.share(prev, &prev.chunks[i])
	}
	sharedCalls := len(b.m.Calls)
	for i := lo; i < len(tops); i++ {
		if i >= len(tops)-hi {
			b.copyShifted(prev, &prev.chunks[len(prev.chunks)-(len(tops)-i)], len(src)-prev.srcLen)
			continue
		}
		b.walk(&tops[i], rootType == "module", rootErr)
	}
	m := b.finish(Span{int(root.StartByte()), int(root.EndByte())}, root.HasError(), rootErr)

	// Call.qual depends on the imports. Shared calls belong to prev too, so
	// when the imports changed they are replaced by copies before the new
	// resolution is written.
	m.importSig = importSignature(m.Imports)
	if prev != nil && sharedCalls > 0 && m.importSig != prev.importSig {
		remap := make(map[*Call]*Call, sharedCalls)
		for i := 0; i < sharedCalls; i++ {
			c := *m.Calls[i]
			remap[m.Calls[i]] = &c
			m.Calls[i] = &c
		}
		for i := 0; i < sharedCalls; i++ {
			if r := remap[m.Calls[i].Recv]; r != nil {
				m.Calls[i].Recv = r
			}
		}
		sharedCalls = 0
	}
	m.indexImports(sharedCalls)
	return m
}

// matches reports whether top has the text of chunk c moved by delta
// bytes, so c's summary, shifted, is top's.
func (c *chunk) matches(top *topNode, src []byte, delta int) bool {
	return c.reusable && !top.hasError() && top.symbol == c.sym &&
		int(top.start) == c.span.Start+delta && int(top.end-top.start) == len(c.text) &&
		startsLine(src, int(top.start)) && string(src[top.start:top.end]) == c.text
}

func startsLine(src []byte, off int) bool { return off == 0 || src[off-1] == '\n' }

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
	visitErrs []Span
	synErrs   []Span
	rightCall map[Span]string
}

// mark is the lengths of the builder's slices, to record a chunk's ranges.
type mark struct{ calls, funcs, classes, imports, assigns, comments, visit, syn int32 }

func (b *builder) mark() mark {
	m := b.m
	return mark{int32(len(m.Calls)), int32(len(m.Funcs)), int32(len(m.Classes)), int32(len(m.Imports)),
		int32(len(m.Assigns)), int32(len(m.Comments)), int32(len(b.visitErrs)), int32(len(b.synErrs))}
}

// close records the chunk of everything appended since from.
func (b *builder) close(c chunk, from mark) {
	to := b.mark()
	c.calls, c.funcs, c.classes = rng{from.calls, to.calls}, rng{from.funcs, to.funcs}, rng{from.classes, to.classes}
	c.imports, c.assigns, c.comments = rng{from.imports, to.imports}, rng{from.assigns, to.assigns}, rng{from.comments, to.comments}
	c.visitErrs, c.synErrs = rng{from.visit, to.visit}, rng{from.syn, to.syn}
	b.m.chunks = append(b.m.chunks, c)
}

// walk summarises one top-level child from the tree.
func (b *builder) walk(top *topNode, moduleRoot, rootErr bool) {
	from := b.mark()
	sp := top.span()
	c := chunk{span: sp, text: string(b.src[sp.Start:sp.End]), sym: top.symbol,
		reusable:  moduleRoot && !top.hasError() && startsLine(b.src, sp.Start),
		statement: top.named() && top.symbol != commentSymbol()}
	flat := flattenNode(top.node)
	defer flat.free() // the Module holds no node: spans and strings only
	n := flat.root()
	if b.rightCall == nil {
		b.rightCall = map[Span]string{}
	}
	w := &walker{src: b.src, str: c.text, base: sp.Start, m: b.m, rightCall: b.rightCall}
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

// share appends prev's chunk c as it is: same spans, same objects.
func (b *builder) share(prev *Module, c *chunk) {
	from := b.mark()
	m := b.m
	m.Calls = append(m.Calls, prev.Calls[c.calls.lo:c.calls.hi]...)
	m.Funcs = append(m.Funcs, prev.Funcs[c.funcs.lo:c.funcs.hi]...)
	m.Classes = append(m.Classes, prev.Classes[c.classes.lo:c.classes.hi]...)
	m.Imports = append(m.Imports, prev.Imports[c.imports.lo:c.imports.hi]...)
	m.Assigns = append(m.Assigns, prev.Assigns[c.assigns.lo:c.assigns.hi]...)
	m.Comments = append(m.Comments, prev.Comments[c.comments.lo:c.comments.hi]...)
	b.visitErrs = append(b.visitErrs, prev.Errors[c.visitErrs.lo:c.visitErrs.hi]...)
	b.synErrs = append(b.synErrs, prev.Errors[prev.nVisit+int(c.synErrs.lo):prev.nVisit+int(c.synErrs.hi)]...)
	b.close(*c, from)
}

// copyShifted appends copies of prev's chunk c with every span moved by
// delta bytes. Pointers between its items (a call's scope and receiver, a
// function's parent) are redirected to the copies.
func (b *builder) copyShifted(prev *Module, c *chunk, delta int) {
	from := b.mark()
	m := b.m
	sh := func(s Span) Span { return Span{s.Start + delta, s.End + delta} }
	funcs := make(map[*FuncDef]*FuncDef, c.funcs.n())
	fn := func(f *FuncDef) *FuncDef {
		if f == nil {
			return nil
		}
		if g := funcs[f]; g != nil {
			return g
		}
		return f // outside the chunk: cannot happen for a top-level statement
	}
	for _, f := range prev.Funcs[c.funcs.lo:c.funcs.hi] {
		g := *f
		g.Span, g.NameSpan, g.ParamsSpan, g.BodySpan = sh(f.Span), sh(f.NameSpan), sh(f.ParamsSpan), sh(f.BodySpan)
		g.Decorators = shiftExprs(f.Decorators, delta)
		funcs[f] = &g
		m.Funcs = append(m.Funcs, &g)
	}
	for _, g := range m.Funcs[from.funcs:] {
		g.Parent = fn(g.Parent)
	}
	for _, cl := range prev.Classes[c.classes.lo:c.classes.hi] {
		d := *cl
		d.Span = sh(cl.Span)
		m.Classes = append(m.Classes, &d)
	}
	for _, im := range prev.Imports[c.imports.lo:c.imports.hi] {
		j := *im
		j.Span, j.Scope = sh(im.Span), fn(im.Scope)
		m.Imports = append(m.Imports, &j)
	}
	calls := make(map[*Call]*Call, c.calls.n())
	for _, call := range prev.Calls[c.calls.lo:c.calls.hi] {
		d := *call
		d.Span, d.FuncSpan, d.ArgsSpan, d.StmtSpan = sh(call.Span), sh(call.FuncSpan), sh(call.ArgsSpan), sh(call.StmtSpan)
		d.Scope = fn(call.Scope)
		if call.Args != nil {
			d.Args = make([]*Arg, len(call.Args))
			for i, a := range call.Args {
				d.Args[i] = &Arg{Name: a.Name, Span: sh(a.Span), Value: shiftExpr(a.Value, delta)}
			}
		}
		calls[call] = &d
		m.Calls = append(m.Calls, &d)
	}
	for _, d := range m.Calls[from.calls:] {
		if r := calls[d.Recv]; r != nil {
			d.Recv = r
		}
	}
	for _, a := range prev.Assigns[c.assigns.lo:c.assigns.hi] {
		d := *a
		d.Span, d.Scope, d.Value = sh(a.Span), fn(a.Scope), shiftExpr(a.Value, delta)
		m.Assigns = append(m.Assigns, &d)
	}
	for _, cm := range prev.Comments[c.comments.lo:c.comments.hi] {
		m.Comments = append(m.Comments, Comment{Text: cm.Text, Span: sh(cm.Span)})
	}
	for _, e := range prev.Errors[c.visitErrs.lo:c.visitErrs.hi] {
		b.visitErrs = append(b.visitErrs, sh(e))
	}
	for _, e := range prev.Errors[prev.nVisit+int(c.synErrs.lo) : prev.nVisit+int(c.synErrs.hi)] {
		b.synErrs = append(b.synErrs, sh(e))
	}
	moved := *c
	moved.span = sh(c.span)
	b.close(moved, from)
}

func shiftExpr(e *Expr, delta int) *Expr {
	if e == nil {
		return nil
	}
	d := *e
	d.Span = Span{e.Span.Start + delta, e.Span.End + delta}
	d.Elems = shiftExprs(e.Elems, delta)
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
func (b *builder) finish(rootSpan Span, rootHasError, rootErr bool) *Module {
	m := b.m
	m.nVisit = len(b.visitErrs)
	m.Errors = append(append([]Span(nil), b.visitErrs...), b.synErrs...)
	if rootErr || rootHasError && len(b.synErrs) == 0 {
		m.Errors = append(m.Errors, rootSpan)
	}
	for _, c := range m.chunks {
		if c.statement {
			m.Statements = append(m.Statements, c.span)
		}
	}
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
