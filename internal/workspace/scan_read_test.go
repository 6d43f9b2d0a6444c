package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/project"
)

// TestReadAtMostWhateverTheSizeHint reads a file with a stale size hint
// (the file changed after it was stat'ed) and at the limit: the bytes are
// the file's, and a file over the limit reads as limit+1 bytes.
func TestReadAtMostWhateverTheSizeHint(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.py")
	want := []byte("import os\n" + string(make([]byte, 3000)) + "x = 1\n")
	if err := os.WriteFile(p, want, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, hint := range []int64{0, 1, 512, int64(len(want)), int64(len(want)) + 1, 1 << 20, -1} {
		got, err := readAtMost(p, 1<<20, hint)
		if err != nil || string(got) != string(want) {
			t.Errorf("size hint %d: read %d bytes (err %v), want the file's %d", hint, len(got), err, len(want))
		}
	}
	got, err := readAtMost(p, 100, int64(len(want)))
	if err != nil || len(got) != 101 {
		t.Errorf("limit 100: read %d bytes (err %v), want 101", len(got), err)
	}
}

// TestScanLoadsNamedDockerfiles: a Dockerfile that only a compose build or
// a `docker build -f` names is loaded as a Dockerfile; one outside the root,
// or absent, is not.
func TestScanLoadsNamedDockerfiles(t *testing.T) {
	root := t.TempDir()
	for p, src := range map[string]string{
		"docker-compose.yml":      "services:\n  api:\n    build:\n      context: .\n      dockerfile: ./docker/fastapi_gunicorn\n  gone:\n    build:\n      context: ..\n      dockerfile: elsewhere\n",
		"docker/fastapi_gunicorn": "FROM python\nCOPY gunicorn_config.py /app/\nCMD gunicorn -c /app/gunicorn_config.py app:app\n",
		"scripts/build.sh":        "docker build -f ../deploy/web.image ..\ndocker build -f missing .\n",
		"deploy/web.image":        "FROM python\nCMD [\"gunicorn\", \"app:app\"]\n",
		"docker/notes":            "not named by anything\n",
		"app.py":                  "",
	} {
		p = filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Scan(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Files {
		got = append(got, fmt.Sprintf("%s:%d", f.Path, f.Kind))
	}
	sort.Strings(got)
	want := fmt.Sprintf("app.py:%d deploy/web.image:%d docker-compose.yml:%d docker/fastapi_gunicorn:%d scripts/build.sh:%d",
		project.KindPython, project.KindDockerfile, project.KindCompose, project.KindDockerfile, project.KindShell)
	if g := strings.Join(got, " "); g != want {
		t.Errorf("files = %s\nwant    %s", g, want)
	}
}
