package deploy

import (
	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/yaml.v3"
)

// ComposeServices parses a docker compose file and returns its top-level
// services mapping, or nil when the file does not parse or has none. The
// start-up model and the code actions (which service to edit) read compose
// files through it, so they agree on what a service is.
func ComposeServices(src []byte) *yaml.Node {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	services := MapValue(doc.Content[0], "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return nil
	}
	return services
}

// MapValue returns the value node of key in mapping n, or nil when n is not
// a mapping or has no such key. With a duplicated key the first wins.
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

// MapKey returns the key node of key in mapping n, or nil.
func MapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
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
