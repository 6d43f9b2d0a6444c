package deploy

import (
	"strings"

	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/ini.v1"
	"mvdan.cc/sh/v3/syntax"
)

// parseSupervisord reads the [program:x] sections of a supervisord
// configuration with go-ini: command (split by shlex rules, as supervisord
// does; no shell), directory and environment.
func parseSupervisord(src []byte, m *Model) {
	cfg, err := ini.LoadSources(ini.LoadOptions{SpaceBeforeInlineComment: true, AllowPythonMultilineValues: true}, src)
	if err != nil {
		m.Problems = append(m.Problems, Problem{Msg: "supervisord: " + err.Error()})
		return
	}
	at := newKeyLines(src)
	for _, sec := range cfg.Sections() {
		name, ok := strings.CutPrefix(sec.Name(), "program:")
		if !ok || !sec.HasKey("command") {
			continue
		}
		at.section(sec.Name())
		vars := map[string]string{}
		if sec.HasKey("environment") {
			sp := at.find("environment")
			at.section(sec.Name())
			for _, kv := range supervisordEnv(sec.Key("environment").String()) {
				vars[kv[0]] = kv[1]
				m.Assigns = append(m.Assigns, Assign{Name: kv[0], Value: kv[1], Span: sp, Phase: AtStart, How: "supervisord", Known: !strings.Contains(kv[1], "%(")})
			}
		}
		dir := ""
		if sec.HasKey("directory") {
			dir = sec.Key("directory").String()
		}
		sp := at.find("command")
		sh := newShell(m, AtStart, vars, "supervisord", name, dir, func(syntax.Node) source.Span { return sp })
		sh.argv(sec.Key("command").String(), sp, at.idx.Line(sp.Start))
	}
}

// supervisordEnv splits supervisord's environment value, KEY="val",KEY2=val:
// commas separate pairs except inside quotes.
func supervisordEnv(s string) [][2]string {
	var out [][2]string
	var cur strings.Builder
	var quote byte
	flush := func() {
		k, v, ok := strings.Cut(strings.TrimSpace(cur.String()), "=")
		if ok && isEnvName(strings.TrimSpace(k)) {
			out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
		cur.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == ',':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}
