// Package deploy reads deploy files with real parsers and answers one
// question for the rest of multiprom: what runs at start-up, in which
// directory, with which environment, after which clean-up.
//
// Each file is parsed on its own into a Model: shell (scripts and every
// command string: Procfile lines, Dockerfile shell-form instructions,
// compose and Kubernetes commands, systemd Exec lines, supervisord
// commands, `sh -c` bodies) with mvdan.cc/sh; Dockerfiles with BuildKit's
// parser; compose files and Kubernetes manifests with yaml.v3; systemd
// units with go-systemd; .env files with godotenv; supervisord
// configurations with go-ini. A file that does not parse yields a Problem
// naming its line and no facts: nothing is invented from half a parse.
//
// The package knows nothing of gunicorn or Prometheus: it reports every
// command, assignment and clean-up, and internal/project decides which
// matter.
package deploy

import "github.com/multiprom/multiprom/internal/source"

// Kind is the format of a deploy file.
type Kind int

const (
	Procfile Kind = iota
	Dockerfile
	Compose
	Systemd
	Shell
	Dotenv
	Supervisord
	Kubernetes // a YAML file that may hold Kubernetes manifests
	// Uwsgi is a uWSGI configuration: an ini file's [uwsgi] section or a
	// YAML file's top-level uwsgi: mapping. Other files of that kind (an
	// .ini of another tool) yield an empty model.
	Uwsgi
)

// Phase says when a step runs. Only start-up steps shape the running
// server: a Dockerfile RUN happens once, at build time, in another
// filesystem than the one the server will write to.
type Phase int

const (
	AtStart Phase = iota // when the service starts (CMD, compose command, ExecStart*, a script, a Procfile line)
	AtBuild              // when the image is built (Dockerfile RUN)
)

func (p Phase) String() string {
	if p == AtBuild {
		return "build"
	}
	return "start"
}

// Command is one command a deploy file runs.
type Command struct {
	// Args are the command's words after quote removal, with variables
	// expanded where the file gives their values. An unknown variable
	// stays as "${NAME}", a command substitution as "$(...)".
	Args  []string
	Span  source.Span
	Phase Phase
	// Dir is the working directory the command starts in (WORKDIR,
	// working_dir, WorkingDirectory, directory, a preceding cd), "" when
	// the file does not say.
	Dir string
	// Env are the assignments given to this command alone (X=1 cmd,
	// env X=1 cmd).
	Env []Assign
	// Unit names the process: a compose service, a Procfile process, a
	// Kubernetes container, a supervisord program, a Dockerfile stage.
	Unit string
}

// Assign sets an environment variable for what the file starts.
type Assign struct {
	Name, Value string
	Span        source.Span
	Phase       Phase
	// How names the mechanism, for messages: "Dockerfile ENV", "compose",
	// "kubernetes", "systemd", "supervisord", "shell", "Procfile", "dotenv".
	How string
	// Known is false when Value holds an unknown variable or substitution.
	Known bool
	// Unit is the compose service or Kubernetes container it is given to,
	// "" for the whole file.
	Unit string
}

// DevShm is where Docker mounts a container's own tmpfs, new at every
// container start.
const DevShm = "/dev/shm"

// Cleanup empties or removes a path.
type Cleanup struct {
	// Target is the removed path (variables expanded; "${NAME}" when
	// unknown), possibly ending in a glob such as "/*" or "/*.db".
	Target string
	Span   source.Span
	Phase  Phase
	// How is "rm", "mktemp" (the variable set to a new temporary folder),
	// "tmpfs" (a compose tmpfs mount, empty at every start) or
	// "emptyDir" (a Kubernetes emptyDir volume, empty at every pod start).
	How  string
	Unit string // as Assign.Unit
}

// Copy is a Dockerfile COPY or ADD from the build context. A path of the
// image at Dest, or under it, comes from one of Sources: a source directory's
// contents land in Dest, a source file lands at Dest or in it.
type Copy struct {
	Sources []string // relative to the build context, cleaned
	Dest    string   // absolute in the image, WORKDIR applied, cleaned
	Span    source.Span
}

// Ref is a file another file names: an env file it loads, a script it
// sources, a Dockerfile it builds.
type Ref struct {
	Path  string // as written, relative to Dir when not absolute
	Dir   string // the directory it is relative to, "" for the file's own
	Span  source.Span
	Phase Phase
	Unit  string
}

// Build is a compose service's build: its context and Dockerfile.
type Build struct {
	Unit       string
	Context    string // relative to the compose file's directory
	Dockerfile string // relative to Context; "Dockerfile" when not given
	Span       source.Span
}

// Problem is a part of a file that could not be read.
type Problem struct {
	Line int // 1-based; 0 when the parser gives none
	Msg  string
}

// Model is what one deploy file says.
type Model struct {
	Commands    []Command
	Assigns     []Assign
	Cleanups    []Cleanup
	Copies      []Copy
	EnvFiles    []Ref // files loaded into the environment: env_file, EnvironmentFile, `. file`, `source file`, --env-file
	Dockerfiles []Ref // Dockerfiles built by name: docker build -f X
	Builds      []Build
	Problems    []Problem
	// Workdir is a Dockerfile's last WORKDIR of its final stage: where a
	// command given from outside (a compose command) runs.
	Workdir string
	// Options are a server configuration file's settings in file order
	// (a uWSGI ini or YAML), repeated keys kept; nil for other files.
	Options []Option
	// OptionsAt is the line that opens them: [uwsgi], uwsgi:.
	OptionsAt source.Span
}

// Option is one setting of a server configuration file: uWSGI's
// `processes = 4` is {Name: "processes", Value: "4"}. Names are as
// written, with underscores turned into dashes (uWSGI accepts both).
type Option struct {
	Name, Value string
	Span        source.Span // the line that sets it
	// File is the path of the file that sets it when that is not the
	// server's own file (a UWSGI_* variable of a Dockerfile, the ini a
	// command line loads); "" for the server's own.
	File string
}

// Units returns, for each unit the model names, the part of the model given
// to it (its commands, environment, clean-ups, env files and builds); the
// parts given to no unit go with every unit. A file shared by several
// services (a root compose file) gives each only its own units' part.
func (m *Model) Units() map[string]*Model {
	out := map[string]*Model{}
	part := func(u string) *Model {
		if out[u] == nil {
			out[u] = &Model{}
		}
		return out[u]
	}
	for _, c := range m.Commands {
		part(c.Unit).Commands = append(part(c.Unit).Commands, c)
	}
	for _, a := range m.Assigns {
		part(a.Unit).Assigns = append(part(a.Unit).Assigns, a)
	}
	for _, c := range m.Cleanups {
		part(c.Unit).Cleanups = append(part(c.Unit).Cleanups, c)
	}
	for _, r := range m.EnvFiles {
		part(r.Unit).EnvFiles = append(part(r.Unit).EnvFiles, r)
	}
	for _, b := range m.Builds {
		part(b.Unit).Builds = append(part(b.Unit).Builds, b)
	}
	return out
}

// Join returns one model holding the given parts, in order, with the
// file's problems and the parts that belong to no unit.
func (m *Model) Join(parts []*Model) *Model {
	j := &Model{Copies: m.Copies, Dockerfiles: m.Dockerfiles, Problems: m.Problems}
	for _, p := range parts {
		if p == nil {
			continue
		}
		j.Commands = append(j.Commands, p.Commands...)
		j.Assigns = append(j.Assigns, p.Assigns...)
		j.Cleanups = append(j.Cleanups, p.Cleanups...)
		j.EnvFiles = append(j.EnvFiles, p.EnvFiles...)
		j.Builds = append(j.Builds, p.Builds...)
	}
	return j
}
