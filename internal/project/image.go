package project

import (
	"path"

	"github.com/multiprom/multiprom/internal/deploy"
)

// imageFile resolves a path that a command running in an image names to the
// repository file of the kind the image got it from, or nil. The image is the
// command's Dockerfile, its compose service's, or the one that COPYs its file.
func imageFile(p *Project, c *CommandLine, v string, kind Kind) *File {
	dockerfile, context := imageOf(p, c)
	if dockerfile == nil {
		return nil
	}
	m := dockerfile.Deploy()
	dir := c.Dir
	if c.File != dockerfile {
		if dir == "" {
			dir = m.StartDir()
		}
	}
	abs := v
	if !path.IsAbs(abs) {
		abs = path.Join("/", dir, v)
	}
	for _, cand := range m.ImageSources(path.Clean(abs), context) {
		if f := p.File(cand); f != nil && f.Kind == kind {
			return f
		}
	}
	return nil
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
	default:
		return imageCopying(p, c.File)
	}
	return nil, ""
}

// imageCopying returns the first Dockerfile that COPYs the file, and its context.
func imageCopying(p *Project, f *File) (*File, string) {
	for _, d := range p.Files {
		if d.Kind == KindDockerfile && d.Deploy() != nil {
			if context := p.BuildContext(d); d.Deploy().CopiesIn(context, f.Path) {
				return d, context
			}
		}
	}
	return nil, ""
}

func dirOf(p string) string { return cleanRel(path.Dir(p)) }

func cleanRel(p string) string {
	p = path.Clean(p)
	if p == "." {
		return ""
	}
	return p
}

// BuildContext is the folder a Dockerfile that no compose file builds is
// built from (deploy.BuildContext).
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
			for d := dirOf(f.Path); d != "" && !p.dirs[d]; d = dirOf(d) {
				p.dirs[d] = true
			}
		}
	})
	return p.dirs[rel]
}
