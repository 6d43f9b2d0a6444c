package diagnostics

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

// Declarations of the tree-sitter C API compiled into go-tree-sitter (the
// version go.mod pins; TestFlatTreeMatchesNodeAPI guards the layouts).
typedef struct { uint32_t context[4]; const void *id; const void *tree; } TSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;

TSSymbol ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
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

typedef struct {
	uint32_t start, end;
	int32_t parent, first, next;
	uint32_t child_count;
	uint16_t symbol, field;
	uint8_t flags;
} mp_node;

// mp_flatten writes the visible nodes under root in document order (a
// node before its children) into a malloc'd array (*out, freed by the
// caller) and returns how many there are, or -1 when memory runs out. One
// C call per tree instead of several per node. Field ids are looked up only
// for children of the node types flagged in want (indexed by symbol):
// ts_tree_cursor_current_field_id was half the cost of the walk.
static int32_t mp_flatten(TSNode root, const uint8_t *want, uint32_t want_len, mp_node **out) {
	// want[symbol] bit 1: read the fields of its children; bit 2: the symbol is named
	// (the symbol's metadata, what ts_node_is_named reads; ERROR is named).
	int32_t cap = 1024, n = 0, cur = -1, last_child = -1;
	mp_node *buf = malloc(sizeof(mp_node) * cap);
	if (!buf) return -1;
	TSTreeCursor c = ts_tree_cursor_new(root);
	for (;;) {
		if (n >= cap) {
			cap *= 2;
			mp_node *grown = realloc(buf, sizeof(mp_node) * cap);
			if (!grown) { free(buf); ts_tree_cursor_delete(&c); return -1; }
			buf = grown;
		}
		TSNode node = ts_tree_cursor_current_node(&c);
		mp_node *o = &buf[n];
		o->start = ts_node_start_byte(node);
		o->end = ts_node_end_byte(node);
		o->parent = cur;
		o->first = -1;
		o->next = -1;
		o->child_count = 0;
		o->symbol = ts_node_symbol(node);
		o->field = 0;
		if (cur >= 0 && buf[cur].symbol < want_len && (want[buf[cur].symbol] & 1)) {
			o->field = ts_tree_cursor_current_field_id(&c);
		}
		bool named = o->symbol < want_len ? (want[o->symbol] & 2) != 0 : ts_node_is_named(node);
		o->flags = (named ? MP_NAMED : 0) | (ts_node_is_missing(node) ? MP_MISSING : 0) |
			(ts_node_has_error(node) ? MP_HAS_ERROR : 0);
		if (cur >= 0) {
			if (last_child >= 0) buf[last_child].next = n; else buf[cur].first = n;
			buf[cur].child_count++;
		}
		int32_t self = n++;
		if (ts_tree_cursor_goto_first_child(&c)) {
			cur = self;
			last_child = -1;
			continue;
		}
		last_child = self;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				*out = buf;
				return n;
			}
			last_child = cur;
			cur = buf[cur].parent;
		}
	}
}
*/
import "C"

import (
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

// flatTree is a parsed tree copied into Go memory by one C call: the walker
// reads it without a cgo call per node (those were most of a summary's cost).
type flatTree struct {
	nodes []fnode
	// kids and named hold each node's children (all, and named only) as
	// contiguous runs (fnode.kidsAt, fnode.namedAt), so Child(i) and
	// NamedChild(i) are O(1). Walking the sibling list for each index made
	// the walker's index loops quadratic: a 2 MB module of 50,000
	// statements took minutes (found by the hostile-input tests).
	kids, named []int32
}

// fnode mirrors the few sitter.Node methods the walker uses.
type fnode struct {
	t                   *flatTree
	start, end          uint32
	parent, first, next int32
	childCount          uint32
	kidsAt, namedAt     uint32
	namedCount          uint32
	symbol, field       uint16
	flags               uint8
}

const errorSymbol = 0xFFFF // ts_builtin_sym_error

// pythonNames are the grammar's symbol and field names, read once (the
// language is immutable).
var pythonNames = sync.OnceValue(func() (names struct {
	symbols []string
	fields  []string
	fieldID map[string]uint16
}) {
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
})

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
		if lang.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular {
			want[i] |= 2
		}
	}
	return want
})

// flatten copies tree into Go memory.
func flatten(tree *sitter.Tree, srcLen int) *flatTree {
	root := tree.RootNode()
	// sitter.Node's first field is the C TSNode; the layouts are the same C struct.
	cnode := *(*C.TSNode)(unsafe.Pointer(root))
	want := wantFields()
	var out *C.mp_node
	n := int(C.mp_flatten(cnode, &want[0], C.uint32_t(len(want)), &out))
	if n < 0 {
		panic("flatten: out of memory")
	}
	defer C.free(unsafe.Pointer(out))
	buf := unsafe.Slice(out, n)
	t := &flatTree{nodes: make([]fnode, n)}
	for i := range buf {
		b := &buf[i]
		t.nodes[i] = fnode{t: t, start: uint32(b.start), end: uint32(b.end), parent: int32(b.parent),
			first: int32(b.first), next: int32(b.next), childCount: uint32(b.child_count),
			symbol: uint16(b.symbol), field: uint16(b.field), flags: uint8(b.flags)}
	}
	t.index()
	return t
}

// index lays out every node's children contiguously. Nodes are in
// document order, so appending each node to its parent's run keeps the
// children in order.
func (t *flatTree) index() {
	var all, named uint32
	for i := range t.nodes {
		n := &t.nodes[i]
		n.kidsAt, all = all, all+n.childCount
		if p := t.at(n.parent); p != nil && n.IsNamed() {
			p.namedCount++
		}
	}
	for i := range t.nodes {
		n := &t.nodes[i]
		n.namedAt, named = named, named+n.namedCount
	}
	t.kids, t.named = make([]int32, all), make([]int32, named)
	fillAll, fillNamed := make([]uint32, len(t.nodes)), make([]uint32, len(t.nodes))
	for i := range t.nodes {
		pi := t.nodes[i].parent
		if pi < 0 {
			continue
		}
		p := &t.nodes[pi]
		t.kids[p.kidsAt+fillAll[pi]] = int32(i)
		fillAll[pi]++
		if t.nodes[i].IsNamed() {
			t.named[p.namedAt+fillNamed[pi]] = int32(i)
			fillNamed[pi]++
		}
	}
}

func (t *flatTree) root() *fnode { return &t.nodes[0] }

func (t *flatTree) at(i int32) *fnode {
	if i < 0 {
		return nil
	}
	return &t.nodes[i]
}

func (n *fnode) Type() string {
	if n.symbol == errorSymbol {
		return "ERROR"
	}
	names := pythonNames()
	if int(n.symbol) < len(names.symbols) {
		return names.symbols[n.symbol]
	}
	return ""
}

func (n *fnode) StartByte() uint32 { return n.start }
func (n *fnode) EndByte() uint32   { return n.end }
func (n *fnode) IsNamed() bool     { return n.flags&C.MP_NAMED != 0 }
func (n *fnode) IsMissing() bool   { return n.flags&C.MP_MISSING != 0 }
func (n *fnode) IsError() bool     { return n.symbol == errorSymbol }
func (n *fnode) HasError() bool    { return n.flags&C.MP_HAS_ERROR != 0 }
func (n *fnode) Parent() *fnode    { return n.t.at(n.parent) }
func (n *fnode) ChildCount() uint32 {
	return n.childCount
}

// Child returns the i-th child (named or not), or nil.
func (n *fnode) Child(i int) *fnode {
	if i < 0 || i >= int(n.childCount) {
		return nil
	}
	return n.t.at(n.t.kids[n.kidsAt+uint32(i)])
}

// NamedChildCount counts the named children.
func (n *fnode) NamedChildCount() uint32 { return n.namedCount }

// NamedChild returns the i-th named child, or nil.
func (n *fnode) NamedChild(i int) *fnode {
	if i < 0 || i >= int(n.namedCount) {
		return nil
	}
	return n.t.at(n.t.named[n.namedAt+uint32(i)])
}

// ChildByFieldName returns the first child in that field, or nil.
func (n *fnode) ChildByFieldName(name string) *fnode {
	id, ok := pythonNames().fieldID[name]
	if !ok {
		return nil
	}
	for c := n.t.at(n.first); c != nil; c = n.t.at(c.next) {
		if c.field == id {
			return c
		}
	}
	return nil
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
	for c := n.t.at(n.first); c != nil; c = n.t.at(c.next) {
		fn(c)
	}
}
