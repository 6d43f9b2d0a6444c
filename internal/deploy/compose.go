package deploy

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/yaml.v3"
	"mvdan.cc/sh/v3/syntax"
)

// parseCompose reads a compose file with yaml.v3: for each service its
// command and entrypoint (string or list), environment (map or list),
// env_file, build context and Dockerfile, working_dir, and the tmpfs
// mounts that are empty at every start.
func parseCompose(src []byte, m *Model) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		m.Problems = append(m.Problems, Problem{Line: yamlErrorLine(err), Msg: "compose: " + yamlMessage(err)})
		return
	}
	if len(doc.Content) == 0 {
		return
	}
	idx := source.NewLineIndex(src)
	services := MapValue(doc.Content[0], "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		composeService(m, idx, services.Content[i].Value, services.Content[i+1])
	}
}

func composeService(m *Model, idx *source.LineIndex, name string, svc *yaml.Node) {
	vars := map[string]string{}
	if e := MapValue(svc, "environment"); e != nil {
		add := func(k, v string, n *yaml.Node) {
			v = strings.ReplaceAll(v, "$$", "$")
			vars[k] = v
			m.Assigns = append(m.Assigns, Assign{Name: k, Value: v, Span: lineSpan(idx, n), Phase: AtStart, How: "compose", Known: !strings.Contains(v, "$"), Unit: name})
		}
		switch e.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(e.Content); j += 2 {
				if v := e.Content[j+1]; v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
					add(e.Content[j].Value, v.Value, e.Content[j])
				}
			}
		case yaml.SequenceNode:
			for _, item := range e.Content {
				if k, v, ok := strings.Cut(item.Value, "="); ok {
					add(k, v, item)
				}
			}
		}
	}
	if ef := MapValue(svc, "env_file"); ef != nil {
		refs := scalars(ef)
		if ef.Kind == yaml.SequenceNode {
			for _, c := range ef.Content {
				if p := MapValue(c, "path"); p != nil {
					refs = append(refs, p.Value)
				}
			}
		}
		for _, r := range refs {
			m.EnvFiles = append(m.EnvFiles, Ref{Path: r, Span: lineSpan(idx, ef), Unit: name})
		}
	}
	if b := MapValue(svc, "build"); b != nil {
		bd := Build{Unit: name, Context: ".", Dockerfile: "Dockerfile", Span: lineSpan(idx, b)}
		if b.Kind == yaml.ScalarNode {
			bd.Context = b.Value
		} else {
			if c := MapValue(b, "context"); c != nil {
				bd.Context = c.Value
			}
			if d := MapValue(b, "dockerfile"); d != nil {
				bd.Dockerfile = d.Value
			}
		}
		m.Builds = append(m.Builds, bd)
	}
	dir := ""
	if w := MapValue(svc, "working_dir"); w != nil {
		dir = w.Value
	}
	for _, t := range scalars(MapValue(svc, "tmpfs")) {
		target, _, _ := strings.Cut(t, ":")
		m.Cleanups = append(m.Cleanups, Cleanup{Target: target, Span: lineSpan(idx, MapValue(svc, "tmpfs")), Phase: AtStart, How: "tmpfs", Unit: name})
	}
	if vols := MapValue(svc, "volumes"); vols != nil && vols.Kind == yaml.SequenceNode {
		for _, v := range vols.Content {
			if t := MapValue(v, "type"); t != nil && t.Value == "tmpfs" {
				if target := MapValue(v, "target"); target != nil {
					m.Cleanups = append(m.Cleanups, Cleanup{Target: target.Value, Span: lineSpan(idx, v), Phase: AtStart, How: "tmpfs", Unit: name})
				}
			}
		}
	}
	for _, key := range []string{"entrypoint", "command"} {
		c := MapValue(svc, key)
		if c == nil {
			continue
		}
		sp := lineSpan(idx, c)
		sh := newShell(m, AtStart, vars, "shell", name, dir, func(syntax.Node) source.Span { return sp })
		switch c.Kind {
		case yaml.ScalarNode:
			// compose splits a command string itself (no shell), and
			// interpolates $VAR; $$ is a literal $ for the container.
			sh.argv(strings.ReplaceAll(c.Value, "$$", "$"), sp, c.Line-1)
		case yaml.SequenceNode:
			var words []string
			for _, w := range scalars(c) {
				words = append(words, strings.ReplaceAll(w, "$$", "$"))
			}
			sh.call(words, nil, sp)
		}
	}
}

// parseKubernetes reads the pod specs of Kubernetes manifests (Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Pod, Job, CronJob) with yaml.v3:
// each container's command and args, env, workingDir, and the emptyDir
// volumes it mounts (empty at every pod start). A file that is not YAML,
// or YAML of another kind (a CI workflow, a Helm template), says nothing.
func parseKubernetes(src []byte, m *Model) {
	idx := source.NewLineIndex(src)
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) || err != nil {
			return
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		kind := MapValue(root, "kind")
		if kind == nil || MapValue(root, "apiVersion") == nil {
			continue
		}
		var spec *yaml.Node
		switch kind.Value {
		case "Pod":
			spec = MapValue(root, "spec")
		case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job":
			spec = MapValue(MapValue(MapValue(root, "spec"), "template"), "spec")
		case "CronJob":
			spec = MapValue(MapValue(MapValue(MapValue(MapValue(root, "spec"), "jobTemplate"), "spec"), "template"), "spec")
		}
		if spec != nil {
			podSpec(m, idx, spec)
		}
	}
}

func podSpec(m *Model, idx *source.LineIndex, spec *yaml.Node) {
	emptyDirs := map[string]bool{}
	if vols := MapValue(spec, "volumes"); vols != nil && vols.Kind == yaml.SequenceNode {
		for _, v := range vols.Content {
			if n := MapValue(v, "name"); n != nil && MapValue(v, "emptyDir") != nil {
				emptyDirs[n.Value] = true
			}
		}
	}
	for _, key := range []string{"initContainers", "containers"} {
		cs := MapValue(spec, key)
		if cs == nil || cs.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range cs.Content {
			container(m, idx, c, emptyDirs)
		}
	}
}

func container(m *Model, idx *source.LineIndex, c *yaml.Node, emptyDirs map[string]bool) {
	name := ""
	if n := MapValue(c, "name"); n != nil {
		name = n.Value
	}
	vars := map[string]string{}
	if env := MapValue(c, "env"); env != nil && env.Kind == yaml.SequenceNode {
		for _, e := range env.Content {
			k, v := MapValue(e, "name"), MapValue(e, "value")
			if k == nil || v == nil {
				continue
			}
			vars[k.Value] = v.Value
			m.Assigns = append(m.Assigns, Assign{Name: k.Value, Value: v.Value, Span: lineSpan(idx, e), Phase: AtStart, How: "kubernetes", Known: true})
		}
	}
	if vm := MapValue(c, "volumeMounts"); vm != nil && vm.Kind == yaml.SequenceNode {
		for _, mt := range vm.Content {
			n, p := MapValue(mt, "name"), MapValue(mt, "mountPath")
			if n != nil && p != nil && emptyDirs[n.Value] {
				m.Cleanups = append(m.Cleanups, Cleanup{Target: p.Value, Span: lineSpan(idx, mt), Phase: AtStart, How: "emptyDir"})
			}
		}
	}
	dir := ""
	if w := MapValue(c, "workingDir"); w != nil {
		dir = w.Value
	}
	cmd, args := MapValue(c, "command"), MapValue(c, "args")
	words := append(scalars(cmd), scalars(args)...)
	if len(words) == 0 {
		return
	}
	at := cmd
	if at == nil {
		at = args
	}
	sp := lineSpan(idx, at)
	sh := newShell(m, AtStart, vars, "shell", name, dir, func(syntax.Node) source.Span { return sp })
	sh.call(words, nil, sp)
}

func yamlErrorLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	// yaml.v3 syntax errors read "yaml: line N: ...".
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		n := 0
		for _, c := range rest {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	return 0
}

// yamlMessage is a yaml.v3 error without its "yaml: line N: " prefix
// (the line is the Problem's).
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i >= 0 {
			return rest[i+2:]
		}
	}
	return msg
}
