package python

import (
	"strings"

	"github.com/multiprom/multiprom/internal/source"
)

// loneComma records a syntax error for "f(,)", "class A(,):" and "{,}":
// tree-sitter takes them for empty lists, Python rejects them, and a fix
// adding the first argument produced "f(x=1,,)" (found by FuzzFix).
func (w *walker) loneComma(n *fnode) {
	if n.NamedChildCount() > 0 && hasStatement(n) {
		return
	}
	for i := 0; i < int(n.ChildCount()); i++ {
		if c := n.Child(i); !c.IsNamed() && c.Type() == "," {
			w.m.Errors = append(w.m.Errors, span(n))
			return
		}
	}
}

// hasStatement reports whether a block holds anything but comments.
func hasStatement(block *fnode) bool {
	for i := 0; i < int(block.NamedChildCount()); i++ {
		if block.NamedChild(i).Type() != "comment" {
			return true
		}
	}
	return false
}

// syntaxErrors collects the spans of ERROR and MISSING nodes anywhere in the
// tree. It is a walk of its own, not part of visit: visit skips subtrees it
// reads by hand (imports, call arguments, decorators), and an error inside
// one of them still makes the file unsound for fixes (FuzzFix found
// "from m import (0 Gauge )" summarised with no errors). Clean subtrees are
// not entered (HasError covers the node and all its descendants).
func syntaxErrors(n *fnode, out []source.Span) []source.Span {
	if n.IsError() || n.IsMissing() {
		return append(out, span(n))
	}
	if !n.HasError() {
		return out
	}
	before := len(out)
	eachChild(n, func(c *fnode) { out = syntaxErrors(c, out) })
	if len(out) == before {
		// The error is a hidden node no child walk reaches: a MISSING
		// _newline between two statements ("x=0def f():"). Blame n.
		out = append(out, span(n))
	}
	return out
}

type walker struct {
	src []byte
	// str is the text of the top-level statement being walked, which starts
	// at byte base of src: every Text in its summary is a substring of it.
	// Copying each node's text would make a summary quadratic in nesting
	// depth (each nested argument's Text would hold a copy of the rest of
	// its statement), and one string per statement lets an edit keep the
	// statements it did not touch without pinning old versions of the whole
	// file (chunks.go).
	str  string
	base int
	m    *Module
	// rightCall maps the span of a call that is the whole right side of an
	// assignment to the assignment's target. The walk sets it on the way
	// down so that call() need not ask for its parent: Node.Parent walks
	// from the root, which would make deep nesting quadratic (the hostile
	// workspace test nests 10,000 calls).
	rightCall map[source.Span]string
	contexts  map[ctxKey]*CallContext // see context
	lastKey   ctxKey                  // the key and context context() returned last
	lastCtx   *CallContext
}

// scope is the context a node is visited in.
type scope struct {
	fn       *FuncDef
	class    string
	conds    []Cond
	stmt     source.Span
	topLevel bool // the node is a direct statement of the module
}

func (s scope) withCond(text string, els bool) scope {
	c := make([]Cond, len(s.conds), len(s.conds)+1)
	copy(c, s.conds)
	s.conds = append(c, Cond{Text: text, Else: els})
	s.topLevel = false
	return s
}

func span(n *fnode) source.Span { return source.Span{Start: int(n.StartByte()), End: int(n.EndByte())} }

func (w *walker) text(n *fnode) string {
	return w.str[int(n.StartByte())-w.base : int(n.EndByte())-w.base]
}

func (w *walker) visit(n *fnode, sc scope) {
	// One table read per node instead of two switches over its type name
	// (see visitActs).
	act := visitActOf(n.symbol)
	if act&actStatement != 0 {
		sc.stmt = span(n)
	}
	switch act &^ actStatement {
	case actComment:
		return // comments are read from the source where needed (suppress.go)
	case actDictionary:
		w.loneComma(n)
	case actBlock:
		// tree-sitter accepts a block with no statement ("def f():" at the
		// end of the file); Python does not. Fixes that insert into such a
		// body cannot know its indentation and looped in fix-all (FuzzFix).
		if !hasStatement(n) {
			w.m.Errors = append(w.m.Errors, span(n))
		}
	case actFunction:
		w.function(n, sc)
		return
	case actDecorated:
		// function() and class() read the decorators themselves.
		if d := n.byField(fld.definition); d != nil {
			if d.Type() == "class_definition" {
				for i := 0; i < int(n.NamedChildCount()); i++ {
					if c := n.NamedChild(i); c.Type() == "decorator" {
						w.children(c, sc)
					}
				}
			}
			w.visit(d, sc)
		}
		return
	case actClass:
		w.class(n, sc)
		return
	case actImport:
		w.imports(n, sc)
		return
	case actIf:
		w.ifStatement(n, sc)
		return
	case actConditional:
		w.conditional(n, sc)
		return
	case actAssign:
		w.assign(n, sc)
	case actCall:
		w.call(n, sc)
		return
	}
	inner := sc
	switch act &^ actStatement {
	case actModule:
	case actExpressionStatement:
		// An assignment is a child of an expression statement; keep the flag.
	default:
		inner.topLevel = false
	}
	w.children(n, inner)
}

// What visit does with a node, by its type (visitActs); actStatement is a
// flag: the node is a statement, whose span its calls record.
const (
	actOther uint8 = iota
	actComment
	actDictionary
	actBlock
	actFunction
	actDecorated
	actClass
	actImport
	actIf
	actConditional
	actAssign
	actCall
	actModule
	actExpressionStatement
	actStatement uint8 = 0x80
)

// visitActs maps each named symbol of the grammar to its act.
var visitActs = func() []uint8 {
	byName := map[string]uint8{
		"comment": actComment, "dictionary": actDictionary, "block": actBlock,
		"function_definition": actFunction, "decorated_definition": actDecorated | actStatement,
		"class_definition": actClass, "import_statement": actImport | actStatement,
		"import_from_statement": actImport | actStatement, "if_statement": actIf | actStatement,
		"conditional_expression": actConditional, "assignment": actAssign, "augmented_assignment": actAssign,
		"call": actCall, "module": actModule, "expression_statement": actExpressionStatement | actStatement,
		"return_statement": actStatement, "for_statement": actStatement, "while_statement": actStatement,
		"with_statement": actStatement, "try_statement": actStatement, "raise_statement": actStatement,
		"assert_statement": actStatement, "delete_statement": actStatement, "global_statement": actStatement,
	}
	acts := make([]uint8, len(pyNames.symbols))
	for i, name := range pyNames.symbols {
		if wantFields()[i]&2 != 0 { // named: an anonymous token may share a rule's name
			acts[i] = byName[name]
		}
	}
	return acts
}()

// visitActOf is visitActs[sym], actOther for ERROR.
func visitActOf(sym uint16) uint8 {
	if int(sym) < len(visitActs) {
		return visitActs[sym]
	}
	return actOther
}

func (w *walker) children(n *fnode, sc scope) {
	// A loop, not eachChild: this runs for every node of every module,
	// and a loop needs no closure call per child.
	for _, k := range n.kids() {
		if c := n.nodeAt(k); c.IsNamed() || c.IsMissing() {
			w.visit(c, sc)
		}
	}
}

// eachChild calls fn for every child of n in order.
func eachChild(n *fnode, fn func(*fnode)) { n.eachChild(fn) }

func (w *walker) function(n *fnode, sc scope) {
	f := &FuncDef{Parent: sc.fn, Class: sc.class, Span: span(n)}
	outer := n
	if p := n.Parent(); p != nil && p.Type() == "decorated_definition" {
		outer = p
		f.Span = span(p)
		for i := 0; i < int(p.NamedChildCount()); i++ {
			d := p.NamedChild(i)
			if d.Type() == "decorator" && d.NamedChildCount() > 0 {
				e := d.NamedChild(0)
				f.Decorators = append(f.Decorators, w.expr(e, sc))
				w.visit(e, sc)
			}
		}
	}
	f.Indent = w.indentAt(int(outer.StartByte()))
	if name := n.byField(fld.name); name != nil {
		f.Name, f.name = w.text(name), pack(span(name))
	}
	if ps := n.byField(fld.parameters); ps != nil {
		f.params = pack(span(ps))
		f.Params = w.params(ps)
		// Defaults are evaluated in the enclosing scope.
		w.children(ps, sc)
	}
	body := n.byField(fld.body)
	if body != nil {
		f.body = pack(span(body))
		f.BodyIndent = w.indentAt(int(body.StartByte()))
	}
	w.m.Funcs = append(w.m.Funcs, f)
	if body != nil {
		w.visit(body, scope{fn: f, class: sc.class})
	}
}

func (w *walker) params(ps *fnode) []Param {
	var out []Param
	for i := 0; i < int(ps.NamedChildCount()); i++ {
		p := ps.NamedChild(i)
		switch p.Type() {
		case "identifier":
			out = append(out, Param{Name: w.text(p)})
		case "typed_parameter":
			name := ""
			kind := ""
			if c := p.NamedChild(0); c != nil {
				switch c.Type() {
				case "list_splat_pattern":
					kind, name = "*", strings.TrimPrefix(w.text(c), "*")
				case "dictionary_splat_pattern":
					kind, name = "**", strings.TrimPrefix(w.text(c), "**")
				default:
					name = w.text(c)
				}
			}
			out = append(out, Param{Name: name, Kind: kind})
		case "default_parameter", "typed_default_parameter":
			name := ""
			if c := p.byField(fld.name); c != nil {
				name = w.text(c)
			}
			out = append(out, Param{Name: name, HasDefault: true})
		case "list_splat_pattern":
			out = append(out, Param{Name: strings.TrimPrefix(w.text(p), "*"), Kind: "*"})
		case "keyword_separator":
			out = append(out, Param{Kind: "*"})
		case "dictionary_splat_pattern":
			out = append(out, Param{Name: strings.TrimPrefix(w.text(p), "**"), Kind: "**"})
		case "positional_separator":
			out = append(out, Param{Kind: "/"})
		}
	}
	return out
}

func (w *walker) class(n *fnode, sc scope) {
	c := &ClassDef{Span: span(n)}
	if name := n.byField(fld.name); name != nil {
		c.Name = w.text(name)
	}
	if sup := n.byField(fld.superclasses); sup != nil {
		w.loneComma(sup)
		for i := 0; i < int(sup.NamedChildCount()); i++ {
			c.Bases = append(c.Bases, w.text(sup.NamedChild(i)))
		}
		w.children(sup, sc)
	}
	w.m.Classes = append(w.m.Classes, c)
	if body := n.byField(fld.body); body != nil {
		for i := 0; i < int(body.NamedChildCount()); i++ {
			st := body.NamedChild(i)
			if st.Type() == "decorated_definition" {
				st = st.byField(fld.definition)
			}
			if st != nil && st.Type() == "function_definition" {
				if name := st.byField(fld.name); name != nil {
					c.Methods = append(c.Methods, w.text(name))
				}
			}
		}
		w.visit(body, scope{fn: nil, class: c.Name})
	}
}

func (w *walker) imports(n *fnode, sc scope) {
	sp := span(n)
	if n.Type() == "import_statement" {
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			im := &Import{Span: sp, Scope: sc.fn}
			switch c.Type() {
			case "dotted_name":
				im.Module = w.text(c)
			case "aliased_import":
				im.Module = w.fieldText(c, fld.name)
				im.Alias = w.fieldText(c, fld.alias)
			default:
				continue
			}
			im.full = im.qualified()
			w.m.Imports = append(w.m.Imports, im)
		}
		return
	}
	module, level := "", 0
	if mn := n.byField(fld.moduleName); mn != nil {
		t := w.text(mn)
		for strings.HasPrefix(t, ".") {
			level++
			t = t[1:]
		}
		module = t
	}
	for i := 0; i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		if !c.IsNamed() || n.FieldNameForChild(i) == "module_name" {
			continue
		}
		im := &Import{Module: module, Level: level, Span: sp, Scope: sc.fn}
		switch c.Type() {
		case "dotted_name":
			im.Name = w.text(c)
		case "aliased_import":
			im.Name = w.fieldText(c, fld.name)
			im.Alias = w.fieldText(c, fld.alias)
		case "wildcard_import":
			im.Name = "*"
		default:
			continue
		}
		im.full = im.qualified()
		w.m.Imports = append(w.m.Imports, im)
	}
}

func (w *walker) fieldText(n *fnode, field uint16) string {
	if c := n.byField(field); c != nil {
		return w.text(c)
	}
	return ""
}

func (w *walker) ifStatement(n *fnode, sc scope) {
	sc.stmt = span(n)
	cond := n.byField(fld.condition)
	condText := ""
	if cond != nil {
		condText = w.text(cond)
		w.visit(cond, sc)
	}
	if cons := n.byField(fld.consequence); cons != nil {
		w.visit(cons, sc.withCond(condText, false))
	}
	// Every elif/else runs only when the tests before it were false.
	neg := sc.withCond(condText, true)
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		switch c.Type() {
		case "elif_clause":
			ct := ""
			if ec := c.byField(fld.condition); ec != nil {
				ct = w.text(ec)
				w.visit(ec, neg)
			}
			if cons := c.byField(fld.consequence); cons != nil {
				w.visit(cons, neg.withCond(ct, false))
			}
			neg = neg.withCond(ct, true)
		case "else_clause":
			if body := c.byField(fld.body); body != nil {
				w.visit(body, neg)
			}
		}
	}
}

func (w *walker) conditional(n *fnode, sc scope) {
	// a if test else b: named children are a, test, b.
	if n.NamedChildCount() < 3 {
		w.children(n, sc)
		return
	}
	a, test, b := n.NamedChild(0), n.NamedChild(1), n.NamedChild(2)
	t := w.text(test)
	w.visit(a, sc.withCond(t, false))
	w.visit(test, sc)
	w.visit(b, sc.withCond(t, true))
}

func (w *walker) assign(n *fnode, sc scope) {
	left, right := n.byField(fld.left), n.byField(fld.right)
	if left == nil {
		return
	}
	op := "="
	if n.Type() == "augmented_assignment" {
		if o := n.byField(fld.operator); o != nil {
			op = w.text(o)
		}
	}
	a := &Assign{Target: compact(w.text(left)), Op: op, Span: sc.stmt, Scope: sc.fn, Class: sc.class, TopLevel: sc.topLevel}
	if right != nil {
		a.Value = w.expr(right, sc)
		if n.Type() == "assignment" && right.Type() == "call" {
			w.rightCall[span(right)] = a.Target
		}
	}
	w.m.Assigns = append(w.m.Assigns, a)
}

func (w *walker) call(n *fnode, sc scope) {
	c := w.callOf(n, sc)
	// Record the assignment target when the call is the whole right side.
	if target, ok := w.rightCall[c.Span()]; ok {
		c.setTarget(target)
		delete(w.rightCall, c.Span())
	}
}

// context returns the CallContext of sc, shared by the calls of the
// statement's walk made in the same context.
func (w *walker) context(sc scope) *CallContext {
	// Conditions are never modified once made (scope.withCond copies), so
	// the slice's first element and length identify them.
	key := ctxKey{fn: sc.fn, class: sc.class, n: len(sc.conds)}
	if len(sc.conds) > 0 {
		key.conds = &sc.conds[0]
	}
	// Consecutive calls are mostly made in the same context: ask the map
	// only when it changes (comparing the key with the last one is cheaper
	// than hashing it).
	if w.lastCtx != nil && key == w.lastKey {
		return w.lastCtx
	}
	c := w.contexts[key]
	if c == nil {
		c = &CallContext{Scope: sc.fn, Class: sc.class, Conds: sc.conds}
		w.contexts[key] = c
	}
	w.lastKey, w.lastCtx = key, c
	return c
}

type ctxKey struct {
	fn    *FuncDef
	class string
	conds *Cond
	n     int
}

// callOf records the call n (once) and returns it; nested calls in the
// callee and arguments are recorded too.
func (w *walker) callOf(n *fnode, sc scope) *Call {
	c := &Call{stmt: pack(sc.stmt), CallContext: w.context(sc)}
	fn := n.byField(fld.function)
	if fn != nil {
		c.callee = pack(span(fn))
		if fn.Type() == "attribute" {
			obj := fn.byField(fld.object)
			attr := fn.byField(fld.attribute)
			if obj != nil && obj.Type() == "call" {
				c.Recv = w.callOf(obj, sc)
				c.Func = c.Recv.Func + "()." + w.text(attr)
			} else {
				w.visit(fn, sc)
				c.Func = compact(w.text(fn))
			}
		} else {
			w.visit(fn, sc)
			c.Func = compact(w.text(fn))
		}
	}
	w.m.Calls = append(w.m.Calls, c)
	if args := n.byField(fld.arguments); args != nil {
		w.loneComma(args)
		c.args = pack(span(args))
		switch {
		case args.Type() != "argument_list":
			w.visit(args, sc)
		case args.NamedChildCount() == 0:
			// f(): no arguments, and argv stays nil.
		default:
			list := make([]*Arg, 0, args.NamedChildCount())
			for i := 0; i < int(args.NamedChildCount()); i++ {
				a := args.NamedChild(i)
				if a.Type() == "comment" {
					continue
				}
				var arg *Arg
				switch a.Type() {
				case "keyword_argument":
					arg = &Arg{Name: w.fieldText(a, fld.name), span: pack(span(a))}
					if v := a.byField(fld.value); v != nil {
						arg.Value = w.expr(v, sc)
						w.visit(v, sc)
					}
				case "list_splat":
					arg = &Arg{Name: "*", span: pack(span(a)), Value: w.leaf(a)}
					w.visit(a, sc)
				case "dictionary_splat":
					arg = &Arg{Name: "**", span: pack(span(a)), Value: w.leaf(a)}
					w.visit(a, sc)
				default:
					arg = &Arg{span: pack(span(a)), Value: w.expr(a, sc)}
					w.visit(a, sc)
				}
				list = append(list, arg)
			}
			if len(list) > 0 {
				c.argv = &list
			}
		}
	}
	c.setSpan(span(n))
	return c
}

// leaf describes n by its type and text alone.
func (w *walker) leaf(n *fnode) *Expr {
	return &Expr{Text: w.text(n), span: pack(span(n)), kind: n.symbol}
}

// expr describes n without recording anything; calls inside it are
// recorded by the normal visit.
func (w *walker) expr(n *fnode, sc scope) *Expr {
	e := w.leaf(n)
	switch e.Kind() {
	case "string":
		value, ok, start, end := decodeStringAt(e.Text)
		e.setStr(value, ok, start, end)
	case "concatenated_string":
		var b strings.Builder
		ok := true
		for i := 0; i < int(n.NamedChildCount()); i++ {
			s, good := decodeString(w.text(n.NamedChild(i)))
			ok = ok && good
			b.WriteString(s)
		}
		e.setStr(b.String(), ok, -1, -1)
	case "list", "tuple", "set", "expression_list":
		if n.NamedChildCount() == 0 {
			break
		}
		elems := make([]*Expr, 0, n.NamedChildCount())
		for i := 0; i < int(n.NamedChildCount()); i++ {
			if c := n.NamedChild(i); c.Type() != "comment" {
				elems = append(elems, w.expr(c, sc))
			}
		}
		if len(elems) > 0 {
			e.elems = &elems
		}
	case "parenthesized_expression":
		if n.NamedChildCount() == 1 {
			inner := w.expr(n.NamedChild(0), sc)
			inner.setText(e.Text, e.Span())
			return inner
		}
	}
	return e
}

// indentAt is the whitespace between the start of off's line and the first
// non-blank character of that line.
func (w *walker) indentAt(off int) string {
	start := off
	for start > 0 && w.src[start-1] != '\n' {
		start--
	}
	end := start
	for end < len(w.src) && (w.src[end] == ' ' || w.src[end] == '\t') {
		end++
	}
	return aliasString(w.src[start:end]) // src is never modified (see SummarizeEdit)
}

// compact removes all whitespace (dotted names split over lines).
func compact(s string) string {
	if !strings.ContainsAny(s, " \t\r\n\\") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\r' && r != '\n' && r != '\\' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// decodeString returns the value of a plain (non-f, non-bytes) string
// literal; escapes are decoded for the common cases only, which is all that
// metric names and env var names need.
func decodeString(lit string) (string, bool) {
	s, ok, _, _ := decodeStringAt(lit)
	return s, ok
}

// decodeStringAt is decodeString, and where the value lies in lit when it
// is lit's own bytes (no escape replaced): from start to len(lit)-end.
func decodeStringAt(lit string) (value string, ok bool, start, end int) {
	i := 0
	raw := false
	for i < len(lit) && strings.ContainsRune("rRbBuUfF", rune(lit[i])) {
		switch lit[i] {
		case 'f', 'F', 'b', 'B':
			return "", false, -1, -1
		case 'r', 'R':
			raw = true
		}
		i++
	}
	body := lit[i:]
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if strings.HasPrefix(body, q) && strings.HasSuffix(body, q) && len(body) >= 2*len(q) {
			s := body[len(q) : len(body)-len(q)]
			if !raw && strings.Contains(s, `\`) {
				return escapes.Replace(s), true, -1, -1
			}
			return s, true, i + len(q), len(q)
		}
	}
	return "", false, -1, -1
}

// escapes decodes the escapes decodeString knows.
var escapes = strings.NewReplacer(`\\`, `\`, `\'`, `'`, `\"`, `"`, `\n`, "\n", `\t`, "\t")
