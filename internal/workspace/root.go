package workspace

import (
	"os"
	"path/filepath"

	ignore "github.com/sabhiram/go-gitignore"
)

// serverStarts are the files that make a folder the root of what runs:
// a server is configured or started there.
var serverStarts = []string{"gunicorn.conf.py", "uwsgi.ini", "Procfile", "Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}

// projectMarkers also mark a project's root without starting anything
// (manage.py: a Django project's).
var projectMarkers = []string{"pyproject.toml", "requirements.txt", ".git", "setup.py", "setup.cfg", "manage.py"}

func hasAny(dir string, names []string) bool {
	for _, m := range names {
		if _, err := os.Stat(filepath.Join(dir, m)); err == nil {
			return true
		}
	}
	return false
}

// FindRoot walks up from dir to the workspace it belongs to: the
// repository (the nearest folder with .git), so that a service folder, a
// sub-folder or a file is checked in the context of its service, with the
// deploy files above it; outside a repository, the nearest folder with a
// server start or a project marker, else dir itself.
func FindRoot(dir string) string {
	if root, ok := FindMarkedRoot(dir); ok {
		return root
	}
	return dir
}

// FindMarkedRoot is FindRoot, reporting false instead of falling back to
// dir when no folder from dir up has .git, a server start or a project
// marker.
func FindMarkedRoot(dir string) (string, bool) {
	nearest := ""
	for cur := dir; ; {
		if _, err := os.Stat(filepath.Join(cur, ".git")); err == nil {
			if cur == dir || !GitignoredIn(cur, dir) {
				return cur, true
			}
			break // a folder the repository ignores (a virtualenv, a pyenv version) is not its part
		}
		if nearest == "" && (hasAny(cur, serverStarts) || hasAny(cur, projectMarkers)) {
			nearest = cur
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			break
		}
		cur = parent
	}
	return nearest, nearest != ""
}

// GitignoredIn reports whether a .gitignore of the repository at root, or
// of a folder between it and dir, ignores dir.
func GitignoredIn(root, dir string) bool {
	for d := dir; d != root; {
		parent := filepath.Dir(d)
		if parent == d {
			return false
		}
		d = parent
		m, err := ignore.CompileIgnoreFile(filepath.Join(d, ".gitignore"))
		if err != nil || m == nil {
			continue
		}
		if r, err := filepath.Rel(d, dir); err == nil && m.MatchesPath(filepath.ToSlash(r)+"/") {
			return true
		}
	}
	return false
}
