package source

import "testing"

func TestLineIndexColumns(t *testing.T) {
	// "🙂" is 4 bytes, 2 UTF-16 units, 1 code point; "日本" is 6 bytes, 2 units, 2 points.
	src := []byte("a\r\nx🙂y日本z\n\ufeffq")
	idx := NewLineIndex(src)
	if idx.LineCount() != 3 {
		t.Fatalf("lines = %d", idx.LineCount())
	}
	zOff := len("a\r\nx🙂y日本")
	tests := []struct {
		enc  Encoding
		want Position
	}{
		{UTF8, Position{1, 12}},
		{UTF16, Position{1, 6}},
		{UTF32, Position{1, 5}},
	}
	for _, tt := range tests {
		if got := idx.Position(zOff, tt.enc); got != tt.want {
			t.Errorf("enc %d: Position = %+v, want %+v", tt.enc, got, tt.want)
		}
		if got := idx.Offset(tt.want, tt.enc); got != zOff {
			t.Errorf("enc %d: Offset(%+v) = %d, want %d", tt.enc, tt.want, got, zOff)
		}
	}
	// CRLF: the \r belongs to the terminator; a column past the end clamps before it.
	if got := idx.Offset(Position{0, 99}, UTF16); got != 1 {
		t.Errorf("past end of CRLF line: %d, want 1", got)
	}
	// A column inside a surrogate pair rounds to the end of the character.
	if got := idx.Offset(Position{1, 2}, UTF16); got != len("a\r\nx🙂") {
		t.Errorf("inside surrogate pair: %d", got)
	}
	// The BOM is a character like any other (U+FEFF, 1 unit).
	if got := idx.Position(len(src)-1, UTF16); got != (Position{2, 1}) {
		t.Errorf("after BOM: %+v", got)
	}
	// Out of range clamps.
	if got := idx.Offset(Position{99, 0}, UTF16); got != len(src) {
		t.Errorf("line past end: %d", got)
	}
	if got := idx.Position(-5, UTF16); got != (Position{0, 0}) {
		t.Errorf("negative offset: %+v", got)
	}
}

func TestInvalidUTF8CountsPerByte(t *testing.T) {
	src := []byte("a\xffb")
	idx := NewLineIndex(src)
	if got := idx.Position(2, UTF16); got.Col != 2 {
		t.Errorf("UTF-16 col after invalid byte = %d, want 2", got.Col)
	}
	if got := idx.Offset(Position{0, 2}, UTF32); got != 2 {
		t.Errorf("offset = %d, want 2", got)
	}
}
