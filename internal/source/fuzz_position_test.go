package source_test

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/multiprom/multiprom/internal/fuzzbudget"
	"github.com/multiprom/multiprom/internal/source"
)

var encodings = []source.Encoding{source.UTF8, source.UTF16, source.UTF32}

// refCol is an independent column count: the text before off on its line,
// decoded as Go decodes strings (each invalid byte is one U+FFFD), measured
// in bytes, UTF-16 units or code points.
func refCol(line []byte, enc source.Encoding) int {
	switch enc {
	case source.UTF8:
		return len(line)
	case source.UTF16:
		return len(utf16.Encode([]rune(string(line))))
	default:
		return len([]rune(string(line)))
	}
}

// boundaries are the offsets of a line at which a character starts (invalid
// bytes are one character each), plus the line's end.
func boundaries(src []byte, start, end int) []int {
	var out []int
	for i := start; i < end; {
		out = append(out, i)
		_, size := utf8.DecodeRune(src[i:end])
		i += size
	}
	return append(out, end)
}

// FuzzLineIndex checks the one conversion between byte offsets and
// line/column positions: columns agree with an independent count, every
// character boundary round-trips in every encoding, and any position a
// client may send (negative, past the end, inside a surrogate pair or a
// CRLF) lands on a character boundary of the requested line.
func FuzzLineIndex(f *testing.F) {
	for _, s := range []string{
		"", "\n", "\r\n", "a\r\nb\r\n", "\ufeffx = 1\n", "g = \"\U0001F600\U0001F600\" # \u4e2d\u6587\n",
		"\xed\xa0\x80 lone surrogate\n", "\xff\xfe\xfd\n\x80", "tab\there\n\n\n", "\U0001F468\u200d\U0001F469\u200d\U0001F467 zwj\r\n",
		"e\u0301 combining\n", "x\ry\rz\n", "\x00\x01",
	} {
		f.Add([]byte(s), 0, 3)
	}
	f.Fuzz(func(t *testing.T, src []byte, line, col int) {
		fuzzbudget.Run("line index", 20*time.Second, func() { checkLineIndex(t, src, line, col) })
	})
}

func checkLineIndex(t *testing.T, src []byte, line, col int) {
	{
		idx := source.NewLineIndex(src)
		if want := bytes.Count(src, []byte("\n")) + 1; idx.LineCount() != want {
			t.Fatalf("LineCount = %d, want %d", idx.LineCount(), want)
		}
		// Position and Offset walk a line, so a long input round-trips a
		// sample of its boundaries (about 2,000), keeping one input cheap.
		step := len(src)/2048 + 1
		for l := 0; l < idx.LineCount(); l++ {
			start := idx.LineStart(l)
			end := lineEnd(src, idx, l)
			bs := boundaries(src, start, end)
			for i, off := range bs {
				if i%step != 0 && i != len(bs)-1 {
					continue
				}
				for _, enc := range encodings {
					p := idx.Position(off, enc)
					if p.Line != l || p.Col != refCol(src[start:off], enc) {
						t.Fatalf("Position(%d, %d) = %+v, want line %d col %d", off, enc, p, l, refCol(src[start:off], enc))
					}
					if back := idx.Offset(p, enc); back != off {
						t.Fatalf("Offset(Position(%d)) = %d in encoding %d (pos %+v)", off, back, enc, p)
					}
				}
			}
		}
		// Arbitrary client positions.
		for _, enc := range encodings {
			off := idx.Offset(source.Position{Line: line, Col: col}, enc)
			if off < 0 || off > len(src) {
				t.Fatalf("Offset(%d:%d) = %d outside 0..%d", line, col, off, len(src))
			}
			if line < 0 || line >= idx.LineCount() {
				continue
			}
			start, end := idx.LineStart(line), lineEnd(src, idx, line)
			if off < start || off > end {
				t.Fatalf("Offset(%d:%d) = %d not on line %d (%d..%d)", line, col, off, line, start, end)
			}
			if !contains(boundaries(src, start, end), off) {
				t.Fatalf("Offset(%d:%d) = %d is inside a character", line, col, off)
			}
			got := idx.Position(off, enc)
			if col >= 0 && got.Col < col && off != end {
				t.Fatalf("Offset(%d:%d) rounded down to column %d", line, col, got.Col)
			}
			if enc == source.UTF16 && col >= 0 && got.Col > col+1 {
				t.Fatalf("Offset(%d:%d) rounded up past the character to column %d", line, col, got.Col)
			}
		}
	}
}

// lineEnd is where a line's text stops: before "\n" or "\r\n".
func lineEnd(src []byte, idx *source.LineIndex, l int) int {
	if l+1 >= idx.LineCount() {
		return len(src)
	}
	end := idx.LineStart(l+1) - 1
	if end > idx.LineStart(l) && src[end-1] == '\r' {
		end--
	}
	return end
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
