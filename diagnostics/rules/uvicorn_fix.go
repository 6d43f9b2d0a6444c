package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// uvicornMultiprocess reports a multiprocess project that `uvicorn
// --workers N` serves, with no gunicorn or uWSGI: what the set-up needs goes
// in the environment of the process that runs uvicorn.
func uvicornMultiprocess(p *project.Project) bool {
	return p.Facts.UvicornOnly() && p.Facts.Multiprocess
}

// uvicornEnvSet reports whether uvicorn's workers get the directory: a set
// in the parent's environment (deploy files, which the spawned workers
// inherit), or one in app code, which every worker runs itself when it
// imports the app (uvicorn's parent never imports it). A set after
// prometheus_client's import is MP206's business.
func uvicornEnvSet(p *project.Project) bool {
	for _, e := range p.Facts.EnvSets {
		if e.ReachesMaster || e.How == "app code" {
			return true
		}
	}
	return false
}

// uvicornSetupFix writes what the start of `uvicorn --workers N` lacks, on
// the lines before the command: in a shell script an export of the
// variable unless the deploy files set it, and a clean-up unless something
// empties the directory; in a Dockerfile only the ENV line (a Dockerfile
// cannot empty a directory at each start). No fix elsewhere (compose,
// Procfile, systemd: the command is one line of a larger file), nor when
// the command does not start its line, nor when the edited script would not
// parse.
func uvicornSetupFix(p *project.Project) diagnostics.Fix {
	if len(p.Facts.UvicornMulti) == 0 {
		return diagnostics.Fix{}
	}
	c := p.Facts.UvicornMulti[0]
	f := c.File
	lineStart := strings.LastIndexByte(string(f.Src[:c.Span.Start]), '\n') + 1
	line := string(f.Src[lineStart:])
	indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	if strings.TrimLeft(string(f.Src[lineStart:c.Span.Start]), " \t") != "" || lineStart > 1 && strings.HasSuffix(strings.TrimRight(string(f.Src[:lineStart-1]), "\r"), "\\") {
		return diagnostics.Fix{} // not alone at its line's start, or a continuation line
	}
	sp := snippetParams(p, nil, "")
	var lines []string
	switch f.Kind {
	case project.KindShell:
		name := project.EnvVar
		if !p.Facts.EnvVarSet() {
			lines = append(lines, snippets.UvicornExport(sp))
		} else {
			name = reachingName(p)
		}
		if !p.Facts.CleansAtStart() {
			lines = append(lines, snippets.UvicornCleanup(name))
		}
	case project.KindDockerfile:
		if !p.Facts.EnvVarSet() {
			lines = append(lines, snippets.DockerfileEnv(sp))
		}
	}
	if len(lines) == 0 {
		return diagnostics.Fix{}
	}
	text := indent + strings.Join(lines, "\n"+indent) + "\n"
	edited := string(f.Src[:lineStart]) + text + string(f.Src[lineStart:])
	if f.Kind == project.KindShell && len(deploy.Parse(deploy.Shell, []byte(edited)).Problems) > 0 {
		return diagnostics.Fix{}
	}
	return diagnostics.Fix{
		Title: "Set up PROMETHEUS_MULTIPROC_DIR in " + f.Path + " before uvicorn starts",
		Edits: []diagnostics.Edit{{Path: f.Path, Span: source.Span{Start: lineStart, End: lineStart}, NewText: text}},
	}
}

// reachingName is the name of the variable the deploy files set (the
// lowercase legacy name where only that one is set).
func reachingName(p *project.Project) string {
	name := ""
	for _, e := range p.Facts.EnvSets {
		if e.ReachesMaster && (name == "" || e.Name == project.EnvVar) {
			name = e.Name
		}
	}
	if name == "" {
		return project.EnvVar
	}
	return name
}

// cleansBeforeUvicornRun reports a script that removes files under its main
// guard before its uvicorn.run starts the workers (shutil.rmtree, os.remove,
// os.unlink): only the parent runs that code. Which path it removes is not
// followed.
func cleansBeforeUvicornRun(p *project.Project) bool {
	for _, c := range p.Facts.UvicornMulti {
		if c.File.Kind != project.KindPython {
			continue
		}
		for _, call := range c.File.Py.Calls {
			switch call.Qualified() {
			case "shutil.rmtree", "os.remove", "os.unlink":
				if underMainGuard(call) && call.Span().Start < c.Span.Start {
					return true
				}
			}
		}
	}
	return false
}
