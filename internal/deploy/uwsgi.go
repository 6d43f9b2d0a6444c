package deploy

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/ini.v1"
	"gopkg.in/yaml.v3"
	"mvdan.cc/sh/v3/syntax"
)

// parseUwsgi reads a uWSGI configuration: the [uwsgi] section of an ini
// file (go-ini, keeping repeated keys such as `env =`), else the uwsgi:
// mapping of a YAML file (yaml.v3). Every setting becomes an Option; `env =
// NAME=value` an Assign (uWSGI puts it in its own environment while it reads
// the file, before it loads the app or forks); the commands uWSGI runs once
// in the master before any worker exists (exec-asap, exec-as-root,
// exec-as-user, hook-asap/as-root/as-user = exec:…, and exec-pre-app /
// hook-pre-app unless lazy-apps, which runs them in every worker) are read
// as shell, so their `rm` are start-up clean-ups.
func parseUwsgi(src []byte, m *Model) {
	switch {
	case isUwsgiIni(src):
		parseUwsgiIni(src, m)
	case hasUwsgiKey(src):
		parseUwsgiYAML(src, m)
	}
}

// hasUwsgiKey reports a line that starts a top-level uwsgi: mapping; any
// other file of this kind (an .ini of another tool) is not uWSGI's, and
// not read as YAML either.
func hasUwsgiKey(src []byte) bool {
	for _, line := range bytes.Split(src, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("uwsgi:")) {
			return true
		}
	}
	return false
}

// isUwsgiIni reports an ini file with a [uwsgi] section header.
func isUwsgiIni(src []byte) bool {
	for _, line := range bytes.Split(src, []byte("\n")) {
		if string(bytes.TrimSpace(line)) == "[uwsgi]" {
			return true
		}
	}
	return false
}

func parseUwsgiIni(src []byte, m *Model) {
	// uWSGI's own ini reader has no inline comments (`;` and `#` start a
	// comment only at the start of a line) and keeps every repeated key.
	cfg, err := ini.LoadSources(ini.LoadOptions{AllowShadows: true, IgnoreInlineComment: true, AllowBooleanKeys: true, KeyValueDelimiters: "="}, src)
	if err != nil {
		m.Problems = append(m.Problems, Problem{Msg: "uWSGI ini: " + err.Error()})
		return
	}
	sec, err := cfg.GetSection("uwsgi")
	if err != nil {
		return
	}
	lines, header := uwsgiSectionLines(src)
	m.OptionsAt = header
	for _, k := range sec.Keys() {
		spans := lines[k.Name()]
		for i, v := range k.ValueWithShadows() {
			// A line without '=' is no setting to uWSGI (its reader skips
			// it); go-ini keeps it as a boolean key.
			if i < len(spans) {
				m.Options = append(m.Options, Option{Name: uwsgiName(k.Name()), Value: strings.TrimSpace(v), Span: spans[i]})
			}
		}
	}
	// Keys come grouped by name; the file's order is the lines' order.
	sortOptions(m.Options)
	uwsgiEffects(m)
}

func parseUwsgiYAML(src []byte, m *Model) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		m.Problems = append(m.Problems, Problem{Line: yamlErrorLine(err), Msg: "uWSGI YAML: " + yamlMessage(err)})
		return
	}
	if len(doc.Content) == 0 {
		return
	}
	sec := MapValue(doc.Content[0], "uwsgi")
	if sec == nil || sec.Kind != yaml.MappingNode {
		return
	}
	idx := source.NewLineIndex(src)
	m.OptionsAt = lineSpan(idx, MapKey(doc.Content[0], "uwsgi"))
	for i := 0; i+1 < len(sec.Content); i += 2 {
		key, val := sec.Content[i], sec.Content[i+1]
		if val.Kind == yaml.SequenceNode {
			for _, el := range val.Content {
				if el.Kind == yaml.ScalarNode {
					m.Options = append(m.Options, Option{Name: uwsgiName(key.Value), Value: el.Value, Span: lineSpan(idx, el)})
				}
			}
			continue
		}
		if val.Kind == yaml.ScalarNode {
			m.Options = append(m.Options, Option{Name: uwsgiName(key.Value), Value: val.Value, Span: lineSpan(idx, key)})
		}
	}
	uwsgiEffects(m)
}

// uwsgiSectionLines returns, for each key of the [uwsgi] section, the
// spans of the lines that set it with '=', in order: go-ini keeps no
// positions, and a finding must point at the line.
func uwsgiSectionLines(src []byte) (map[string][]source.Span, source.Span) {
	idx := source.NewLineIndex(src)
	out := map[string][]source.Span{}
	var header source.Span
	in := false
	for l := 0; l < idx.LineCount(); l++ {
		sp := source.Span{Start: idx.LineStart(l), End: idx.LineEnd(l)}
		text := strings.TrimSpace(string(src[sp.Start:sp.End]))
		if strings.HasPrefix(text, "[") {
			in = text == "[uwsgi]"
			if in && header == (source.Span{}) {
				header = sp
			}
			continue
		}
		key, _, ok := strings.Cut(text, "=")
		if in && ok && !strings.HasPrefix(text, ";") && !strings.HasPrefix(text, "#") {
			k := strings.TrimSpace(key)
			out[k] = append(out[k], sp)
		}
	}
	return out, header
}

// uwsgiName is an option name as uWSGI matches it: underscores are dashes.
func uwsgiName(k string) string { return strings.ReplaceAll(strings.TrimSpace(k), "_", "-") }

func sortOptions(opts []Option) {
	// Insertion sort: stable, and the lists are short.
	for i := 1; i < len(opts); i++ {
		for j := i; j > 0 && opts[j].Span.Start < opts[j-1].Span.Start; j-- {
			opts[j], opts[j-1] = opts[j-1], opts[j]
		}
	}
}

// uwsgiVar is uWSGI's $(NAME): the environment variable's value, put in
// when the file is read.
var uwsgiVar = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// uwsgiEffects turns the options into the environment and the start-up
// commands.
func uwsgiEffects(m *Model) {
	lazy := false
	for _, o := range m.Options {
		if (o.Name == "lazy-apps" || o.Name == "lazy") && UwsgiTrue(o.Value) {
			lazy = true
		}
	}
	vars := map[string]string{}
	for _, o := range m.Options {
		val := uwsgiVar.ReplaceAllString(o.Value, "$${$1}")
		switch o.Name {
		case "env":
			name, value, ok := strings.Cut(val, "=")
			if !ok || !isEnvName(name) {
				continue
			}
			known := !strings.Contains(value, "$")
			vars[name] = value
			m.Assigns = append(m.Assigns, Assign{Name: name, Value: value, Span: o.Span, Phase: AtStart, How: "uWSGI env", Known: known})
			continue
		}
		if cmd, ok := uwsgiMasterCommand(o.Name, val, lazy); ok {
			sp := o.Span
			sh := newShell(m, AtStart, vars, "uWSGI", "", "", func(syntax.Node) source.Span { return sp })
			sh.run(cmd, 0)
		}
	}
}

// uwsgiMasterCommand returns the shell command an option runs once, in the
// master, before any worker is forked (uWSGI runs it with /bin/sh -c).
func uwsgiMasterCommand(name, value string, lazy bool) (string, bool) {
	switch name {
	case "exec-asap", "exec-as-root", "exec-as-user", "exec-pre-jail", "exec-post-jail", "exec-in-jail":
		return value, true
	case "exec-pre-app":
		return value, !lazy
	case "hook-asap", "hook-as-root", "hook-as-user", "hook-pre-jail", "hook-post-jail", "hook-in-jail":
		return strings.CutPrefix(value, "exec:")
	case "hook-pre-app":
		cmd, ok := strings.CutPrefix(value, "exec:")
		return cmd, ok && !lazy
	}
	return "", false
}

// UwsgiTrue reads a uWSGI boolean as uwsgi_opt_true does: anything but
// false/off/no/0 (any case) is true, and a key without a value too.
func UwsgiTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "false", "off", "no", "0":
		return false
	}
	return true
}
