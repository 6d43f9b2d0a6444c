package python

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

// Declarations of tree-sitter's public C API (api.h), compiled into
// go-tree-sitter. Only public functions are called; TSNode and TSTreeCursor
// are passed by value and never looked into (TestFlatTreeMatchesNodeAPI
// holds the copy to the node API).
typedef struct { uint32_t context[4]; const void *id; const void *tree; } TSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;

TSSymbol ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
uint32_t ts_node_child_count(TSNode self);
bool ts_node_is_named(TSNode self);
bool ts_node_is_missing(TSNode self);
bool ts_node_has_error(TSNode self);
TSTreeCursor ts_tree_cursor_new(TSNode node);
void ts_tree_cursor_delete(TSTreeCursor *self);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *self);
TSFieldId ts_tree_cursor_current_field_id(const TSTreeCursor *self);
bool ts_tree_cursor_goto_parent(TSTreeCursor *self);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *self);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *self);

enum { MP_NAMED = 1, MP_MISSING = 2, MP_HAS_ERROR = 4 };

// mp_node is one visible node. kids_at and named_at index the block's kids
// and named arrays, where each node's children are a contiguous run.
typedef struct {
	uint32_t start, end;
	int32_t parent, self;
	uint32_t child_count, named_count, kids_at, named_at;
	uint16_t symbol, field;
	uint8_t flags, pad[3];
} mp_node;

// mp_block is the header of the one allocation that holds a flat tree:
// the header, then n nodes, then n_kids and n_named int32 child indexes.
// Offsets, not pointers, so a node finds everything from its own address.
typedef struct {
	int32_t n, n_kids, n_named, pad;
} mp_block;

static mp_node *mp_nodes(mp_block *b) { return (mp_node *)(b + 1); }

// mp_index lays out every node's children contiguously (the walker's
// Child(i) and NamedChild(i) are O(1); walking sibling lists per index made
// its loops quadratic on a 50,000-statement module). Nodes are in document
// order, so appending each node to its parent's run keeps children in order.
static void mp_index(mp_block *b) {
	mp_node *nodes = mp_nodes(b);
	int32_t *kids = (int32_t *)(nodes + b->n);
	int32_t *named = kids + b->n_kids;
	uint32_t all = 0, nn = 0;
	for (int32_t i = 0; i < b->n; i++) {
		nodes[i].kids_at = all;
		all += nodes[i].child_count;
		nodes[i].named_at = nn;
		nn += nodes[i].named_count;
		nodes[i].child_count = 0;  // refilled below as a fill counter
		nodes[i].named_count = 0;
	}
	for (int32_t i = 1; i < b->n; i++) {
		mp_node *p = &nodes[nodes[i].parent];
		kids[p->kids_at + p->child_count++] = i;
		if (nodes[i].flags & MP_NAMED) named[p->named_at + p->named_count++] = i;
	}
}

// mp_finish trims a block of n copied nodes to size and indexes their
// children, or frees it and returns NULL when memory runs out.
static mp_block *mp_finish(mp_block *b, int32_t n) {
	mp_node *buf = mp_nodes(b);
	int32_t n_named = 0;
	for (int32_t i = 1; i < n; i++) n_named += (buf[i].flags & MP_NAMED) != 0;
	mp_block *sized = realloc(b, sizeof(mp_block) + sizeof(mp_node) * n + sizeof(int32_t) * (n - 1 + n_named));
	if (!sized) { free(b); return NULL; }
	sized->n = n;
	sized->pad = 0;
	sized->n_kids = n - 1;
	sized->n_named = n_named;
	mp_index(sized);
	return sized;
}

// mp_dropped reports whether node o, a child of parent, is left out of the
// copy: an anonymous leaf (punctuation, a keyword) in no field that the
// walker asks for, whose symbol want flags with bit 8 (every anonymous
// symbol but ","). The walker never reads them, so the copy need not hold
// them.
// Missing tokens are kept (syntaxErrors reports them), and so are the
// copy's root's own children (a chunk of the summary per top-level node).
static inline bool mp_dropped(const mp_node *o, int32_t parent, const uint8_t *want, uint32_t want_len) {
	return parent > 0 && !(o->flags & (MP_NAMED | MP_MISSING)) && o->field == 0 &&
		o->symbol < want_len && (want[o->symbol] & 8);
}

// mp_plain_string reports whether the string literal at start has no f or
// t prefix (a string's prefix is at most two letters; four bytes are read).
static bool mp_plain_string(const char *src, uint32_t src_len, uint32_t start) {
	for (uint32_t i = start; i < src_len && i < start + 4; i++) {
		char ch = src[i];
		if (ch == '"' || ch == '\'') return true;
		if (ch == 'f' || ch == 'F' || ch == 't' || ch == 'T') return false;
	}
	return true;
}

// mp_copy copies the visible nodes under the cursor's current node (the
// copy's root), in document order (a node before its children), into one
// malloc'd block (freed by the caller with free) and returns it, or NULL
// when memory runs out; the cursor ends on the copy's root again. One C
// call per tree instead of several per node. It reads the tree through the
// cursor and node functions of the public API only. Field ids are looked
// up only for children of the node types flagged in want (indexed by
// symbol): the field lookup searches the parent's field map per child, and
// the walker reads fields under few node types.
//
// The cursor must have been started at the tree's root: a cursor started
// at an aliased node gives that alias to the extras (comments, errors)
// under it, where the node API gives them none.
static mp_block *mp_copy(TSTreeCursor *c, const uint8_t *want, uint32_t want_len, const char *src, uint32_t src_len) {
	TSNode root = ts_tree_cursor_current_node(c);
	// Under a root without errors no node is an error or missing: two calls
	// per node fewer in the usual case.
	bool clean = !ts_node_has_error(root);
	// want[symbol] bit 1: read the fields of its children; bit 2: the symbol is named
	// (the symbol's metadata, what ts_node_is_named reads; ERROR is named);
	// bit 4: a string literal (see leaf below); bit 8: an anonymous symbol
	// left out of the copy (see mp_dropped).
	// Dense code has about 0.38 visible nodes per byte (docstrings and
	// comments make it less): sized for that, most trees need no realloc
	// while they are copied, only the one that trims the block at the end.
	uint32_t span = ts_node_end_byte(root) - ts_node_start_byte(root);
	int32_t cap = (int32_t)(((uint64_t)span * 3) / 8) + 64, n = 0, cur = -1;
	uint32_t depth = 0; // of the cursor below the copy's root
	mp_block *b = malloc(sizeof(mp_block) + sizeof(mp_node) * cap);
	if (!b) return NULL;
	for (;;) {
		if (n >= cap) {
			cap *= 2;
			mp_block *grown = realloc(b, sizeof(mp_block) + sizeof(mp_node) * cap);
			if (!grown) { free(b); return NULL; }
			b = grown;
		}
		mp_node *buf = mp_nodes(b);
		TSNode node = ts_tree_cursor_current_node(c);
		mp_node *o = &buf[n];
		o->start = ts_node_start_byte(node);
		o->end = ts_node_end_byte(node);
		o->parent = cur;
		o->self = n;
		o->child_count = 0;
		o->named_count = 0;
		o->symbol = ts_node_symbol(node);
		o->field = 0;
		o->pad[0] = o->pad[1] = o->pad[2] = 0; // the block holds no uninitialised bytes
		if (cur >= 0 && buf[cur].symbol < want_len && (want[buf[cur].symbol] & 1)) {
			o->field = ts_tree_cursor_current_field_id(c);
		}
		bool named = o->symbol < want_len ? (want[o->symbol] & 2) != 0 : ts_node_is_named(node);
		o->flags = named ? MP_NAMED : 0;
		if (!clean) {
			o->flags |= (ts_node_is_missing(node) ? MP_MISSING : 0) | (ts_node_has_error(node) ? MP_HAS_ERROR : 0);
		}
		if (!named && mp_dropped(o, cur, want, want_len) && ts_node_child_count(node) == 0) {
			goto next;
		}
		if (cur >= 0) {
			buf[cur].child_count++;
			if (named) buf[cur].named_count++;
		}
		int32_t self = n++;
		// A string literal without an f or t prefix (want bit 4) is copied
		// as a leaf: its parts are text, and the walker reads its text (a
		// tenth of the nodes of a typical module). One with an error
		// keeps its parts, for syntaxErrors.
		bool leaf = o->symbol < want_len && (want[o->symbol] & 4) && !(o->flags & MP_HAS_ERROR) &&
			mp_plain_string(src, src_len, o->start);
		if (!leaf && ts_tree_cursor_goto_first_child(c)) {
			cur = self;
			depth++;
			continue;
		}
	next:
		// Back on the copy's root, the copy is complete: its siblings are
		// not part of it.
		while (depth > 0 && !ts_tree_cursor_goto_next_sibling(c)) {
			ts_tree_cursor_goto_parent(c);
			depth--;
			cur = buf[cur].parent;
		}
		if (depth == 0) return mp_finish(b, n);
	}
}

// mp_flatten copies the tree under root, the root of its tree (see mp_copy).
static mp_block *mp_flatten(TSNode root, const uint8_t *want, uint32_t want_len, const char *src, uint32_t src_len) {
	TSTreeCursor c = ts_tree_cursor_new(root);
	mp_block *b = mp_copy(&c, want, want_len, src, src_len);
	ts_tree_cursor_delete(&c);
	return b;
}

// mp_cursor is a cursor in C memory, for Go to hold between calls.
static TSTreeCursor *mp_cursor_new(TSNode root) {
	TSTreeCursor *c = malloc(sizeof(TSTreeCursor));
	if (c) *c = ts_tree_cursor_new(root);
	return c;
}

static void mp_cursor_free(TSTreeCursor *c) {
	ts_tree_cursor_delete(c);
	free(c);
}

// mp_top is one visible child of the root: a top-level statement, comment
// or error. The summary is built per top-level child, so that an edit can
// reuse what it did not touch (see chunks.go).
typedef struct {
	uint32_t start, end;
	uint16_t symbol;
	uint8_t flags;
} mp_top;

// mp_top_level writes the visible children of root into a malloc'd array
// (*out, freed by the caller) and returns how many, or -1 when memory runs
// out.
static int32_t mp_top_level(TSNode root, const uint8_t *want, uint32_t want_len, mp_top **out) {
	int32_t cap = 64, n = 0;
	mp_top *buf = malloc(sizeof(mp_top) * cap);
	if (!buf) return -1;
	TSTreeCursor c = ts_tree_cursor_new(root);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			if (n >= cap) {
				cap *= 2;
				mp_top *grown = realloc(buf, sizeof(mp_top) * cap);
				if (!grown) { free(buf); ts_tree_cursor_delete(&c); return -1; }
				buf = grown;
			}
			TSNode node = ts_tree_cursor_current_node(&c);
			mp_top *t = &buf[n++];
			t->start = ts_node_start_byte(node);
			t->end = ts_node_end_byte(node);
			t->symbol = ts_node_symbol(node);
			bool named = t->symbol < want_len ? (want[t->symbol] & 2) != 0 : ts_node_is_named(node);
			t->flags = (named ? MP_NAMED : 0) | (ts_node_is_missing(node) ? MP_MISSING : 0) |
				(ts_node_has_error(node) ? MP_HAS_ERROR : 0);
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	*out = buf;
	return n;
}
*/
import "C"

import (
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

// flatTree is a parsed tree copied into C memory by one C call, children
// indexed there too: the walker reads it without a cgo call per node (a cgo
// call costs far more than reading a struct) and without a Go allocation
// per node (a module has tens of thousands of nodes, all garbage once its
// summary is built). It lives only while one file is summarised; free
// releases it.
type flatTree struct{ block *C.mp_block }

// fnode is the Go view of C.mp_node (same layout; init checks the size).
// It holds no pointer: a node reaches its block from its own address and
// index (self), so the nodes can live in C memory.
type fnode struct {
	start, end                              uint32
	parent, self                            int32
	childCount, namedCount, kidsAt, namedAt uint32
	symbol, field                           uint16
	flags                                   uint8
	_                                       [3]uint8
}

func init() {
	if unsafe.Sizeof(fnode{}) != C.sizeof_mp_node || C.sizeof_mp_block%unsafe.Alignof(fnode{}) != 0 {
		panic("flattree: fnode does not match mp_node")
	}
}

const errorSymbol = 0xFFFF // ts_builtin_sym_error

// grammarNames are the grammar's symbol and field names.
type grammarNames struct {
	symbols []string
	fields  []string
	fieldID map[string]uint16
}

// pyNames are read once, at start-up: the language is immutable, and the
// walker asks for a name per node, so the ask is a plain variable read.
var pyNames = loadPythonNames()

func pythonNames() *grammarNames { return pyNames }

func loadPythonNames() *grammarNames {
	names := &grammarNames{}
	lang := python.GetLanguage()
	names.symbols = make([]string, lang.SymbolCount())
	for i := range names.symbols {
		names.symbols[i] = lang.SymbolName(sitter.Symbol(i))
	}
	names.fieldID = map[string]uint16{}
	names.fields = []string{""}
	for i := 1; ; i++ {
		name := lang.FieldName(i)
		if name == "" {
			break
		}
		names.fields = append(names.fields, name)
		names.fieldID[name] = uint16(i)
	}
	return names
}

// fieldIDs are the ids of the fields the walker reads, so that it finds a
// child without hashing the field's name.
type fieldIDs struct {
	alias, arguments, attribute, body, condition, consequence, definition, function, left,
	moduleName, name, object, operator, parameters, right, superclasses, value uint16
}

var fld = func() fieldIDs {
	id := func(name string) uint16 {
		v, ok := pyNames.fieldID[name]
		if !ok {
			panic("python grammar: no field " + name)
		}
		return v
	}
	return fieldIDs{
		alias: id("alias"), arguments: id("arguments"), attribute: id("attribute"), body: id("body"),
		condition: id("condition"), consequence: id("consequence"), definition: id("definition"),
		function: id("function"), left: id("left"), moduleName: id("module_name"), name: id("name"),
		object: id("object"), operator: id("operator"), parameters: id("parameters"), right: id("right"),
		superclasses: id("superclasses"), value: id("value"),
	}
}()

// fieldParents are the node types whose children's fields the walker asks
// for (ChildByFieldName/FieldNameForChild work only under them).
var fieldParents = []string{
	"decorated_definition", "function_definition", "class_definition", "default_parameter",
	"typed_default_parameter", "typed_parameter", "aliased_import", "import_from_statement", "import_statement",
	"if_statement", "elif_clause", "else_clause", "assignment", "augmented_assignment", "call",
	"attribute", "keyword_argument", "conditional_expression",
}

// wantFields flags, by symbol, the node types of fieldParents.
var wantFields = sync.OnceValue(func() []C.uint8_t {
	names := pythonNames()
	want := make([]C.uint8_t, len(names.symbols))
	lang := python.GetLanguage()
	for i, name := range names.symbols {
		for _, p := range fieldParents {
			if name == p {
				want[i] |= 1
			}
		}
		switch lang.SymbolType(sitter.Symbol(i)) {
		case sitter.SymbolTypeRegular:
			want[i] |= 2
			if name == "string" {
				want[i] |= 4
			}
		case sitter.SymbolTypeAnonymous:
			if name != "," { // loneComma reads commas
				want[i] |= 8
			}
		}
	}
	return want
})

// flatten copies tree, parsed from src, into C memory; the caller frees it.
func flatten(tree *sitter.Tree, src []byte) *flatTree {
	return flattenNode(rootOf(tree), src)
}

// rootOf is the C root node of tree. sitter.Node's first field is the C
// TSNode; the layouts are the same C struct.
func rootOf(tree *sitter.Tree) C.TSNode { return *(*C.TSNode)(unsafe.Pointer(tree.RootNode())) }

// topNode is one visible child of a tree's root (from C.mp_top).
type topNode struct {
	start, end uint32
	symbol     uint16
	flags      uint8
}

// hasError reports an error at or under the node.
func (t *topNode) hasError() bool {
	return t.flags&C.MP_HAS_ERROR != 0 || t.symbol == errorSymbol || t.flags&C.MP_MISSING != 0
}

// topLevel lists the visible children of root, in order.
func topLevel(root C.TSNode) []topNode {
	want := wantFields()
	var out *C.mp_top
	n := int(C.mp_top_level(root, &want[0], C.uint32_t(len(want)), &out))
	if n < 0 {
		panic("flatten: out of memory")
	}
	defer C.free(unsafe.Pointer(out))
	tops := make([]topNode, n)
	for i, t := range unsafe.Slice(out, n) {
		tops[i] = topNode{start: uint32(t.start), end: uint32(t.end), symbol: uint16(t.symbol), flags: uint8(t.flags)}
	}
	return tops
}

// flattenNode copies the tree under root, the root of its tree, into C
// memory; the caller frees it.
func flattenNode(root C.TSNode, src []byte) *flatTree {
	want := wantFields()
	return flatBlock(C.mp_flatten(root, &want[0], C.uint32_t(len(want)), srcPtr(src), C.uint32_t(len(src))))
}

// srcPtr is src for C (nil when empty).
func srcPtr(src []byte) *C.char {
	if len(src) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&src[0]))
}

// flatBlock wraps a block mp_copy made.
func flatBlock(b *C.mp_block) *flatTree {
	if b == nil {
		panic("flatten: out of memory")
	}
	return &flatTree{block: b}
}

// topCursor copies top-level children of a tree's root one at a time, in
// order, as topLevel lists them. Its cursor starts at the root, as mp_copy
// requires.
type topCursor struct{ c *C.TSTreeCursor }

// newTopCursor returns a topCursor on the i-th visible child of root
// (i < len(topLevel(root))); the caller closes it.
func newTopCursor(root C.TSNode, i int) *topCursor {
	c := C.mp_cursor_new(root)
	if c == nil {
		panic("flatten: out of memory")
	}
	t := &topCursor{c: c}
	if !C.ts_tree_cursor_goto_first_child(c) {
		t.close()
		panic("flatten: the root has no child")
	}
	for ; i > 0; i-- {
		if !C.ts_tree_cursor_goto_next_sibling(c) {
			t.close()
			panic("flatten: past the root's last child")
		}
	}
	return t
}

// flatten copies the current child into C memory (the caller frees it) and
// moves on to the next child.
func (t *topCursor) flatten(src []byte) *flatTree {
	want := wantFields()
	flat := flatBlock(C.mp_copy(t.c, &want[0], C.uint32_t(len(want)), srcPtr(src), C.uint32_t(len(src))))
	C.ts_tree_cursor_goto_next_sibling(t.c)
	return flat
}

// close releases the cursor.
func (t *topCursor) close() {
	C.mp_cursor_free(t.c)
	t.c = nil
}

// free releases the C memory; no node may be used afterwards.
func (t *flatTree) free() {
	C.free(unsafe.Pointer(t.block))
	t.block = nil
}

func (t *flatTree) root() *fnode { return (*fnode)(unsafe.Pointer(C.mp_nodes(t.block))) }

// nodeAt returns node i of n's block (i < 0: nil). Nodes are contiguous
// after the header, so node i is n's address moved by (i - n.self) nodes.
func (n *fnode) nodeAt(i int32) *fnode {
	if i < 0 {
		return nil
	}
	return (*fnode)(unsafe.Add(unsafe.Pointer(n), int(i-n.self)*int(unsafe.Sizeof(fnode{}))))
}

// block returns the header of n's block.
func (n *fnode) block() *C.mp_block {
	return (*C.mp_block)(unsafe.Add(unsafe.Pointer(n), -int(n.self)*int(unsafe.Sizeof(fnode{}))-C.sizeof_mp_block))
}

// kid returns entry i of the block's kids (named: of its named) array.
func (n *fnode) kid(i uint32, named bool) int32 {
	b := n.block()
	kids := unsafe.Add(unsafe.Pointer(n.nodeAt(0)), int(b.n)*int(unsafe.Sizeof(fnode{})))
	if named {
		i += uint32(b.n_kids)
	}
	return *(*int32)(unsafe.Add(kids, int(i)*4))
}

func (n *fnode) Type() string { return symbolName(n.symbol) }

// symbolName is the node type of a grammar symbol.
func symbolName(sym uint16) string {
	if sym == errorSymbol {
		return "ERROR"
	}
	names := pythonNames()
	if int(sym) < len(names.symbols) {
		return names.symbols[sym]
	}
	return ""
}

func (n *fnode) StartByte() uint32 { return n.start }
func (n *fnode) EndByte() uint32   { return n.end }
func (n *fnode) IsNamed() bool     { return n.flags&C.MP_NAMED != 0 }
func (n *fnode) IsMissing() bool   { return n.flags&C.MP_MISSING != 0 }
func (n *fnode) IsError() bool     { return n.symbol == errorSymbol }
func (n *fnode) HasError() bool    { return n.flags&C.MP_HAS_ERROR != 0 }
func (n *fnode) Parent() *fnode    { return n.nodeAt(n.parent) }
func (n *fnode) ChildCount() uint32 {
	return n.childCount
}

// Child returns the i-th child (named or not), or nil.
func (n *fnode) Child(i int) *fnode {
	if i < 0 || i >= int(n.childCount) {
		return nil
	}
	return n.nodeAt(n.kid(n.kidsAt+uint32(i), false))
}

// NamedChildCount counts the named children.
func (n *fnode) NamedChildCount() uint32 { return n.namedCount }

// NamedChild returns the i-th named child, or nil.
func (n *fnode) NamedChild(i int) *fnode {
	if i < 0 || i >= int(n.namedCount) {
		return nil
	}
	return n.nodeAt(n.kid(n.namedAt+uint32(i), true))
}

// ChildByFieldName returns the first child in that field, or nil.
func (n *fnode) ChildByFieldName(name string) *fnode {
	id, ok := pythonNames().fieldID[name]
	if !ok {
		return nil
	}
	return n.byField(id)
}

// byField returns the first child in the field with that id (see fld), or nil.
func (n *fnode) byField(id uint16) *fnode {
	kids := n.kids()
	for _, k := range kids {
		if c := n.nodeAt(k); c.field == id {
			return c
		}
	}
	return nil
}

// kids returns the indexes of n's children, in order (a view of the block).
func (n *fnode) kids() []int32 {
	if n.childCount == 0 {
		return nil
	}
	b := n.block()
	at := unsafe.Add(unsafe.Pointer(n.nodeAt(0)), int(b.n)*int(unsafe.Sizeof(fnode{}))+int(n.kidsAt)*4)
	return unsafe.Slice((*int32)(at), n.childCount)
}

// FieldNameForChild returns the field name of the i-th child, or "".
func (n *fnode) FieldNameForChild(i int) string {
	c := n.Child(i)
	if c == nil {
		return ""
	}
	names := pythonNames()
	if int(c.field) < len(names.fields) {
		return names.fields[c.field]
	}
	return ""
}

// children returns the children in order.
func (n *fnode) eachChild(fn func(*fnode)) {
	for _, k := range n.kids() {
		fn(n.nodeAt(k))
	}
}
