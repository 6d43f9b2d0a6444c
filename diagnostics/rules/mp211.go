package rules

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// ConfigNotLoaded reports gunicorn settings files that gunicorn never reads.
var ConfigNotLoaded = &diagnostics.Rule{
	Code:     "MP211",
	Name:     "config-not-loaded",
	Severity: diagnostics.Warning,
	Title:    "gunicorn settings file that gunicorn never loads",
	Servers:  []string{"gunicorn"},
	Doc: "gunicorn reads ./gunicorn.conf.py of its working directory by default and any other file only when " +
		"-c/--config names it (on the command line or in GUNICORN_CMD_ARGS; python:module works too); a -c " +
		"also stops the default file from being read. A file such as gunicorn_conf.py that no known command " +
		"line loads is dead: its workers setting, its PROMETHEUS_MULTIPROC_DIR set-up and its child_exit hook " +
		"never run.",
	Before:  `web: gunicorn app:app   # Procfile; settings in gunicorn_conf.py`,
	After:   `web: gunicorn -c gunicorn_conf.py app:app`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Adds -c FILE after `gunicorn` on every known command line when none of them names a config; no fix when the command lines are unknown or already name another file.",
	Project: true,
	Applies: func(p *project.Project) bool { return p.Facts.Gunicorn },
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		for _, cfg := range p.Facts.Configs {
			if cfg.Loaded {
				continue
			}
			f := cfg.File
			if f.Py != nil && len(f.Py.Statements) == 0 {
				continue // an empty placeholder (an image copies the real one over it): nothing is lost
			}
			span := firstCodeLine(f)
			if path.Base(f.Path) == "gunicorn.conf.py" {
				if !p.Facts.HasCommandConfig() {
					continue // run from another directory, or unknown: not provable
				}
				pass.ReportIn(f, span, "%s is not read: every known gunicorn command line names another config with -c, which replaces the default file", f.Path)
				continue
			}
			if len(p.Facts.Commands) == 0 && len(p.Facts.CmdArgs) == 0 {
				continue // no command line is known: nothing shows it is not loaded
			}
			diag := pass.ReportIn(f, span, "%s looks like gunicorn settings, but no known command line loads it with -c: its settings and hooks never run", f.Path)
			if len(p.Facts.LoadedConfigs()) == 0 && !p.Facts.HasCommandConfig() {
				diag.AddFix(addConfigFlagFix(p, f))
			}
		}
	},
}

// firstCodeLine is the first line that is not blank or a comment.
func firstCodeLine(f *project.File) source.Span {
	if f.Py != nil && len(f.Py.Statements) > 0 {
		st := f.Py.Statements[0]
		return source.Span{Start: st.Start, End: lineEndNoNL(f, st.Start)}
	}
	return source.Span{Start: 0, End: lineEndNoNL(f, 0)}
}

// addConfigFlagFix inserts "-c FILE" after the gunicorn word of each
// command line.
func addConfigFlagFix(p *project.Project, cfg *project.File) diagnostics.Fix {
	var edits []diagnostics.Edit
	for _, c := range p.Facts.Commands {
		rel := cfg.Path
		if dir := path.Dir(c.File.Path); dir != "." && strings.HasPrefix(cfg.Path, dir+"/") {
			rel = strings.TrimPrefix(cfg.Path, dir+"/")
		}
		line := c.File.Text(c.Span)
		i := gunicornWord(line)
		if i < 0 {
			return diagnostics.Fix{}
		}
		at := c.Span.Start + i + len("gunicorn")
		text := " -c " + shellWord(rel)
		if strings.HasPrefix(line[i+len("gunicorn"):], `",`) {
			q, _ := json.Marshal(rel)
			at++ // after the closing quote
			text = `, "-c", ` + string(q)
		}
		edits = append(edits, diagnostics.Edit{Path: c.File.Path, Span: source.Span{Start: at, End: at}, NewText: text})
	}
	if len(edits) == 0 {
		return diagnostics.Fix{}
	}
	return diagnostics.Fix{Title: "Load " + cfg.Path + " with -c", Edits: edits}
}

// shellWord quotes a path for a shell command line when it holds anything
// a shell would split or read specially: a file named "#.py" unquoted was
// a comment, so the fix never loaded it and fix-all repeated it
// (FuzzFixProject).
func shellWord(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_./:=@%+,-", c) >= 0
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// gunicornWord finds "gunicorn" as a command word in a line.
func gunicornWord(line string) int {
	off := 0
	for {
		i := strings.Index(line[off:], "gunicorn")
		if i < 0 {
			return -1
		}
		at := off + i
		end := at + len("gunicorn")
		beforeOK := at == 0 || strings.ContainsRune(" \t\"'/[:", rune(line[at-1]))
		afterOK := end == len(line) || strings.ContainsRune(" \t\"'", rune(line[end]))
		if beforeOK && afterOK {
			return at
		}
		off = end
	}
}
