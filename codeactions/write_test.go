package codeactions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/source"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteAtomicKeepsMode(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "old\n")
	res := &Result{Changed: map[string][]byte{"a.py": []byte("new\n")}, Created: map[string][]byte{"sub/b.py": []byte("b\n")}}
	rep, err := Write(root, map[string][]byte{"a.py": []byte("old\n")}, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Skipped) != 0 || len(rep.Written) != 2 {
		t.Fatalf("report %+v", rep)
	}
	if got := readFile(t, filepath.Join(root, "a.py")); got != "new\n" {
		t.Errorf("a.py = %q", got)
	}
	st, _ := os.Stat(filepath.Join(root, "a.py"))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 preserved", st.Mode().Perm())
	}
	if got := readFile(t, filepath.Join(root, "sub/b.py")); got != "b\n" {
		t.Errorf("created file = %q", got)
	}
}

func TestWriteSkipsFileChangedSinceRead(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "edited by the user meanwhile\n")
	res := &Result{Changed: map[string][]byte{"a.py": []byte("fixed\n")}}
	rep, err := Write(root, map[string][]byte{"a.py": []byte("as read\n")}, res)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped["a.py"] == nil || !strings.Contains(rep.Skipped["a.py"].Error(), "changed on disk") {
		t.Fatalf("want a.py skipped as changed, got %+v", rep)
	}
	if got := readFile(t, filepath.Join(root, "a.py")); got != "edited by the user meanwhile\n" {
		t.Errorf("a.py was overwritten: %q", got)
	}
}

// When any write fails, nothing is changed: here the created file's
// directory cannot exist because a regular file stands where it would be.
func TestWriteAllOrNothing(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.py"), "old\n")
	writeFile(t, filepath.Join(root, "blocker"), "a file, not a directory\n")
	res := &Result{
		Changed: map[string][]byte{"a.py": []byte("new\n")},
		Created: map[string][]byte{"blocker/new.py": []byte("x\n")},
	}
	if _, err := Write(root, map[string][]byte{"a.py": []byte("old\n")}, res); err == nil {
		t.Fatal("want an error")
	}
	if got := readFile(t, filepath.Join(root, "a.py")); got != "old\n" {
		t.Errorf("a.py changed although the run failed: %q", got)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 2 {
		t.Errorf("temp files left behind: %v", entries)
	}
}

// A read-only directory: as root the permission bits do not stop writes, so
// this runs only for other users (CI covers the same path above).
func TestWriteReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions; TestWriteAllOrNothing covers the failure path")
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "ro/a.py"), "old\n")
	writeFile(t, filepath.Join(root, "b.py"), "old\n")
	if err := os.Chmod(filepath.Join(root, "ro"), 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(root, "ro"), 0o755) })
	res := &Result{Changed: map[string][]byte{"ro/a.py": []byte("new\n"), "b.py": []byte("new\n")}}
	if _, err := Write(root, map[string][]byte{"ro/a.py": []byte("old\n"), "b.py": []byte("old\n")}, res); err == nil {
		t.Fatal("want an error")
	}
	if readFile(t, filepath.Join(root, "b.py")) != "old\n" || readFile(t, filepath.Join(root, "ro/a.py")) != "old\n" {
		t.Error("a file changed although a write failed")
	}
}

func TestWriteRefusesPathsOutsideRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"../evil.py", "/etc/evil.py", "link/evil.py", "a/../../evil.py", "C:/evil.py"} {
		res := &Result{Created: map[string][]byte{rel: []byte("x\n")}}
		rep, err := Write(root, nil, res)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if rep.Skipped[rel] == nil || len(rep.Written) != 0 {
			t.Errorf("%s: want refused, got %+v", rel, rep)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("something was written outside the root: %v", entries)
	}
}

func TestWriteNeverOverwritesOnCreate(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "gunicorn.conf.py"), "mine\n")
	rep, err := Write(root, nil, &Result{Created: map[string][]byte{"gunicorn.conf.py": []byte("theirs\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped["gunicorn.conf.py"] == nil || readFile(t, filepath.Join(root, "gunicorn.conf.py")) != "mine\n" {
		t.Errorf("existing file overwritten or not reported: %+v", rep)
	}
}

func TestApplyEdits(t *testing.T) {
	src := []byte("abcdef")
	tests := []struct {
		name    string
		edits   []diagnostics.Edit
		want    string
		wantErr bool
	}{
		{"insert and replace", []diagnostics.Edit{{Span: source.Span{Start: 1, End: 1}, NewText: "X"}, {Span: source.Span{Start: 3, End: 5}, NewText: "Y"}}, "aXbcYf", false},
		{"duplicates applied once", []diagnostics.Edit{{Span: source.Span{Start: 0, End: 1}, NewText: "Z"}, {Span: source.Span{Start: 0, End: 1}, NewText: "Z"}}, "Zbcdef", false},
		{"overlap", []diagnostics.Edit{{Span: source.Span{Start: 0, End: 3}, NewText: "1"}, {Span: source.Span{Start: 2, End: 4}, NewText: "2"}}, "", true},
		{"out of range", []diagnostics.Edit{{Span: source.Span{Start: 5, End: 9}, NewText: "1"}}, "", true},
	}
	for _, tt := range tests {
		got, err := ApplyEdits(src, tt.edits)
		if (err != nil) != tt.wantErr || (!tt.wantErr && string(got) != tt.want) {
			t.Errorf("%s: got %q, %v", tt.name, got, err)
		}
	}
}
