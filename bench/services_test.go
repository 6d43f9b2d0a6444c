package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/multiprom/multiprom/internal/workspace"
)

// A services workspace of n has exactly n services as workspace.Find sees
// them, services/s0000 … in order, each with its own files and those the
// root compose file builds with it too.
func TestGeneratedServicesAreFound(t *testing.T) {
	const n = 24
	dir := filepath.Join(t.TempDir(), "ws")
	if err := GenerateServices(dir, n); err != nil {
		t.Fatal(err)
	}
	scan, err := workspace.Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	svcs := workspace.Find(scan.Files)
	if len(svcs) != n {
		t.Fatalf("%d services found, want %d", len(svcs), n)
	}
	for i, s := range svcs {
		if want := serviceDir(i); s.Dir != want {
			t.Errorf("service %d: %q, want %q", i, s.Dir, want)
		}
		want := len(serviceFiles(i))
		if i%ComposeEvery == 0 {
			want++ // ../../docker-compose.yml
		}
		if len(s.Files) != want {
			t.Errorf("%s: %d files, want %d", s.Dir, len(s.Files), want)
		}
	}
}

// The 1,000-service workspace mpbench times is twice the 500-service one in
// files and bytes, but for the compose file's first line, which each has
// once.
func TestDoubledServicesAreTwiceTheFilesAndBytes(t *testing.T) {
	files, bytes := [2]int{}, [2]int64{}
	for i, n := range []int{500, 1000} {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(n))
		if err := GenerateServices(dir, n); err != nil {
			t.Fatal(err)
		}
		var err error
		if files[i], bytes[i], err = TreeSize(dir); err != nil {
			t.Fatal(err)
		}
	}
	if files[1]-1 != 2*(files[0]-1) {
		t.Errorf("files: %d at 500, %d at 1,000: want twice, but for the compose file", files[0], files[1])
	}
	fixed := int64(len(ComposeHeader))
	if bytes[1]-fixed != 2*(bytes[0]-fixed) {
		t.Errorf("bytes: %d at 500, %d at 1,000: want twice, but for the compose file's first line", bytes[0], bytes[1])
	}
}
