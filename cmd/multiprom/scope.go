package main

import (
	"os"
	"path/filepath"
	"strings"

	ignore "github.com/sabhiram/go-gitignore"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// withStdin puts the text read from standard input in place of the file
// at rel (or adds it: an editor's buffer need not be saved yet).
func withStdin(files []*project.File, rel string, src []byte) []*project.File {
	out := make([]*project.File, 0, len(files)+1)
	for _, f := range files {
		if f.Path != rel {
			out = append(out, f)
		}
	}
	return append(out, &project.File{Path: rel, Kind: project.Classify(rel), Src: src})
}

// hasPython reports whether the target's part of the scan holds a Python
// file: a folder without one has no web app to check.
func hasPython(files []*project.File, t target) bool {
	for _, f := range files {
		if f.Kind == project.KindPython && t.covers(f.Path) {
			return true
		}
	}
	return false
}

// dropGitignored removes the Python files that a .gitignore lists (in the
// folder scanned, a folder below it, or one above it up to the
// repository's root), as ruff does: a virtualenv, a build/ copy or
// generated code are not the project's source. Deploy and config files
// are kept whatever .gitignore says: gunicorn reads a .env that git must
// not hold.
func dropGitignored(root string, files []*project.File) []*project.File {
	matchers := map[string]*ignore.GitIgnore{} // folder (absolute) -> its .gitignore, nil: none
	load := func(dir string) *ignore.GitIgnore {
		m, ok := matchers[dir]
		if !ok {
			m, _ = ignore.CompileIgnoreFile(filepath.Join(dir, ".gitignore"))
			matchers[dir] = m
		}
		return m
	}
	// The folders above root whose .gitignore applies: up to the repository root.
	var above []string
	for cur := root; ; {
		if _, err := os.Stat(filepath.Join(cur, ".git")); err == nil {
			if cur != root && workspace.GitignoredIn(cur, root) {
				// The repository ignores the folder itself (a pyenv
				// version, a vendored tree): its rules are not the folder's.
				above = nil
			}
			break
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			above = nil // not in a repository: only root's own and below
			break
		}
		cur = parent
		above = append(above, cur)
	}
	ignored := func(rel string) bool {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		dirs := append([]string{}, above...)
		for d := filepath.Dir(abs); strings.HasPrefix(d, root); d = filepath.Dir(d) {
			dirs = append(dirs, d)
			if d == root {
				break
			}
		}
		for _, d := range dirs {
			if m := load(d); m != nil {
				r, err := filepath.Rel(d, abs)
				if err == nil && m.MatchesPath(filepath.ToSlash(r)) {
					return true
				}
			}
		}
		return false
	}
	out := files[:0:0]
	for _, f := range files {
		if f.Kind == project.KindPython && ignored(f.Path) {
			continue
		}
		out = append(out, f)
	}
	return out
}
