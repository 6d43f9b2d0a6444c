package deploy

import (
	"path"
	"strings"
)

// ImageSources returns the repository paths (under context, the build
// context as a project path) that an image may have taken the absolute
// image path abs from, the one that wins first: a later COPY overwrites
// an earlier one, and of one COPY's sources the last that provides the
// path wins too.
func (m *Model) ImageSources(abs, context string) []string {
	var out []string
	for i := len(m.Copies) - 1; i >= 0; i-- {
		cp := m.Copies[i]
		rest, ok := under(abs, cp.Dest)
		if !ok {
			continue
		}
		for j := len(cp.Sources) - 1; j >= 0; j-- {
			src := cp.Sources[j]
			out = append(out, path.Join(context, src, rest))
			if rest == path.Base(src) || rest == "" {
				out = append(out, path.Join(context, src))
			}
		}
	}
	return out
}

// CopiesIn reports whether a COPY brings the repository file rel (a project
// path; context is the build context's) into the image, by its own name
// or a folder holding it.
func (m *Model) CopiesIn(context, rel string) bool {
	for _, cp := range m.Copies {
		for _, src := range cp.Sources {
			full := path.Clean(path.Join(context, src))
			if full == rel || full == "." || strings.HasPrefix(rel, full+"/") {
				return true
			}
		}
	}
	return false
}

// under reports whether abs is dest or lies below it, and the rest.
func under(abs, dest string) (string, bool) {
	if abs == dest {
		return "", true
	}
	if dest == "/" {
		return strings.TrimPrefix(abs, "/"), true
	}
	return strings.CutPrefix(abs, dest+"/")
}

// StartDir is the working directory the image's own start-up command runs
// in, else its final WORKDIR: what a compose command without working_dir
// inherits.
func (m *Model) StartDir() string {
	dir := ""
	for _, c := range m.Commands {
		if c.Phase == AtStart && c.Dir != "" {
			dir = c.Dir
		}
	}
	if dir == "" {
		return m.Workdir
	}
	return dir
}
