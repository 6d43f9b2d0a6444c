package source

import (
	"bytes"
	"encoding/binary"
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding is how a column counts characters within a line.
type Encoding int

const (
	// UTF8 counts bytes (tree-sitter, LSP "utf-8").
	UTF8 Encoding = iota
	// UTF16 counts UTF-16 code units (the LSP default).
	UTF16
	// UTF32 counts Unicode code points (the CLI's columns, LSP "utf-32").
	UTF32
)

// Position is a zero-based line and a zero-based column in some Encoding.
type Position struct {
	Line, Col int
}

// LineIndex maps byte offsets of one text to lines and columns. It is the one
// place where byte columns become UTF-16 or code-point columns and back.
type LineIndex struct {
	src    []byte
	starts []int32 // byte offset of the start of each line (an open document keeps its index)
	// ascii marks lines without a byte >= 0x80, where a column is the same
	// in every encoding and needs no walk: a minified one-line file with
	// thousands of findings would otherwise cost line length per finding.
	ascii []bool
}

// NewLineIndex indexes src. Lines end at "\n"; a "\r" before it belongs to
// the line's terminator, so CRLF files get the same lines as LF files.
func NewLineIndex(src []byte) *LineIndex {
	n := bytes.Count(src, []byte{'\n'}) + 1
	starts := make([]int32, 1, n)
	ascii := make([]bool, 0, n)
	// Newlines are found with IndexByte and each line tested for ASCII a
	// word at a time: a byte loop was a fifth of the rules' time in a
	// corpus check (every file with a finding builds its index).
	for start := 0; ; {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			ascii = append(ascii, isASCII(src[start:]))
			break
		}
		ascii = append(ascii, isASCII(src[start:start+i]))
		start += i + 1
		starts = append(starts, int32(start))
	}
	return &LineIndex{src: src, starts: starts, ascii: ascii}
}

// isASCII reports whether b has no byte >= 0x80, eight bytes at a time.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// LineCount is the number of lines (a trailing newline opens an empty line).
func (x *LineIndex) LineCount() int { return len(x.starts) }

// LineStart is the byte offset where the zero-based line begins.
func (x *LineIndex) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(x.starts) {
		return len(x.src)
	}
	return int(x.starts[line])
}

// lineEnd is the offset of the line's terminator (or end of text).
func (x *LineIndex) LineEnd(line int) int {
	end := len(x.src)
	if line+1 < len(x.starts) {
		end = int(x.starts[line+1]) - 1
		if end > int(x.starts[line]) && x.src[end-1] == '\r' {
			end--
		}
	}
	return end
}

// Line returns the zero-based line containing byte offset off.
func (x *LineIndex) Line(off int) int {
	return sort.Search(len(x.starts), func(i int) bool { return int(x.starts[i]) > off }) - 1
}

// Position converts a byte offset to a line and a column in enc.
func (x *LineIndex) Position(off int, enc Encoding) Position {
	if off < 0 {
		off = 0
	}
	if off > len(x.src) {
		off = len(x.src)
	}
	line := x.Line(off)
	start := int(x.starts[line])
	if x.ascii[line] {
		return Position{Line: line, Col: off - start}
	}
	return Position{Line: line, Col: columnOf(x.src[start:off], enc)}
}

// Offset converts a line and column in enc to a byte offset. Positions past
// the end of a line clamp to its end; lines past the end clamp to the end of
// the text (LSP clients may send either). A column inside a character (a
// lone half of a surrogate pair) rounds to the character's end.
func (x *LineIndex) Offset(p Position, enc Encoding) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(x.starts) {
		return len(x.src)
	}
	start, end := int(x.starts[p.Line]), x.LineEnd(p.Line)
	if p.Col <= 0 {
		return start
	}
	if x.ascii[p.Line] {
		return start + min(p.Col, end-start)
	}
	col := 0
	for i := start; i < end; {
		if col >= p.Col {
			return i
		}
		r, size := utf8.DecodeRune(x.src[i:end])
		col += width(r, size, enc)
		i += size
	}
	return end
}

func columnOf(b []byte, enc Encoding) int {
	if enc == UTF8 {
		return len(b)
	}
	col := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		col += width(r, size, enc)
		b = b[size:]
	}
	return col
}

// width is how many columns one decoded rune takes. Invalid UTF-8 bytes
// count as one unit each, as U+FFFD would.
func width(r rune, size int, enc Encoding) int {
	switch enc {
	case UTF8:
		return size
	case UTF16:
		if r == utf8.RuneError && size == 1 {
			return 1
		}
		if n := utf16.RuneLen(r); n > 0 {
			return n
		}
		return 1
	default:
		return 1
	}
}
