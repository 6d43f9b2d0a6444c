package bench

import (
	"context"
	"strings"
	"testing"

	d "github.com/multiprom/multiprom/diagnostics"
)

// FirstHalf keeps the files a corpus of half the size would have.
func TestFirstHalf(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Corpus{Modules: 10}); err != nil {
		t.Fatal(err)
	}
	res, err := d.Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	views := func(files []*d.File) (n int) {
		for _, f := range files {
			if strings.HasPrefix(f.Path, "app/views/mod") {
				n++
			}
		}
		return n
	}
	half := FirstHalf(res.Files, 10)
	if views(res.Files) != 10 || views(half) != 5 || len(res.Files)-len(half) != 5 {
		t.Fatalf("views %d → %d, files %d → %d", views(res.Files), views(half), len(res.Files), len(half))
	}
	for _, f := range half {
		if f.Path == "app/views/mod0005.py" {
			t.Error("mod0005 is in the second half")
		}
	}
}
