package python

import (
	"context"
	"fmt"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

// A tree-sitter parser is not safe for concurrent use, so parsers are pooled:
// each goroutine takes its own and gives it back.
var parserPool = sync.Pool{New: func() any {
	p := sitter.NewParser()
	p.SetLanguage(python.GetLanguage())
	return p
}}

// ParsePython parses src, reusing old (already edited with Tree.Edit) for an
// incremental parse when it is not nil.
//
// The parse itself is not cancellable: go-tree-sitter's ParseCtx watches the
// context from a goroutine that can set the parser's cancel flag after the
// parse has finished, and nothing clears that flag, so a pooled parser would
// fail every later parse. A parse is bounded by the file size limit, so the
// context is checked before parsing instead.
func ParsePython(ctx context.Context, old *sitter.Tree, src []byte) (*sitter.Tree, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("parse python: %w", err)
	}
	p := parserPool.Get().(*sitter.Parser)
	tree, err := p.ParseCtx(context.Background(), old, src)
	if err != nil {
		// A parser in an unknown state is not given back.
		p.Close()
		return nil, fmt.Errorf("parse python: %w", err)
	}
	parserPool.Put(p)
	return tree, nil
}

// Parse parses src and returns its summary; the syntax tree is not kept.
func Parse(ctx context.Context, src []byte) (*Module, error) {
	tree, err := ParsePython(ctx, nil, src)
	if err != nil {
		return nil, err
	}
	return summarizeAndClose(tree, src), nil
}
