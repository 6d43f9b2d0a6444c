package project

import (
	"encoding/json"
	"strings"

	"github.com/multiprom/multiprom/internal/source"
	"gopkg.in/yaml.v3"
)

// This file reads deploy files (Procfile, Dockerfile, compose, systemd, shell
// scripts, .env) for the two things the facts need: command lines that run
// gunicorn and places that set environment variables.

// envAssign is one VAR=value found in a deploy file.
type envAssign struct {
	Name, Value string
	Loc         Loc
	How         string
}

// logicalLines splits text into lines, joining backslash continuations; each
// line carries the span of its text.
func logicalLines(src []byte) []struct {
	Text string
	Span source.Span
} {
	var out []struct {
		Text string
		Span source.Span
	}
	start, off := 0, 0
	var b strings.Builder
	for _, raw := range strings.SplitAfter(string(src), "\n") {
		line := strings.TrimRight(raw, "\r\n")
		if b.Len() == 0 {
			start = off
		}
		off += len(raw)
		if strings.HasSuffix(line, `\`) {
			b.WriteString(strings.TrimSuffix(line, `\`))
			b.WriteByte(' ')
			continue
		}
		b.WriteString(line)
		end := off - (len(raw) - len(line))
		out = append(out, struct {
			Text string
			Span source.Span
		}{b.String(), source.Span{Start: start, End: end}})
		b.Reset()
	}
	return out
}

// ShellWords splits a command line the way a POSIX shell would for simple
// cases: quotes, backslashes, and no expansion.
func ShellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				cur.WriteString(s[i+1:])
				i = len(s)
				break
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			inWord = true
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
				i++
			}
		case ch == '\\' && i+1 < len(s):
			inWord = true
			i++
			cur.WriteByte(s[i])
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '#' && !inWord:
			i = len(s)
		default:
			inWord = true
			cur.WriteByte(ch)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// gunicornArgs finds "gunicorn ..." (or "python -m gunicorn ...") inside a
// list of words, stopping at shell separators; nil if absent.
func gunicornArgs(words []string) []string {
	for i, w := range words {
		base := w[strings.LastIndexByte(w, '/')+1:]
		isGunicorn := base == "gunicorn"
		if (base == "python" || strings.HasPrefix(base, "python3")) && i+2 < len(words) && words[i+1] == "-m" && words[i+2] == "gunicorn" {
			return cutAtSeparator(append([]string{"gunicorn"}, words[i+3:]...))
		}
		if isGunicorn {
			return cutAtSeparator(append([]string{"gunicorn"}, words[i+1:]...))
		}
	}
	return nil
}

func cutAtSeparator(args []string) []string {
	for i, a := range args {
		if a == "&&" || a == "||" || a == ";" || a == "|" || a == "&" {
			return args[:i]
		}
	}
	return args
}

// envAssignsInWords finds NAME=value words before a command (`X=1 gunicorn`)
// and `export NAME=value`.
func envAssignsInWords(words []string) [][2]string {
	var out [][2]string
	for i, w := range words {
		if i == 0 && (w == "export" || w == "env") {
			continue
		}
		eq := strings.IndexByte(w, '=')
		if eq <= 0 || !isEnvName(w[:eq]) {
			if i > 0 && (words[0] == "export" || words[0] == "env") {
				continue
			}
			break
		}
		out = append(out, [2]string{w[:eq], w[eq+1:]})
	}
	return out
}

func isEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// scanDeployFile collects gunicorn command lines and env assignments.
func scanDeployFile(f *File, cmd func(*CommandLine), env func(envAssign)) {
	switch f.Kind {
	case KindProcfile:
		for _, l := range logicalLines(f.Src) {
			text := l.Text
			if i := strings.IndexByte(text, ':'); i >= 0 {
				text = text[i+1:]
			}
			words := ShellWords(text)
			for _, kv := range envAssignsInWords(words) {
				env(envAssign{kv[0], kv[1], Loc{f, l.Span}, "Procfile"})
			}
			if args := gunicornArgs(words); args != nil {
				cmd(&CommandLine{File: f, Span: l.Span, Args: args})
			}
		}
	case KindShell:
		for _, l := range logicalLines(f.Src) {
			for _, part := range splitShellStatements(l.Text) {
				words := ShellWords(part)
				for _, kv := range envAssignsInWords(words) {
					env(envAssign{kv[0], kv[1], Loc{f, l.Span}, "shell"})
				}
				if args := gunicornArgs(words); args != nil {
					cmd(&CommandLine{File: f, Span: l.Span, Args: args})
				}
			}
		}
	case KindDockerfile:
		scanDockerfile(f, cmd, env)
	case KindSystemd:
		for _, l := range logicalLines(f.Src) {
			key, val, ok := strings.Cut(strings.TrimSpace(l.Text), "=")
			if !ok {
				continue
			}
			switch strings.TrimSpace(key) {
			case "Environment":
				for _, w := range ShellWords(val) {
					if k, v, ok := strings.Cut(w, "="); ok {
						env(envAssign{k, v, Loc{f, l.Span}, "systemd"})
					}
				}
			case "ExecStart", "ExecStartPre":
				if args := gunicornArgs(ShellWords(strings.TrimLeft(val, "-@+!:"))); args != nil && strings.TrimSpace(key) == "ExecStart" {
					cmd(&CommandLine{File: f, Span: l.Span, Args: args})
				}
			}
		}
	case KindDotenv:
		for _, l := range logicalLines(f.Src) {
			words := ShellWords(l.Text)
			for _, kv := range envAssignsInWords(words) {
				env(envAssign{kv[0], kv[1], Loc{f, l.Span}, "dotenv"})
			}
		}
	case KindCompose:
		scanCompose(f, cmd, env)
	}
}

func splitShellStatements(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' })
}

func scanDockerfile(f *File, cmd func(*CommandLine), env func(envAssign)) {
	for _, l := range logicalLines(f.Src) {
		text := strings.TrimSpace(l.Text)
		instr, rest, _ := strings.Cut(text, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "ENV":
			words := ShellWords(rest)
			if len(words) >= 2 && !strings.Contains(words[0], "=") {
				// ENV NAME value (legacy form)
				env(envAssign{words[0], strings.Join(words[1:], " "), Loc{f, l.Span}, "Dockerfile ENV"})
				continue
			}
			for _, w := range words {
				if k, v, ok := strings.Cut(w, "="); ok {
					env(envAssign{k, v, Loc{f, l.Span}, "Dockerfile ENV"})
				}
			}
		case "CMD", "ENTRYPOINT", "RUN":
			var words []string
			if strings.HasPrefix(rest, "[") {
				if json.Unmarshal([]byte(rest), &words) != nil {
					continue
				}
				// ["sh", "-c", "cmd"] runs a shell line.
				if len(words) == 3 && (words[0] == "sh" || words[0] == "/bin/sh" || words[0] == "bash" || words[0] == "/bin/bash") && words[1] == "-c" {
					words = ShellWords(words[2])
				}
			} else {
				words = ShellWords(rest)
			}
			if strings.ToUpper(instr) == "RUN" {
				continue
			}
			for _, part := range splitWords(words) {
				for _, kv := range envAssignsInWords(part) {
					env(envAssign{kv[0], kv[1], Loc{f, l.Span}, "shell"})
				}
				if args := gunicornArgs(part); args != nil {
					cmd(&CommandLine{File: f, Span: l.Span, Args: args})
				}
			}
		}
	}
}

// splitWords splits words at shell separators into statements.
func splitWords(words []string) [][]string {
	var out [][]string
	cur := []string{}
	for _, w := range words {
		if w == "&&" || w == "||" || w == ";" || w == "|" {
			out = append(out, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, w)
	}
	return append(out, cur)
}

func scanCompose(f *File, cmd func(*CommandLine), env func(envAssign)) {
	services := ComposeServices(f.Src)
	if services == nil {
		return
	}
	idx := source.NewLineIndex(f.Src)
	lineSpan := func(n *yaml.Node) source.Span {
		start := idx.LineStart(n.Line - 1)
		end := idx.LineEnd(n.Line - 1)
		return source.Span{Start: start, End: end}
	}
	for i := 1; i < len(services.Content); i += 2 {
		svc := services.Content[i]
		if c := YAMLMapValue(svc, "command"); c != nil {
			var words []string
			switch c.Kind {
			case yaml.ScalarNode:
				words = ShellWords(c.Value)
			case yaml.SequenceNode:
				for _, w := range c.Content {
					words = append(words, w.Value)
				}
				if len(words) == 3 && (words[0] == "sh" || words[0] == "bash") && words[1] == "-c" {
					words = ShellWords(words[2])
				}
			}
			for _, part := range splitWords(words) {
				if args := gunicornArgs(part); args != nil {
					cmd(&CommandLine{File: f, Span: lineSpan(c), Args: args})
				}
			}
		}
		if e := YAMLMapValue(svc, "environment"); e != nil {
			switch e.Kind {
			case yaml.MappingNode:
				for j := 0; j+1 < len(e.Content); j += 2 {
					env(envAssign{e.Content[j].Value, e.Content[j+1].Value, Loc{f, lineSpan(e.Content[j])}, "compose"})
				}
			case yaml.SequenceNode:
				for _, item := range e.Content {
					if k, v, ok := strings.Cut(item.Value, "="); ok {
						env(envAssign{k, v, Loc{f, lineSpan(item)}, "compose"})
					}
				}
			}
		}
	}
}

// standaloneModules finds Python files that a deploy command runs as their
// own process (`python -m pkg.tasks`, `python worker.py`, `celery`-less
// scripts): their code is not part of the app gunicorn serves.
func standaloneModules(p *Project) map[string]bool {
	out := map[string]bool{}
	visit := func(words []string) {
		for i, w := range words {
			base := w[strings.LastIndexByte(w, '/')+1:]
			if base != "python" && !strings.HasPrefix(base, "python3") {
				continue
			}
			for j := i + 1; j < len(words); j++ {
				a := words[j]
				if a == "-m" && j+1 < len(words) {
					if words[j+1] == "gunicorn" || words[j+1] == "flask" {
						break
					}
					if f := p.ModuleFile(words[j+1]); f != nil {
						out[f.Path] = true
					}
					break
				}
				if strings.HasPrefix(a, "-") {
					continue
				}
				if strings.HasSuffix(a, ".py") {
					if f := p.File(strings.TrimPrefix(a, "./")); f != nil {
						out[f.Path] = true
					}
				}
				break
			}
		}
	}
	for _, f := range p.Files {
		switch f.Kind {
		case KindProcfile, KindShell, KindDockerfile, KindSystemd, KindCompose:
		default:
			continue
		}
		for _, l := range logicalLines(f.Src) {
			text := l.Text
			if f.Kind == KindProcfile {
				if i := strings.IndexByte(text, ':'); i >= 0 {
					text = text[i+1:]
				}
			}
			if f.Kind == KindSystemd {
				if _, v, ok := strings.Cut(text, "="); ok {
					text = strings.TrimLeft(v, "-@+!:")
				}
			}
			if strings.Contains(text, "[") && strings.Contains(text, `"`) {
				text = strings.NewReplacer("[", " ", "]", " ", `"`, " ", ",", " ").Replace(text)
			}
			for _, part := range splitWords(ShellWords(text)) {
				visit(part)
			}
		}
	}
	return out
}
