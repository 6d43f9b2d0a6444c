package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/multiprom/multiprom/internal/source"
	"mvdan.cc/sh/v3/syntax"
)

// parseDockerfile reads a Dockerfile with BuildKit's parser. RUN steps are
// build-time; CMD and ENTRYPOINT, and ENV, are what the container starts
// with. Each stage starts from its base stage's ENV and WORKDIR when the
// base is an earlier stage, else from nothing.
func parseDockerfile(src []byte, m *Model) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		m.Problems = append(m.Problems, Problem{Line: dockerfileErrorLine(err), Msg: "Dockerfile: " + err.Error()})
		return
	}
	idx := source.NewLineIndex(src)
	d := &dockerfile{m: m, idx: idx, stages: map[string]*stage{}, args: map[string]string{}}
	for _, n := range res.AST.Children {
		d.instruction(n)
	}
	if d.cur != nil {
		m.Workdir = d.cur.workdir
	}
}

type stage struct {
	name    string
	env     map[string]string // ENV, and ARG values, for expansion
	workdir string
}

type dockerfile struct {
	m      *Model
	idx    *source.LineIndex
	cur    *stage
	stages map[string]*stage
	args   map[string]string // ARGs declared before the first FROM
}

func (d *dockerfile) span(n *parser.Node) source.Span {
	start, end := n.StartLine-1, n.EndLine-1
	if start < 0 {
		start = 0
	}
	if end < start {
		end = start
	}
	return source.Span{Start: d.idx.LineStart(start), End: d.idx.LineEnd(end)}
}

func args(n *parser.Node) []string {
	var out []string
	for a := n.Next; a != nil; a = a.Next {
		out = append(out, a.Value)
	}
	return out
}

func (d *dockerfile) instruction(n *parser.Node) {
	op := strings.ToLower(n.Value)
	if d.cur == nil && op != "from" && op != "arg" {
		// A fragment without FROM (BuildKit refuses to build it) is read
		// as one unnamed stage, so that a snippet still says what it sets.
		d.cur = &stage{env: map[string]string{}}
	}
	switch op {
	case "from":
		d.from(n)
	case "arg":
		for _, a := range args(n) {
			k, v, _ := strings.Cut(a, "=")
			v = d.expand(unquote(v))
			if d.cur == nil {
				d.args[k] = v
			} else if _, set := d.cur.env[k]; !set {
				d.cur.env[k] = v
			}
		}
	case "env":
		// BuildKit gives each pair as three nodes: name, value, separator.
		a := args(n)
		for i := 0; i+1 < len(a); i += 3 {
			v := d.expand(unquote(a[i+1]))
			d.cur.env[a[i]] = v
			d.m.Assigns = append(d.m.Assigns, Assign{Name: a[i], Value: v, Span: d.span(n), Phase: AtStart, How: "Dockerfile ENV", Known: !strings.Contains(v, "${")})
		}
	case "workdir":
		if a := args(n); len(a) > 0 {
			d.cur.workdir = joinDir(orRoot(d.cur.workdir), d.expand(unquote(a[0])))
		}
	case "copy", "add":
		d.copy(n)
	case "run":
		d.command(n, AtBuild)
	case "cmd", "entrypoint":
		d.command(n, AtStart)
		// The container runtime mounts a fresh tmpfs at /dev/shm each time
		// the container starts: what the previous run left there is gone.
		d.m.Cleanups = append(d.m.Cleanups, Cleanup{Target: DevShm, Span: d.span(n), Phase: AtStart, How: "tmpfs"})
	}
}

func orRoot(dir string) string {
	if dir == "" {
		return "/"
	}
	return dir
}

func (d *dockerfile) from(n *parser.Node) {
	a := args(n)
	st := &stage{env: map[string]string{}}
	if len(a) > 0 {
		if base, ok := d.stages[strings.ToLower(d.expand(a[0]))]; ok {
			for k, v := range base.env {
				st.env[k] = v
			}
			st.workdir = base.workdir
		}
	}
	if len(a) >= 3 && strings.EqualFold(a[1], "as") {
		st.name = a[2]
		d.stages[strings.ToLower(a[2])] = st
	}
	d.cur = st
}

// expand substitutes the stage's ENV and ARG values in a Dockerfile word
// (the same ${NAME} and ${NAME:-default} forms as the shell).
func (d *dockerfile) expand(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	sh := &shell{m: &Model{}, vars: d.vars(), spanOf: func(syntax.Node) source.Span { return source.Span{} }}
	return sh.expand(s)
}

func (d *dockerfile) vars() map[string]string {
	v := make(map[string]string, len(d.args))
	for k, x := range d.args {
		v[k] = x
	}
	if d.cur != nil {
		for k, x := range d.cur.env {
			v[k] = x
		}
	}
	return v
}

func (d *dockerfile) copy(n *parser.Node) {
	for _, f := range n.Flags {
		if strings.HasPrefix(f, "--from") {
			return // from another stage or image, not the build context
		}
	}
	a := args(n)
	if n.Attributes["json"] {
		a = nil
		for x := n.Next; x != nil; x = x.Next {
			a = append(a, x.Value)
		}
	}
	if len(a) < 2 {
		return
	}
	dest := joinDir(orRoot(d.cur.workdir), d.expand(unquote(a[len(a)-1])))
	var srcs []string
	for _, s := range a[:len(a)-1] {
		srcs = append(srcs, path.Clean(strings.TrimPrefix(d.expand(unquote(s)), "/")))
	}
	d.m.Copies = append(d.m.Copies, Copy{Sources: srcs, Dest: dest, Span: d.span(n)})
}

// command records RUN, CMD or ENTRYPOINT: the exec form's words as they
// are, the shell form run by the shell.
func (d *dockerfile) command(n *parser.Node, phase Phase) {
	sp := d.span(n)
	dir := d.cur.workdir
	if n.Attributes["json"] {
		words := args(n)
		sh := newShell(d.m, phase, d.vars(), "shell", d.cur.name, dir, func(syntax.Node) source.Span { return sp })
		sh.call(words, nil, sp)
		return
	}
	if n.Next == nil {
		return
	}
	body := n.Next.Value
	for _, h := range n.Heredocs {
		// BuildKit gives a here-document's lines without the line that
		// ends it; the shell needs that line to read the document whole.
		content := h.Content
		if !strings.HasSuffix(content, "\n") {
			content += "\n"
		}
		body += "\n" + content + h.Name
	}
	sh := newShell(d.m, phase, d.vars(), "shell", d.cur.name, dir, func(syntax.Node) source.Span { return sp })
	sh.run(body, n.StartLine-1)
}

// unquote removes one level of double or single quotes around a value, as
// Docker does for ENV, ARG and WORKDIR.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		if s[0] == '"' {
			var v string
			if json.Unmarshal([]byte(s), &v) == nil {
				return v
			}
		}
		return s[1 : len(s)-1]
	}
	return s
}

func dockerfileErrorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		return le.Locations[0][0].Start.Line
	}
	return 0
}
