package workspace

import (
	"os"
	"path/filepath"
	"testing"
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
