package python

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/multiprom/multiprom/internal/source"
)

// Module is the plain-Go summary of one Python file that rules read. It is
// built by one walk over the syntax tree, so rules never touch tree-sitter
// (cheap, and the tree can be dropped for documents not being edited).
type Module struct {
	Calls   []*Call
	Funcs   []*FuncDef
	Classes []*ClassDef
	Imports []*Import
	Assigns []*Assign
	// Statements are the module's top-level statements, in order (for
	// "insert at the very top" and "after the imports" fixes).
	Statements []source.Span
	// Errors are spans of syntax errors (ERROR and MISSING nodes).
	Errors []source.Span

	importByLocal map[string]*Import // see importOf
	summaryExtra

	calleesOnce sync.Once
	callees     []CalleeGroup // the calls grouped by callee (see calleeIndex)

	selectMu sync.Mutex
	selected map[*CalleeQuery][]*Call // see Select
}

// Arg is one argument of a call: positional when Name is "".
type Arg struct {
	Name  string
	Value *Expr
	span  span32 // the whole argument, including "name=" (see Span)
}

// Span is the whole argument, including "name=".
func (a *Arg) Span() source.Span { return a.span.span() }

// Cond is one enclosing condition of a call: the test's source text, and
// whether the call is on the false (else) side of it.
type Cond struct {
	Text string
	Else bool
}

// Call is a call expression.
type Call struct {
	Func string // callee source text with whitespace removed, e.g. "metrics.gauge", "prometheus_client.Gauge"
	// argv points to the arguments (see Arguments): one word instead of a
	// slice's three, and most calls have none or one.
	argv *[]*Arg
	// Recv is the call this one is a method of, for chains such as
	// G.labels("a").inc(): the inc call's Recv is the labels call.
	Recv *Call
	// extra holds the rarely set fields (see TargetName and Qualified).
	extra *callExtra
	// The context (Scope, Class, Conds) is shared by the calls made under
	// the same function, class and conditions: a project holds hundreds of
	// thousands of calls, and memory for open documents is budgeted
	// (bench/RESULTS.md).
	*CallContext
	// The callee's, the argument list's and the statement's spans, packed
	// (see CalleeSpan, ArgListSpan, StatementSpan). The call's own span is
	// the callee's start to the argument list's end (see Span).
	callee, args, stmt span32
}

// callExtra is what few calls have: an assignment target, or a callee
// that imports resolve to another name.
type callExtra struct {
	target string // the name this call's value is assigned to, if it is the whole right-hand side
	qual   string // Func resolved through the module's imports, when it differs
	// span is the call's span when it is not from the callee's start to
	// the argument list's end (error recovery can leave a field out).
	span    span32
	ownSpan bool
}

// MarshalJSON writes the call's exported fields and its span (tests
// compare summaries through it).
func (c *Call) MarshalJSON() ([]byte, error) {
	type fields Call // the fields alone: no MarshalJSON, no recursion
	return json.Marshal(struct {
		*fields
		Span source.Span
	}{(*fields)(c), c.Span()})
}

// Span is the whole call.
func (c *Call) Span() source.Span {
	if c.extra != nil && c.extra.ownSpan {
		return c.extra.span.span()
	}
	return source.Span{Start: int(c.callee.start), End: int(c.args.end)}
}

// setSpan records the call's span where Span does not derive it (set the
// callee's and argument list's spans first).
func (c *Call) setSpan(sp source.Span) {
	e := c.extraValue()
	e.span, e.ownSpan = span32{}, false
	if sp != (source.Span{Start: int(c.callee.start), End: int(c.args.end)}) {
		e.span, e.ownSpan = pack(sp), true
	}
	c.setExtra(e)
}

// TargetName is the name the call's value is assigned to when the call is
// the whole right-hand side of an assignment, or "".
func (c *Call) TargetName() string {
	if c.extra == nil {
		return ""
	}
	return c.extra.target
}

func (c *Call) setTarget(t string) {
	e := c.extraValue()
	e.target = t
	c.setExtra(e)
}

// setQual records the resolved callee (SummarizeEdit, once per call).
func (c *Call) setQual(q string) {
	if q == c.Func {
		q = ""
	}
	e := c.extraValue()
	e.qual = q
	c.setExtra(e)
}

func (c *Call) extraValue() callExtra {
	if c.extra == nil {
		return callExtra{}
	}
	return *c.extra
}

// setExtra stores the extra fields; a call without any keeps none. An
// extra is never written once made: calls of one module that only share a
// resolved callee share one (see indexImports). Values, not a pointer to a
// local: that made every call allocate one (a quarter of a summary's
// allocations), though most calls keep none.
func (c *Call) setExtra(e callExtra) {
	switch {
	case e == callExtra{}:
		c.extra = nil
	case c.extra == nil || *c.extra != e:
		c.extra = &callExtra{target: e.target, qual: e.qual, span: e.span, ownSpan: e.ownSpan}
	}
}

// clone copies the call for a new summary; nothing of it is shared.
func (c *Call) clone() *Call {
	d := *c
	if c.extra != nil {
		e := *c.extra
		d.extra = &e
	}
	return &d
}

// span32 is a Span packed in half the memory (sources are far below 2 GiB).
type span32 struct{ start, end int32 }

func pack(s source.Span) span32    { return span32{int32(s.Start), int32(s.End)} }
func (s span32) span() source.Span { return source.Span{Start: int(s.start), End: int(s.end)} }

// CalleeSpan is the span of the called expression.
func (c *Call) CalleeSpan() source.Span { return c.callee.span() }

// ArgListSpan is the span of the argument list, parentheses included.
func (c *Call) ArgListSpan() source.Span { return c.args.span() }

// StatementSpan is the span of the statement containing the call.
func (c *Call) StatementSpan() source.Span { return c.stmt.span() }

// CallContext is where a call is made.
type CallContext struct {
	Scope *FuncDef // innermost enclosing function, nil at module level
	Class string   // innermost enclosing class name, "" if none
	Conds []Cond   // enclosing if/else and conditional-expression tests, outermost first
}

// Arguments returns the call's arguments, in order.
func (c *Call) Arguments() []*Arg {
	if c.argv == nil {
		return nil
	}
	return *c.argv
}

// BaseName and MethodName split Func at its last dot, following Recv
// chains to the root name: for G.labels("a").inc() the base is "G" and the
// method "inc". They are derived, not stored: a project holds hundreds of
// thousands of calls.
func (c *Call) BaseName() string {
	if c.Recv != nil {
		if b := c.Recv.BaseName(); b != "" {
			return b
		}
		return c.Recv.Func
	}
	if i := strings.LastIndexByte(c.Func, '.'); i >= 0 {
		return c.Func[:i]
	}
	return ""
}

// MethodName: see BaseName.
func (c *Call) MethodName() string {
	if c.Recv != nil {
		return c.Func[len(c.Recv.Func)+len("()."):]
	}
	if i := strings.LastIndexByte(c.Func, '.'); i >= 0 {
		return c.Func[i+1:]
	}
	return ""
}

// Qualified is the callee resolved through the module's imports, as
// Module.Qualify(c.Func) would return it (computed once by SummarizeEdit).
func (c *Call) Qualified() string {
	if c.extra == nil || c.extra.qual == "" {
		return c.Func
	}
	return c.extra.qual
}

// Positional returns the i-th positional argument or nil.
func (c *Call) Positional(i int) *Expr {
	n := 0
	for _, a := range c.Arguments() {
		if a.Name == "" {
			if n == i {
				return a.Value
			}
			n++
		}
	}
	return nil
}

// Keyword returns the keyword argument with that name or nil.
func (c *Call) Keyword(name string) *Arg {
	for _, a := range c.Arguments() {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// HasSplat reports whether the call passes *args or **kwargs, in which case
// a missing keyword may still be supplied.
func (c *Call) HasSplat() bool {
	for _, a := range c.Arguments() {
		if a.Name == "*" || a.Name == "**" {
			return true
		}
	}
	return false
}

// FuncDef is a function definition.
type FuncDef struct {
	Name       string
	Span       source.Span // the whole definition, decorators included
	Params     []Param
	Decorators []*Expr
	Parent     *FuncDef // enclosing function, nil at module or class level
	Class      string   // enclosing class name, "" if none
	Indent     string   // indentation of the def line
	BodyIndent string   // indentation of the body's first statement
	// The name's, the parameter list's and the body's spans, packed (see
	// DefNameSpan, ParamListSpan, BodyBlockSpan).
	name, params, body span32
}

// DefNameSpan is the span of the function's name.
func (f *FuncDef) DefNameSpan() source.Span { return f.name.span() }

// ParamListSpan is the span of the parameter list, parentheses included.
func (f *FuncDef) ParamListSpan() source.Span { return f.params.span() }

// BodyBlockSpan is the span of the body block.
func (f *FuncDef) BodyBlockSpan() source.Span { return f.body.span() }

// Param is one parameter. Kind is "", "*", "**" or "/" (marker).
type Param struct {
	Name       string
	Kind       string
	HasDefault bool
}

// Arity returns the minimum and maximum number of positional arguments the
// function accepts; max is -1 with *args.
func (f *FuncDef) Arity() (min, max int) {
	for _, p := range f.Params {
		switch p.Kind {
		case "*":
			if p.Name != "" {
				max = -1
			}
			return min, max
		case "**", "/":
			continue
		}
		if max >= 0 {
			max++
		}
		if !p.HasDefault {
			min++
		}
	}
	return min, max
}

// IsModuleLevel reports whether the function is defined at the top level.
func (f *FuncDef) IsModuleLevel() bool { return f.Parent == nil && f.Class == "" }

// ClassDef is a class definition.
type ClassDef struct {
	Name    string
	Bases   []string
	Span    source.Span
	Methods []string
}

// Import is one imported name: `import a.b as c` gives Module "a.b",
// Alias "c"; `from a import b as c` gives Module "a", Name "b", Alias "c".
type Import struct {
	Module string
	Name   string
	Alias  string
	Span   source.Span // the import statement
	Scope  *FuncDef
	Level  int // leading dots of a relative import
	// full is Qualified, computed by the walker when it makes the import:
	// every call through the import asks for it.
	full string
}

// Local is the name the import binds in its scope.
func (im *Import) Local() string {
	if im.Alias != "" {
		return im.Alias
	}
	if im.Name != "" {
		return im.Name
	}
	if i := strings.IndexByte(im.Module, '.'); i >= 0 {
		return im.Module[:i]
	}
	return im.Module
}

// Qualified is the full dotted name the import binds.
func (im *Import) Qualified() string {
	if im.full != "" {
		return im.full
	}
	return im.qualified()
}

func (im *Import) qualified() string {
	if im.Name == "" {
		if im.Alias == "" {
			return im.Local()
		}
		return im.Module
	}
	if im.Module == "" {
		return im.Name
	}
	return im.Module + "." + im.Name
}

// Assign is `target = value` (also augmented and annotated assignments).
type Assign struct {
	Target   string // source text of the left side (whitespace removed)
	Value    *Expr
	Op       string      // "=", "+=", ...
	Span     source.Span // the whole statement
	Scope    *FuncDef
	Class    string
	TopLevel bool // a direct child of the module (not nested in if/try/with)
}

// Qualify resolves a dotted name used in this module through its imports:
// with `from prometheus_client import Gauge as G`, "G" becomes
// "prometheus_client.Gauge"; with `import prometheus_client as pc`,
// "pc.Gauge" becomes "prometheus_client.Gauge". Unknown names are returned
// unchanged.
func (m *Module) Qualify(name string) string {
	head, rest := name, ""
	if i := strings.IndexByte(name, '.'); i >= 0 {
		head, rest = name[:i], name[i:]
	}
	im := m.importOf(head)
	if im == nil {
		return name
	}
	if im.Name == "" && im.Alias == "" {
		return name // `import a.b` binds a; the dotted use is already qualified
	}
	return im.Qualified() + rest
}

// resolvedCallee is a callee resolved through the imports, and the extra
// that the calls of it with no other extra field share.
type resolvedCallee struct {
	qual  string
	extra *callExtra // {qual: qual}
}

// importScanMax is the most imports importOf scans rather than indexes.
const importScanMax = 8

// importOf returns the first import binding local, through an index built
// by SummarizeEdit for a module of many imports (Qualify runs for every call of
// every rule); a few are scanned as fast as a map is hashed, without the
// map's memory.
func (m *Module) importOf(local string) *Import {
	if m.importByLocal != nil {
		return m.importByLocal[local]
	}
	for _, im := range m.Imports {
		if im.Local() == local {
			return im
		}
	}
	return nil
}

// indexImports builds the index importOf reads (the first binding wins)
// and resolves the callee of every call from index from on once (the
// calls before it were resolved with the same imports and are shared with
// an earlier summary). made is an empty memo to work in (scratch).
func (m *Module) indexImports(from int, made map[string]resolvedCallee) {
	m.importByLocal = nil
	if len(m.Imports) > importScanMax {
		m.importByLocal = make(map[string]*Import, len(m.Imports))
		for _, im := range m.Imports {
			if _, ok := m.importByLocal[im.Local()]; !ok {
				m.importByLocal[im.Local()] = im
			}
		}
	}
	// Most callees repeat in a module: each name qualified through an
	// import is made once, and the calls of it that have no other extra
	// field share one extra (a third of a corpus's calls had one each).
	// Most calls are on local names, which qualify to themselves: they
	// skip the memo.
	for _, c := range m.Calls[from:] {
		head := c.Func
		if i := strings.IndexByte(head, '.'); i >= 0 {
			head = head[:i]
		}
		if m.importOf(head) == nil {
			c.setQual(c.Func)
			continue
		}
		r, ok := made[c.Func]
		if !ok {
			r.qual = m.Qualify(c.Func)
			if r.qual != c.Func {
				r.extra = &callExtra{qual: r.qual}
			}
			made[c.Func] = r
		}
		if c.extra == nil && r.extra != nil {
			c.extra = r.extra
			continue
		}
		c.setQual(r.qual)
	}
}

// calleeGroup is the calls of a module made through one callee text on
// one base.
type CalleeGroup struct {
	fn    string  // Call.Func
	Base  string  // Call.BaseName()
	qual  string  // the qualified callee (the same for every call with that Func)
	Calls []int32 // indexes into Module.Calls, ascending
}

// calleeKey: the callee text alone does not decide the base name (a
// receiver chain's base comes from its calls), so both are the key.
type calleeKey struct{ fn, base string }

// method is the name after the last dot of the callee, as Call.MethodName
// returns it ("" for a bare name): a receiver chain's Func ends in
// "()." + the method, whose name has no dot.
func (g *CalleeGroup) Method() string {
	if i := strings.LastIndexByte(g.fn, '.'); i >= 0 {
		return g.fn[i+1:]
	}
	return ""
}

// calleeIndex groups the calls by callee text, once. A module calls few
// distinct names many times, and most rules look for a handful of callees:
// asking the groups instead of reading every call record keeps a pass over a
// large project out of its cache misses (those reads made the rules grow
// faster than the project). Safe for concurrent use.
func (m *Module) CalleeGroups() []CalleeGroup {
	m.calleesOnce.Do(func() {
		// Two passes: each call's group and the groups' sizes, then every
		// group's calls as a run of one array (appending to each group's
		// own list grew and copied it several times, and trimming it
		// copied it once more: the index was a tenth of a corpus scan's
		// allocations). The map, each call's group and the groups as they
		// are found are scratch that the next module reuses: they were most
		// of what was left of the index's allocations.
		sc := calleeScratchPool.Get().(*calleeScratch)
		defer sc.put()
		groupOf := grown(sc.groupOf, len(m.Calls))
		groups, sizes := sc.groups[:0], sc.sizes[:0]
		for i, c := range m.Calls {
			k := calleeKey{c.Func, c.BaseName()}
			g, ok := sc.at[k]
			if !ok {
				g = int32(len(groups))
				sc.at[k] = g
				groups = append(groups, CalleeGroup{fn: c.Func, Base: k.base, qual: c.Qualified()})
				sizes = append(sizes, 0)
			}
			groupOf[i] = g
			sizes[g]++
		}
		sc.groupOf, sc.groups, sc.sizes = groupOf, groups, sizes
		m.callees = detach(groups)
		runs := make([]int32, len(m.Calls))
		at0 := 0
		for g, n := range sizes {
			m.callees[g].Calls = runs[at0 : at0 : at0+int(n)]
			at0 += int(n)
		}
		for i, g := range groupOf {
			m.callees[g].Calls = append(m.callees[g].Calls, int32(i))
		}
	})
	return m.callees
}

// calleeScratch is calleeIndex's working memory, pooled across modules.
type calleeScratch struct {
	at      map[calleeKey]int32 // a callee's group
	groupOf []int32             // each call's group
	groups  []CalleeGroup
	sizes   []int32 // each group's number of calls
}

var calleeScratchPool = sync.Pool{New: func() any { return &calleeScratch{at: map[calleeKey]int32{}} }}

// put empties the scratch (it keeps no module's strings alive) and
// returns it to the pool.
func (sc *calleeScratch) put() {
	clear(sc.at)
	sc.groups = emptied(sc.groups)
	sc.groupOf, sc.sizes = sc.groupOf[:0], sc.sizes[:0]
	calleeScratchPool.Put(sc)
}

// grown returns s with length n, reallocated only when its capacity is
// short (its contents are not kept).
func grown[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// A CalleeQuery selects a module's calls by callee. Rules ask the same
// queries of every module on every check (in the editor, every keystroke),
// and a module never changes, so it remembers each answer (see Select).
// Make queries once, as package-level values: the answers are remembered
// per query value.
type CalleeQuery struct{ keep func(g *CalleeGroup) bool }

// QualifiedCallees selects the calls whose qualified callee satisfies match.
func QualifiedCallees(match func(qualified string) bool) *CalleeQuery {
	return &CalleeQuery{func(g *CalleeGroup) bool { return match(g.qual) }}
}

// ExactCallees selects the calls whose qualified callee is one of names.
func ExactCallees(names ...string) *CalleeQuery {
	return &CalleeQuery{func(g *CalleeGroup) bool { return slices.Contains(names, g.qual) }}
}

// MethodsNamed selects the calls whose MethodName is one of names.
func MethodsNamed(names ...string) *CalleeQuery {
	return &CalleeQuery{func(g *CalleeGroup) bool {
		meth := g.Method()
		return meth != "" && slices.Contains(names, meth)
	}}
}

// Select returns the calls q selects, in source order, remembered per
// query. The slice is shared: callers must not modify it. Safe for
// concurrent use.
func (m *Module) Select(q *CalleeQuery) []*Call {
	m.selectMu.Lock()
	out, ok := m.selected[q]
	m.selectMu.Unlock()
	if ok {
		return out
	}
	out = m.gather(q.keep)
	m.selectMu.Lock()
	if m.selected == nil {
		m.selected = make(map[*CalleeQuery][]*Call, 8)
	}
	m.selected[q] = out
	m.selectMu.Unlock()
	return out
}

// CallsTo returns, in source order, the calls whose qualified callee is one
// of names (exact dotted names such as "prometheus_client.Gauge"), without
// remembering the answer (see Select for what rules ask on every check).
func (m *Module) CallsTo(names ...string) []*Call { return m.gather(ExactCallees(names...).keep) }

// gather collects the calls of the groups for which keep is true, in the
// order of Module.Calls.
func (m *Module) gather(keep func(g *CalleeGroup) bool) []*Call {
	var idx []int32
	groups := 0
	for i := range m.CalleeGroups() {
		g := &m.callees[i]
		if keep(g) {
			idx = append(idx, g.Calls...)
			groups++
		}
	}
	if len(idx) == 0 {
		return nil
	}
	if groups > 1 {
		slices.Sort(idx)
	}
	out := make([]*Call, len(idx))
	for i, k := range idx {
		out[i] = m.Calls[k]
	}
	return out
}

// Imports of a module (or anything under it) by prefix, e.g. "prometheus_client".
func (m *Module) ImportsFrom(prefix string) []*Import {
	var out []*Import
	for _, im := range m.Imports {
		if im.Module == prefix || strings.HasPrefix(im.Module, prefix+".") {
			out = append(out, im)
		}
	}
	return out
}

// Func returns the first function defined with that name at module level.
func (m *Module) Func(name string) *FuncDef {
	for _, f := range m.Funcs {
		if f.Name == name && f.IsModuleLevel() {
			return f
		}
	}
	return nil
}
