package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// uwsgiMultiprocess reports a multiprocess project that uWSGI serves with
// several processes (or a count not known here) and gunicorn does not: its
// fixes go to the uWSGI configuration. One uWSGI process (`--processes 1`,
// uWSGI's default) has no workers to mark dead or to recycle into new files.
func uwsgiMultiprocess(p *project.Project) bool {
	if !uwsgiOnly(p) || !p.Facts.Multiprocess {
		return false
	}
	for _, u := range p.Facts.Uwsgi {
		if u.MultiWorker() {
			return true
		}
	}
	return false
}

// uwsgiOnly reports a project that uWSGI serves and gunicorn does not: the
// fixes then write to the uWSGI configuration, never a gunicorn.conf.py.
func uwsgiOnly(p *project.Project) bool {
	fs := p.Facts
	return len(fs.Uwsgi) > 0 && len(fs.Configs) == 0 && len(fs.Commands) == 0 && len(fs.CmdArgs) == 0
}

// uwsgiConfig returns the first uWSGI configuration file (not a command
// line), or nil: where the fixes write.
func uwsgiConfig(p *project.Project) *project.UwsgiServer {
	for _, u := range p.Facts.Uwsgi {
		if !u.FromCommand {
			return u
		}
	}
	return nil
}

// uwsgiSetupFix writes what the uWSGI configuration lacks for multiprocess
// mode: `env = PROMETHEUS_MULTIPROC_DIR=…` unless the directory is set where
// the master sees it, and an exec-asap that empties it unless something
// does. The lines go right after the [uwsgi] header (or the uwsgi: key of a
// YAML file, indented as its settings): a text edit, the rest of the file
// untouched. No fix for a server started by a command line alone.
func uwsgiSetupFix(p *project.Project) diagnostics.Fix {
	u := uwsgiConfig(p)
	if u == nil {
		return diagnostics.Fix{}
	}
	var settings [][2]string
	if !p.Facts.EnvVarSet() {
		name, value := snippets.UwsgiEnv(snippetParams(p, nil, ""))
		settings = append(settings, [2]string{name, value})
	}
	if !p.Facts.CleansAtStart() {
		name, value := snippets.UwsgiCleanup()
		settings = append(settings, [2]string{name, value})
	}
	if len(settings) == 0 {
		return diagnostics.Fix{}
	}
	f := u.File
	yaml := strings.HasPrefix(strings.TrimSpace(f.Text(u.Span)), "uwsgi:")
	indent, sep := "", " = "
	if yaml {
		indent, sep = yamlChildIndent(f, u.Span), ": "
	}
	var b strings.Builder
	at := u.Span.End
	if at < len(f.Src) && f.Src[at] == '\r' {
		at++
	}
	if at < len(f.Src) {
		at++ // past the header's newline
	} else {
		b.WriteString("\n")
	}
	for _, s := range settings {
		b.WriteString(indent + s[0] + sep + s[1] + "\n")
	}
	return diagnostics.Fix{
		Title: "Set up " + f.Path + " for prometheus_client multiprocess mode",
		Edits: []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: b.String()}},
	}
}

// yamlChildIndent is the indentation of the first non-blank line after the
// uwsgi: key, two spaces when there is none.
func yamlChildIndent(f *project.File, header source.Span) string {
	rest := string(f.Src[min(header.End, len(f.Src)):])
	for _, line := range strings.Split(rest, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if n := len(line) - len(strings.TrimLeft(line, " ")); n > 0 {
			return line[:n]
		}
		break
	}
	return "  "
}
