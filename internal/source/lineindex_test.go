package source

import (
	"math/rand"
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
