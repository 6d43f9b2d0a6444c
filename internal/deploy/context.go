package deploy

import (
	"path"
	"strings"
)

// BuildContext is the folder a Dockerfile that no compose file builds is
// built from: its own, unless its COPY sources are missing there and all
// present in a folder above it, the way `docker build -f
// app/envs/prod/Dockerfile .` copies ./app/src/ from the repository root.
// exists reports a file or folder of the workspace (slash path, "" the root).
func BuildContext(dockerfile string, m *Model, exists func(string) bool) string {
	own := relDir(dockerfile)
	if m == nil {
		return own
	}
	var srcs []string
	for _, c := range m.Copies {
		for _, s := range c.Sources {
			if s != "." && !strings.ContainsAny(s, "*?[$") && !strings.HasPrefix(s, "..") {
				srcs = append(srcs, s)
			}
		}
	}
	if len(srcs) == 0 {
		return own
	}
	allIn := func(dir string) bool {
		for _, s := range srcs {
			if !exists(relClean(path.Join(dir, s))) {
				return false
			}
		}
		return true
	}
	for d := own; ; d = relDir(d) {
		if allIn(d) {
			return d
		}
		if d == "" {
			return own
		}
	}
}

func relDir(p string) string { return relClean(path.Dir(p)) }

func relClean(p string) string {
	if p = path.Clean(p); p == "." {
		return ""
	}
	return p
}
