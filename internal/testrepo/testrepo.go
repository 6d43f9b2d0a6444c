// Package testrepo assembles test workspaces: several of the testdata
// projects as the services of one repository, as a monorepo holds them.
// Tests of the command line and of the language server check the same
// workspace, so that what one proves of services the other can too.
package testrepo

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// ProjectsDir is testdata/projects, absolute.
func ProjectsDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testrepo: cannot locate the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "projects")
}

// Assemble copies the named testdata projects (without their expected
// files) under services/ of a new temporary repository (it has a .git
// folder), writes compose as its root docker-compose.yml when not empty,
// and returns the repository's path.
func Assemble(t testing.TB, names []string, compose string) string {
	t.Helper()
	root := t.TempDir()
	for _, name := range names {
		src := filepath.Join(ProjectsDir(t), name)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == "expected" {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dst := filepath.Join(root, "services", name, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		})
		if err != nil {
			t.Fatalf("testrepo: %v", err)
		}
	}
	if compose != "" {
		if err := os.WriteFile(filepath.Join(root, "docker-compose.yml"), []byte(compose), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}
