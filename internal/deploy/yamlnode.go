package deploy

import (
	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/yaml.v3"
)

// MapValue returns the value of key in a YAML mapping node, or nil.
func MapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalars returns a scalar node's value, or a sequence's scalar values.
func scalars(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode {
				out = append(out, c.Value)
			}
		}
		return out
	}
	return nil
}

// lineSpan is the span of the line a node starts on.
func lineSpan(idx *source.LineIndex, n *yaml.Node) source.Span {
	l := max(n.Line-1, 0)
	return source.Span{Start: idx.LineStart(l), End: idx.LineEnd(l)}
}
