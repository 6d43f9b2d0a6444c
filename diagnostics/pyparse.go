package diagnostics

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
func ParsePython(ctx context.Context, old *sitter.Tree, src []byte) (*sitter.Tree, error) {
	p := parserPool.Get().(*sitter.Parser)
	defer parserPool.Put(p)
	tree, err := p.ParseCtx(ctx, old, src)
	if err != nil {
		p.Reset()
		return nil, fmt.Errorf("parse python: %w", err)
	}
	return tree, nil
}
