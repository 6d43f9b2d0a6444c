package deploy

import (
	"path"
	"strings"
)

// BuildContext is the folder a Dockerfile that no compose file builds is
// built from: its own, unless more of its COPY sources are in a folder
// above it, the way `docker build -f
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
	// Only the files a scan loads are known (not uv.lock or README.md):
	// the context is where the most sources are, the nearest on a tie.
	best, most := own, 0
	for d := own; ; d = relDir(d) {
		n := 0
		for _, s := range srcs {
			if exists(relClean(path.Join(d, s))) {
				n++
			}
		}
		if n > most {
			best, most = d, n
		}
		if d == "" {
			return best
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
