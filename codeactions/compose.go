package codeactions

import (
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/yaml.v3"
)

// composeEdits sets the variable on the compose service that runs the app
// and mounts the directory as a tmpfs (empty on every container start),
// each only when missing. The service is the one whose command runs
// gunicorn, else the only service built from the project. Flow-style maps
// are left alone (note): their layout is the user's. The result is parsed
// again before it is offered.
func composeEdits(p *project.Project, f *project.File, dir string) ([]diagnostics.Edit, string) {
	services := deploy.ComposeServices(f.Src)
	if services == nil {
		return nil, ""
	}
	name := appComposeService(p, f, services)
	if name == "" {
		return nil, ""
	}
	svc := deploy.MapValue(services, name)
	if svc == nil || svc.Kind != yaml.MappingNode || len(svc.Content) == 0 {
		return nil, ""
	}
	if svc.Style&yaml.FlowStyle != 0 {
		return nil, f.Path + ": service " + name + " is a flow-style map; add " + project.EnvVar + " to it by hand"
	}
	src := string(f.Src)
	nl := "\n"
	if strings.Contains(src, "\r\n") {
		nl = "\r\n"
	}
	idx := f.Lines()
	lineStart := func(line int) int { return idx.LineStart(line - 1) }
	keyIndent := strings.Repeat(" ", svc.Content[0].Column-1)
	// New keys go after the service's last value.
	bottom := lineStart(yamlEndLine(svc.Content[len(svc.Content)-1]) + 1)
	value := strconv.Quote(dir)

	var edits []diagnostics.Edit
	var added string
	env := deploy.MapValue(svc, "environment")
	switch {
	case setsVar(p, f):
	case env == nil:
		added += keyIndent + "environment:" + nl + keyIndent + "  " + project.EnvVar + ": " + value + nl
	case env.Style&yaml.FlowStyle != 0:
		return nil, f.Path + ": environment of " + name + " is flow-style; add " + project.EnvVar + " to it by hand"
	case env.Kind == yaml.MappingNode && len(env.Content) >= 2:
		first, last := env.Content[0], env.Content[len(env.Content)-1]
		at := lineStart(yamlEndLine(last) + 1)
		edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at},
			NewText: strings.Repeat(" ", first.Column-1) + project.EnvVar + ": " + value + nl})
	case env.Kind == yaml.SequenceNode && len(env.Content) >= 1:
		first, last := env.Content[0], env.Content[len(env.Content)-1]
		ls := lineStart(first.Line)
		prefix := src[ls : ls+first.Column-1] // e.g. "      - "
		if strings.TrimSpace(prefix) != "-" {
			return nil, f.Path + ": cannot follow the layout of " + name + "'s environment; add " + project.EnvVar + " by hand"
		}
		at := lineStart(yamlEndLine(last) + 1)
		edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at},
			NewText: prefix + strconv.Quote(project.EnvVar+"="+dir) + nl})
	default:
		return nil, f.Path + ": environment of " + name + " is empty or unusual; add " + project.EnvVar + " by hand"
	}
	if deploy.MapValue(svc, "tmpfs") == nil && len(edits)+len(added) > 0 {
		added += keyIndent + "tmpfs:" + nl + keyIndent + "  - " + value + nl
	}
	if added != "" {
		merged := false
		for i := range edits {
			if edits[i].Span.Start == bottom {
				edits[i].NewText += added // one insertion per offset
				merged = true
			}
		}
		if !merged {
			edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: bottom, End: bottom}, NewText: added})
		}
	}
	if len(edits) == 0 {
		return nil, ""
	}
	for i, e := range edits {
		if e.Span.Start == len(src) && src != "" && !strings.HasSuffix(src, "\n") {
			edits[i].NewText = nl + e.NewText
		}
	}
	// Prove it: the result is YAML whose service has the variable.
	out, err := ApplyEdits(f.Src, edits)
	if err != nil || !composeSetsVar(out, name) {
		return nil, f.Path + ": could not add " + project.EnvVar + " to service " + name + " safely; add it by hand"
	}
	return edits, ""
}

// yamlEndLine is the last line a node's value occupies (block scalars and
// nested blocks included), 1-based.
func yamlEndLine(n *yaml.Node) int {
	end := n.Line
	if n.Kind == yaml.ScalarNode && (n.Style&(yaml.LiteralStyle|yaml.FoldedStyle)) != 0 {
		end += strings.Count(strings.TrimRight(n.Value, "\n"), "\n") + 1
	}
	for _, c := range n.Content {
		if l := yamlEndLine(c); l > end {
			end = l
		}
	}
	return end
}

// composeSetsVar parses a compose file and reports whether the service
// sets PROMETHEUS_MULTIPROC_DIR.
func composeSetsVar(src []byte, service string) bool {
	var doc struct {
		Services map[string]struct {
			Environment any `yaml:"environment"`
		} `yaml:"services"`
	}
	if yaml.Unmarshal(src, &doc) != nil {
		return false
	}
	switch env := doc.Services[service].Environment.(type) {
	case map[string]any:
		_, ok := env[project.EnvVar]
		return ok
	case []any:
		for _, it := range env {
			if s, ok := it.(string); ok && strings.HasPrefix(s, project.EnvVar+"=") {
				return true
			}
		}
	}
	return false
}

// appComposeService is the service that runs the app: the one whose command
// runs gunicorn, else the only one built from the project ("" if unsure).
func appComposeService(p *project.Project, f *project.File, services *yaml.Node) string {
	for _, c := range p.Facts.Commands {
		if c.File == f {
			if name := composeServiceAt(f, c.Span.Start); name != "" {
				return name
			}
		}
	}
	var built []string
	for i := 0; i+1 < len(services.Content); i += 2 {
		if deploy.MapValue(services.Content[i+1], "build") != nil {
			built = append(built, services.Content[i].Value)
		}
	}
	if len(built) == 1 {
		return built[0]
	}
	return ""
}
