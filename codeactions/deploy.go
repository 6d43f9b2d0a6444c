package codeactions

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// Paths of the files the deploy step creates. The snippets are named so
// that multiprom does not read them as deploy files (Classify gives
// KindOther): a snippet nobody merged must not make the variable look set.
const (
	PrometheusConfigPath = "deploy/prometheus.yml"
	DockerSnippetPath    = "deploy/multiprom.Dockerfile.snippet"
	ComposeSnippetPath   = "deploy/multiprom.docker-compose.snippet.yml"
)

// SystemdSnippetPath is the systemd snippet's path for an application tag.
func SystemdSnippetPath(tag string) string {
	return "deploy/multiprom." + fileSafe(tag) + ".service.snippet"
}

// DeployAction creates deploy/prometheus.yml and brings the project's own
// deploy files to the multiprocess set-up:
//
//   - a Dockerfile, compose file or systemd unit that runs the app and does
//     not set PROMETHEUS_MULTIPROC_DIR gets a small additive edit (an ENV
//     line; an environment entry plus a tmpfs; Environment= plus
//     ExecStartPre wipes). Commands are never rewritten: the wipe that
//     covers every target is gunicorn.conf.py's on_starting hook;
//   - a project with none of those files gets the three snippets under
//     deploy/, to merge into whichever it adopts.
func DeployAction(p *project.Project) SetupAction {
	sp := setupParams(p)
	a := SetupAction{Kind: KindDeploy, Title: "Create " + PrometheusConfigPath + " and set " + project.EnvVar + " in the deploy files"}
	var fix diagnostics.Fix
	if p.File(PrometheusConfigPath) == nil {
		fix.Creates = append(fix.Creates, diagnostics.Create{Path: PrometheusConfigPath, Content: snippets.PrometheusScrapeConfig(sp, scrapeTarget(p))})
	}
	docker := p.FilesOf(project.KindDockerfile)
	compose := p.FilesOf(project.KindCompose)
	units := p.FilesOf(project.KindSystemd)
	if len(docker)+len(compose)+len(units) == 0 {
		fix.Creates = append(fix.Creates,
			diagnostics.Create{Path: DockerSnippetPath, Content: snippets.DockerfileSnippet(sp)},
			diagnostics.Create{Path: ComposeSnippetPath, Content: snippets.ComposeSnippet(sp)},
			diagnostics.Create{Path: SystemdSnippetPath(sp.AppTag), Content: snippets.SystemdSnippet(sp)},
		)
	}
	dir := sp.MultiprocDir
	if dir == "" {
		dir = snippets.DefaultMultiprocDir(sp.AppTag)
	}
	edited := false
	for _, f := range appDockerfiles(p, docker) {
		if e, ok := dockerfileEdit(p, f, dir); ok {
			fix.Edits = append(fix.Edits, e)
			edited = true
		}
	}
	for _, f := range compose {
		es, note := composeEdits(p, f, dir)
		fix.Edits = append(fix.Edits, es...)
		edited = edited || len(es) > 0
		if note != "" {
			a.Notes = append(a.Notes, note)
		}
	}
	for _, f := range units {
		es := systemdEdits(p, f, dir)
		fix.Edits = append(fix.Edits, es...)
		edited = edited || len(es) > 0
	}
	if edited && !p.Facts.CleansAtStart() {
		a.Notes = append(a.Notes, "nothing empties "+project.EnvVar+" when gunicorn starts: run `multiprom check --fix` to add gunicorn.conf.py's on_starting hook (MP204)")
	}
	if !fix.IsZero() {
		fix.Title = a.Title
	}
	a.Fix = fix
	return a
}

// setsVar reports whether f sets the variable (or its legacy name).
func setsVar(p *project.Project, f *project.File) bool {
	for _, e := range p.Facts.EnvSets {
		if e.Loc.File == f {
			return true
		}
	}
	return false
}

// appDockerfiles are the Dockerfiles that run gunicorn; when none says so
// (CMD runs a script), the root Dockerfile.
func appDockerfiles(p *project.Project, all []*project.File) []*project.File {
	var out []*project.File
	seen := map[*project.File]bool{}
	for _, c := range p.Facts.Commands {
		if c.File.Kind == project.KindDockerfile && !seen[c.File] {
			seen[c.File] = true
			out = append(out, c.File)
		}
	}
	if len(out) == 0 {
		if f := p.File("Dockerfile"); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// dockerfileEdit inserts an ENV line before the final stage's first CMD or
// ENTRYPOINT (at the end when there is none).
func dockerfileEdit(p *project.Project, f *project.File, dir string) (diagnostics.Edit, bool) {
	if setsVar(p, f) {
		return diagnostics.Edit{}, false
	}
	src := string(f.Src)
	nl := "\n"
	if strings.Contains(src, "\r\n") {
		nl = "\r\n"
	}
	at, off := -1, 0
	cont := false
	for _, raw := range strings.SplitAfter(src, "\n") {
		line := strings.TrimSpace(raw)
		if !cont {
			instr := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			switch instr {
			case "FROM":
				at = -1 // a new stage: only the last one runs
			case "CMD", "ENTRYPOINT":
				if at < 0 {
					at = off
				}
			}
		}
		cont = strings.HasSuffix(line, `\`)
		off += len(raw)
	}
	text := "# multiprom: prometheus_client's multiprocess directory, shared by the gunicorn" + nl +
		"# master and its workers; gunicorn.conf.py's on_starting hook empties it." + nl +
		"ENV " + project.EnvVar + "=" + dockerQuote(dir) + nl
	if at < 0 {
		at = len(src)
		if src != "" && !strings.HasSuffix(src, "\n") {
			text = nl + text
		}
	}
	return diagnostics.Edit{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: text}, true
}

// dockerQuote quotes a value for ENV when it needs it.
func dockerQuote(s string) string {
	if strings.ContainsAny(s, " \t\"'\\$") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(s) + `"`
	}
	return s
}

// systemdEdits adds Environment= after [Service] and two ExecStartPre=
// lines (empty the directory, create it) before the gunicorn ExecStart.
func systemdEdits(p *project.Project, f *project.File, dir string) []diagnostics.Edit {
	if setsVar(p, f) {
		return nil
	}
	var cmd *project.CommandLine
	for _, c := range p.Facts.Commands {
		if c.File == f {
			cmd = c
			break
		}
	}
	if cmd == nil {
		return nil
	}
	src := string(f.Src)
	nl := "\n"
	if strings.Contains(src, "\r\n") {
		nl = "\r\n"
	}
	service := -1
	off := 0
	for _, raw := range strings.SplitAfter(src, "\n") {
		if strings.TrimSpace(raw) == "[Service]" {
			service = off + len(raw)
			if !strings.HasSuffix(raw, "\n") {
				return nil // a unit ending at its [Service] line has no ExecStart there
			}
			break
		}
		off += len(raw)
	}
	if service < 0 || service > cmd.Span.Start {
		return nil
	}
	q := systemdArg(dir)
	env := "Environment=" + systemdArg(project.EnvVar+"="+dir) + nl
	pre := "# multiprom: start every run with an empty multiprocess directory." + nl +
		"ExecStartPre=/bin/rm -rf " + q + nl + "ExecStartPre=/bin/mkdir -p " + q + nl
	if f.EmptiesAtStart(dir) {
		pre = ""
	}
	start := f.LineStartOf(cmd.Span.Start)
	if start == service {
		return []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: service, End: service}, NewText: env + pre}}
	}
	edits := []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: service, End: service}, NewText: env}}
	if pre != "" {
		edits = append(edits, diagnostics.Edit{Path: f.Path, Span: source.Span{Start: start, End: start}, NewText: pre})
	}
	return edits
}

// systemdArg quotes a path as one systemd word ("%" and "$" are specifiers).
func systemdArg(s string) string {
	s = strings.NewReplacer("%", "%%", "$", "$$").Replace(s)
	if strings.ContainsAny(s, " \t\"'\\") {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	return s
}
