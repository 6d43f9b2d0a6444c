package deploy

import (
	"strings"

	"github.com/multiprom/multiprom/internal/source"
	"mvdan.cc/sh/v3/syntax"
)

// parseProcfile reads a Procfile: one `name: command` per line, each
// command run by the shell (as foreman and honcho do).
func parseProcfile(src []byte, m *Model) {
	idx := source.NewLineIndex(src)
	for l := 0; l < idx.LineCount(); l++ {
		sp := source.Span{Start: idx.LineStart(l), End: idx.LineEnd(l)}
		line := string(src[sp.Start:sp.End])
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		name, cmd, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(cmd) == "" {
			continue
		}
		sh := newShell(m, AtStart, nil, "Procfile", strings.TrimSpace(name), "", func(syntax.Node) source.Span { return sp })
		sh.run(cmd, l)
	}
}
