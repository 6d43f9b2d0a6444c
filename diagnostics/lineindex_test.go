package diagnostics

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// lineIndexByBytes is NewLineIndex as a plain byte loop: the reference the
// word-at-a-time version is held to.
func lineIndexByBytes(src []byte) ([]int32, []bool) {
	starts, ascii, lineASCII := []int32{0}, []bool{}, true
	for i, b := range src {
		switch {
		case b == '\n':
			starts = append(starts, int32(i+1))
			ascii = append(ascii, lineASCII)
			lineASCII = true
		case b >= 0x80:
			lineASCII = false
		}
	}
	return starts, append(ascii, lineASCII)
}

func TestNewLineIndexMatchesByteLoop(t *testing.T) {
	cases := [][]byte{
		nil, []byte("\n"), []byte("a"), []byte("abc\n"), []byte("x = 1\r\ny = 'é'\r\n"),
		[]byte("0123456\xff\n01234567\n012345678é\n\n\n"), []byte("é"), []byte("abcdefgh\x80"),
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab \n\r\x7f\x80é")
	for n := 0; n < 300; n++ {
		b := make([]byte, rng.Intn(64))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		cases = append(cases, b)
	}
	for _, src := range cases {
		idx := NewLineIndex(src)
		starts, ascii := lineIndexByBytes(src)
		if !reflect.DeepEqual(idx.starts, starts) || !reflect.DeepEqual(idx.ascii, ascii) {
			t.Fatalf("%q: starts %v ascii %v, want %v %v", src, idx.starts, idx.ascii, starts, ascii)
		}
	}
}

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
