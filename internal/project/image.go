package project

import (
	"path"
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
)

// imageFile resolves a path that a command running in an image names to
// the repository file the image got it from, or nil. The image is the
// command's own Dockerfile, or the Dockerfile its compose service builds.
func imageFile(p *Project, c *CommandLine, v string) *File {
	dockerfile, context := imageOf(p, c)
	if dockerfile == nil {
		return nil
	}
	m := dockerfile.Deploy()
	dir := c.Dir
	if c.File != dockerfile {
		dir = firstNonEmpty(dir, imageWorkdir(m))
	}
	abs := v
	if !path.IsAbs(abs) {
		abs = path.Join("/", dir, v)
	}
	abs = path.Clean(abs)
	// A later COPY overwrites an earlier one: the last that covers the path wins.
	for i := len(m.Copies) - 1; i >= 0; i-- {
		cp := m.Copies[i]
		rest, ok := under(abs, cp.Dest)
		if !ok {
			continue
		}
		// Sources are copied in order: of one COPY's sources, the last
		// that provides the path wins too.
		for j := len(cp.Sources) - 1; j >= 0; j-- {
			src := cp.Sources[j]
			cands := []string{path.Join(context, src, rest)}
			if rest == path.Base(src) || rest == "" {
				cands = append(cands, path.Join(context, src))
			}
			for _, cand := range cands {
				if f := p.File(cand); f != nil && f.Kind == KindPython {
					return f
				}
			}
		}
	}
	return nil
}

// under reports whether abs is dest or lies below it, and the rest.
func under(abs, dest string) (string, bool) {
	if abs == dest {
		return "", true
	}
	if dest == "/" {
		return strings.TrimPrefix(abs, "/"), true
	}
	rest, ok := strings.CutPrefix(abs, dest+"/")
	return rest, ok
}

// imageOf returns the Dockerfile whose image runs the command, and its
// build context as a project path ("" for the root).
func imageOf(p *Project, c *CommandLine) (*File, string) {
	switch c.File.Kind {
	case KindDockerfile:
		return c.File, p.BuildContext(c.File)
	case KindCompose:
		for _, b := range c.File.Deploy().Builds {
			if b.Unit != c.Unit {
				continue
			}
			context := path.Join(dirOf(c.File.Path), b.Context)
			if f := p.File(path.Join(context, b.Dockerfile)); f != nil && f.Kind == KindDockerfile {
				return f, cleanRel(context)
			}
		}
	}
	return nil, ""
}

// imageWorkdir is the working directory the image's own start-up command
// runs in, else its final WORKDIR: what a compose command without
// working_dir inherits.
func imageWorkdir(m *deploy.Model) string {
	dir := ""
	for _, c := range m.Commands {
		if c.Phase == deploy.AtStart && c.Dir != "" {
			dir = c.Dir
		}
	}
	return firstNonEmpty(dir, m.Workdir)
}

func dirOf(p string) string { return cleanRel(path.Dir(p)) }

func cleanRel(p string) string {
	p = path.Clean(p)
	if p == "." {
		return ""
	}
	return p
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// BuildContext is the folder a Dockerfile that no compose file builds is
// built from: its own, unless its COPY sources are missing there and all
// present in a folder above it, the way `docker build -f
// app/envs/prod/Dockerfile .` copies ./app/src/ from the repository root.
func (p *Project) BuildContext(dockerfile *File) string {
	return deploy.BuildContext(dockerfile.Path, dockerfile.Deploy(), p.pathExists)
}

// pathExists reports a project file or a folder holding one.
func (p *Project) pathExists(rel string) bool {
	if p.byPath[rel] != nil {
		return true
	}
	p.dirsOnce.Do(func() {
		p.dirs = map[string]bool{"": true}
		for _, f := range p.Files {
			for d := dirOf(f.Path); d != ""; d = dirOf(d) {
				if p.dirs[d] {
					break
				}
				p.dirs[d] = true
			}
		}
	})
	return p.dirs[rel]
}
