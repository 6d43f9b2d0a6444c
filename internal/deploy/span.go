package deploy

import (
	"github.com/multiprom/multiprom/internal/source"
	"mvdan.cc/sh/v3/syntax"
)

// exactSpan maps a node of a whole-file shell parse to its span, widened
// to whole lines: a finding on a script points at the command's lines.
func exactSpan(src []byte) func(syntax.Node) source.Span {
	idx := source.NewLineIndex(src)
	return func(n syntax.Node) source.Span {
		start, end := int(n.Pos().Offset()), int(n.End().Offset())
		start = min(max(start, 0), len(src))
		end = min(max(end, start), len(src))
		if end > start {
			end-- // the last byte of the node, not the start of the next line
		}
		return source.Span{Start: idx.LineStart(idx.Line(start)), End: idx.LineEnd(idx.Line(end))}
	}
}
