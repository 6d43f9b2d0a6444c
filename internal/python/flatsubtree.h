// flatsubtree.h: mp_flatten_direct, the copy of a tree that reads
// tree-sitter's subtrees directly instead of through a TSTreeCursor.
//
// Why: the cursor's steps (a child iterator rebuilt for every sibling, a
// node made for every child, the position in rows and columns) were 14 % of
// a corpus check on top of the parse (bench/RESULTS.md). The walk below
// does what the cursor does for visibility, aliases and fields, in bytes
// only, over an explicit stack.
//
// It reads tree-sitter's internal layouts, declared here as the version that
// go.mod pins compiles them (lib/src/subtree.h, tree.h and the ABI-14
// TSLanguage of parser.h). Two guards: the Go side compares this copy with
// the cursor's copy of a sample at start-up and uses the cursor when they
// differ (mp_flatten stays), and TestFlatTreeMatchesNodeAPI compares it
// with the node API on every Python file of the repository.
//
// Included once, by flattree.go's preamble, after mp_node and mp_block.

typedef struct { uint32_t bytes, row, column; } mp_length;

// SubtreeInlineData, little-endian layout (is_inline is the low bit of the
// word, where a heap pointer always has a 0).
typedef struct {
	bool is_inline : 1;
	bool visible : 1;
	bool named : 1;
	bool extra : 1;
	bool has_changes : 1;
	bool is_missing : 1;
	bool is_keyword : 1;
	uint8_t symbol;
	uint16_t parse_state;
	uint8_t padding_columns;
	uint8_t padding_rows : 4;
	uint8_t lookahead_bytes : 4;
	uint8_t padding_bytes;
	uint8_t size_bytes;
} mp_inline;

// SubtreeHeapData; its children are stored just before it.
typedef struct {
	volatile uint32_t ref_count;
	mp_length padding;
	mp_length size;
	uint32_t lookahead_bytes;
	uint32_t error_cost;
	uint32_t child_count;
	uint16_t symbol;
	uint16_t parse_state;
	bool visible : 1;
	bool named : 1;
	bool extra : 1;
	bool fragile_left : 1;
	bool fragile_right : 1;
	bool has_changes : 1;
	bool has_external_tokens : 1;
	bool has_external_scanner_state_change : 1;
	bool depends_on_column : 1;
	bool is_missing : 1;
	bool is_keyword : 1;
	union {
		struct {
			uint32_t visible_child_count;
			uint32_t named_child_count;
			uint32_t visible_descendant_count;
			int32_t dynamic_precedence;
			uint16_t repeat_depth;
			uint16_t production_id;
			struct { uint16_t symbol, parse_state; } first_leaf;
		};
		struct {
			union { char *long_data; char short_data[24]; };
			uint32_t length;
		} external_scanner_state;
		int32_t lookahead_char;
	};
} mp_heap;

typedef union { mp_inline data; const mp_heap *ptr; } mp_subtree;

typedef struct { uint16_t field_id; uint8_t child_index; bool inherited; } mp_field_entry;
typedef struct { uint16_t index, length; } mp_field_slice;
typedef struct { bool visible, named, supertype; } mp_symbol_meta;

// The head of TSLanguage (ABI 14), up to the tables the walk reads.
typedef struct {
	uint32_t version, symbol_count, alias_count, token_count, external_token_count, state_count,
		large_state_count, production_id_count, field_count;
	uint16_t max_alias_sequence_length;
	const uint16_t *parse_table;
	const uint16_t *small_parse_table;
	const uint32_t *small_parse_table_map;
	const void *parse_actions;
	const char *const *symbol_names;
	const char *const *field_names;
	const mp_field_slice *field_map_slices;
	const mp_field_entry *field_map_entries;
	const mp_symbol_meta *symbol_metadata;
	const uint16_t *public_symbol_map;
	const uint16_t *alias_map;
	const uint16_t *alias_sequences;
} mp_language;

// The head of TSTree.
typedef struct {
	mp_subtree root;
	const mp_language *language;
} mp_tree;

enum { MP_SYM_ERROR = 0xFFFF };

static inline bool mp_st_visible(mp_subtree s) { return s.data.is_inline ? s.data.visible : s.ptr->visible; }
static inline bool mp_st_named(mp_subtree s) { return s.data.is_inline ? s.data.named : s.ptr->named; }
static inline bool mp_st_extra(mp_subtree s) { return s.data.is_inline ? s.data.extra : s.ptr->extra; }
static inline bool mp_st_missing(mp_subtree s) { return s.data.is_inline ? s.data.is_missing : s.ptr->is_missing; }
static inline uint16_t mp_st_symbol(mp_subtree s) { return s.data.is_inline ? s.data.symbol : s.ptr->symbol; }
static inline uint32_t mp_st_size(mp_subtree s) { return s.data.is_inline ? s.data.size_bytes : s.ptr->size.bytes; }
static inline uint32_t mp_st_padding(mp_subtree s) { return s.data.is_inline ? s.data.padding_bytes : s.ptr->padding.bytes; }
static inline uint32_t mp_st_child_count(mp_subtree s) { return s.data.is_inline ? 0 : s.ptr->child_count; }
static inline uint32_t mp_st_visible_child_count(mp_subtree s) {
	return mp_st_child_count(s) > 0 ? s.ptr->visible_child_count : 0;
}
static inline const mp_subtree *mp_st_children(mp_subtree s) { return (const mp_subtree *)s.ptr - s.ptr->child_count; }
// ts_subtree_error_cost > 0: a missing node always costs.
static inline bool mp_st_has_error(mp_subtree s) {
	return mp_st_missing(s) || (!s.data.is_inline && s.ptr->error_cost > 0);
}

// mp_frame is a subtree whose children are being copied: a visible node's,
// or a hidden node's whose visible descendants belong to the visible node
// above it (parent).
typedef struct {
	const mp_subtree *children;
	uint32_t count, index, structural;
	uint32_t pos;            // start byte of the next child, before its padding
	const uint16_t *aliases; // the production's alias sequence, or NULL
	const mp_field_entry *fields, *fields_end; // its field map (only when fields are wanted)
	int32_t parent;          // the flat index of the visible node above
	uint16_t field;          // a hidden node's own field, inherited by its children
	bool hidden, want_fields;
} mp_frame;

static void mp_frame_init(mp_frame *f, const mp_language *lang, mp_subtree s, uint32_t start, int32_t parent,
	bool hidden, uint16_t field, bool want_fields) {
	f->children = mp_st_children(s);
	f->count = s.ptr->child_count;
	f->index = 0;
	f->structural = 0;
	f->pos = start;
	uint16_t prod = s.ptr->production_id;
	f->aliases = prod ? &lang->alias_sequences[prod * lang->max_alias_sequence_length] : NULL;
	f->fields = f->fields_end = NULL;
	if (want_fields && lang->field_count > 0) {
		mp_field_slice slice = lang->field_map_slices[prod];
		f->fields = &lang->field_map_entries[slice.index];
		f->fields_end = f->fields + slice.length;
	}
	f->parent = parent;
	f->field = field;
	f->hidden = hidden;
	f->want_fields = want_fields;
}

// mp_field_of is the field of the child at structural index i of frame f
// (ts_tree_cursor_current_field_id: the first non-inherited entry walking
// up through hidden frames).
static inline uint16_t mp_field_of(const mp_frame *f, uint32_t i) {
	for (const mp_field_entry *e = f->fields; e < f->fields_end; e++) {
		if (!e->inherited && e->child_index == i) return e->field_id;
	}
	return f->hidden ? f->field : 0;
}

// mp_flatten_direct is mp_flatten without the cursor: the same block, the
// same nodes in the same order.
static mp_block *mp_flatten_direct(TSNode root, const uint8_t *want, uint32_t want_len, const char *src, uint32_t src_len) {
	const mp_language *lang = ((const mp_tree *)root.tree)->language;
	mp_subtree rs = *(const mp_subtree *)root.id;
	bool clean = !mp_st_has_error(rs);
	uint32_t span = mp_st_size(rs);
	int32_t cap = (int32_t)(((uint64_t)span * 3) / 8) + 64, n = 0;
	mp_block *b = malloc(sizeof(mp_block) + sizeof(mp_node) * cap);
	int32_t scap = 64, depth = 0;
	mp_frame *stack = malloc(sizeof(mp_frame) * scap);
	if (!b || !stack) { free(b); free(stack); return NULL; }

	// The root: as ts_node_symbol and ts_node_is_named read it.
	mp_node *buf = mp_nodes(b);
	uint16_t ralias = (uint16_t)root.context[3];
	uint16_t rsym = ralias ? ralias : mp_st_symbol(rs);
	buf[0] = (mp_node){0};
	buf[0].start = root.context[0];
	buf[0].end = root.context[0] + span;
	buf[0].parent = -1;
	buf[0].self = 0;
	buf[0].symbol = rsym == MP_SYM_ERROR ? rsym : lang->public_symbol_map[rsym];
	bool rnamed = ralias ? lang->symbol_metadata[ralias].named : mp_st_named(rs);
	buf[0].flags = (rnamed ? MP_NAMED : 0) |
		(!clean ? ((mp_st_missing(rs) ? MP_MISSING : 0) | (mp_st_has_error(rs) ? MP_HAS_ERROR : 0)) : 0);
	n = 1;
	if (mp_st_child_count(rs) > 0) {
		bool wf = buf[0].symbol < want_len && (want[buf[0].symbol] & 1);
		mp_frame_init(&stack[depth++], lang, rs, root.context[0], 0, false, 0, wf);
	}
	while (depth > 0) {
		mp_frame *f = &stack[depth - 1];
		if (f->index == f->count) {
			depth--;
			continue;
		}
		mp_subtree c = f->children[f->index];
		if (f->index > 0) f->pos += mp_st_padding(c);
		uint32_t start = f->pos;
		uint32_t size = mp_st_size(c);
		f->pos += size;
		f->index++;
		bool extra = mp_st_extra(c);
		uint16_t alias = 0;
		uint32_t structural = f->structural;
		if (!extra) {
			if (f->aliases) alias = f->aliases[structural];
			f->structural++;
		}
		bool visible = mp_st_visible(c) || alias != 0;
		if (!visible && mp_st_visible_child_count(c) == 0) continue;
		uint16_t field = 0;
		if (f->want_fields && !extra) field = mp_field_of(f, structural);
		if (!visible) {
			// A hidden node: its children belong to f's visible node.
			if (depth == scap) {
				scap *= 2;
				mp_frame *grown = realloc(stack, sizeof(mp_frame) * scap);
				if (!grown) { free(b); free(stack); return NULL; }
				stack = grown;
				f = &stack[depth - 1];
			}
			mp_frame_init(&stack[depth], lang, c, start, f->parent, true, field, f->want_fields);
			depth++;
			continue;
		}
		if (n >= cap) {
			cap *= 2;
			mp_block *grown = realloc(b, sizeof(mp_block) + sizeof(mp_node) * cap);
			if (!grown) { free(b); free(stack); return NULL; }
			b = grown;
			buf = mp_nodes(b);
		}
		int32_t parent = f->parent;
		mp_node *o = &buf[n];
		uint16_t sym = alias ? alias : mp_st_symbol(c);
		o->start = start;
		o->end = start + size;
		o->parent = parent;
		o->self = n;
		o->child_count = 0;
		o->named_count = 0;
		o->symbol = sym == MP_SYM_ERROR ? sym : lang->public_symbol_map[sym];
		o->field = field;
		o->pad[0] = o->pad[1] = o->pad[2] = 0;
		bool named = alias ? lang->symbol_metadata[alias].named : mp_st_named(c);
		o->flags = named ? MP_NAMED : 0;
		if (!clean) {
			o->flags |= (mp_st_missing(c) ? MP_MISSING : 0) | (mp_st_has_error(c) ? MP_HAS_ERROR : 0);
		}
		if (!named && mp_dropped(o, parent, want, want_len) && mp_st_child_count(c) == 0) continue;
		buf[parent].child_count++;
		if (named) buf[parent].named_count++;
		int32_t self = n++;
		if (mp_st_child_count(c) == 0) continue;
		// A string literal without an f or t prefix is copied as a leaf
		// (see mp_flatten).
		if (o->symbol < want_len && (want[o->symbol] & 4) && !(o->flags & MP_HAS_ERROR) &&
			mp_plain_string(src, src_len, start)) continue;
		if (depth == scap) {
			scap *= 2;
			mp_frame *grown = realloc(stack, sizeof(mp_frame) * scap);
			if (!grown) { free(b); free(stack); return NULL; }
			stack = grown;
		}
		bool wf = o->symbol < want_len && (want[o->symbol] & 1);
		mp_frame_init(&stack[depth++], lang, c, start, self, false, 0, wf);
	}
	free(stack);
	return mp_finish(b, n);
}
