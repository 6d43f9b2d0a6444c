package deploy

import (
	"bytes"
	"strings"

	"github.com/coreos/go-systemd/v22/unit"
	"github.com/multiprom/multiprom/internal/source"
	"mvdan.cc/sh/v3/syntax"
)

// parseSystemd reads a unit with go-systemd. Environment and
// WorkingDirectory apply to every Exec line whatever their order, as
// systemd applies them; ExecStartPre and ExecStart run at start-up, in that
// order.
func parseSystemd(src []byte, m *Model) {
	opts, err := unit.DeserializeOptions(bytes.NewReader(src))
	if err != nil {
		m.Problems = append(m.Problems, Problem{Msg: "systemd unit: " + err.Error()})
		return
	}
	at := newKeyLines(src)
	spans := make([]source.Span, len(opts))
	section := ""
	for i, o := range opts {
		if o.Section != section {
			section = o.Section
			at.section(section)
		}
		spans[i] = at.find(o.Name)
	}
	vars := map[string]string{}
	dir := ""
	for i, o := range opts {
		if o.Section != "Service" {
			continue
		}
		switch o.Name {
		case "Environment":
			words, err := Words(o.Value)
			if err != nil {
				m.Problems = append(m.Problems, Problem{Line: at.idx.Line(spans[i].Start) + 1, Msg: "systemd Environment: " + err.Error()})
				continue
			}
			for _, w := range words {
				if k, v, ok := strings.Cut(w, "="); ok && isEnvName(k) {
					vars[k] = v
					m.Assigns = append(m.Assigns, Assign{Name: k, Value: v, Span: spans[i], Phase: AtStart, How: "systemd", Known: true})
				}
			}
		case "EnvironmentFile":
			m.EnvFiles = append(m.EnvFiles, Ref{Path: strings.TrimPrefix(o.Value, "-"), Span: spans[i]})
		case "WorkingDirectory":
			dir = strings.TrimPrefix(o.Value, "-")
		}
	}
	for i, o := range opts {
		if o.Section != "Service" || (o.Name != "ExecStartPre" && o.Name != "ExecStart") {
			continue
		}
		sp := spans[i]
		line := strings.TrimLeft(o.Value, "@-:+!")
		sh := newShell(m, AtStart, vars, "systemd", "", dir, func(syntax.Node) source.Span { return sp })
		sh.argv(line, sp, at.idx.Line(sp.Start))
	}
}
