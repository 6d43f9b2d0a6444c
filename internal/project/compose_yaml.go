package project

import "gopkg.in/yaml.v3"

// ComposeServices parses a docker compose file and returns its top-level
// services mapping, or nil when the file does not parse or has none. The
// facts (commands, environment) and the code actions (which service to
// edit) read compose files through it, so they agree on what a service is.
func ComposeServices(src []byte) *yaml.Node {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	services := YAMLMapValue(doc.Content[0], "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return nil
	}
	return services
}

// YAMLMapValue returns the value node of key in mapping n, or nil when n is
// not a mapping or has no such key. With a duplicated key the first wins.
func YAMLMapValue(n *yaml.Node, key string) *yaml.Node {
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
