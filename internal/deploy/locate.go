package deploy

import (
	"strings"

	"github.com/multiprom/multiprom/internal/source"
)

// keyLines finds where the options a parser returned are written, for
// formats whose parser keeps no positions (systemd units, supervisord, .env).
// The parser has read the values; this only finds, in order, the line that
// starts with each key, so that a finding can point at it.
type keyLines struct {
	src  []byte
	idx  *source.LineIndex
	next int // the line to search from
}

func newKeyLines(src []byte) *keyLines {
	return &keyLines{src: src, idx: source.NewLineIndex(src)}
}

// find returns the span of the first line at or after the last one found
// whose text starts with key followed by '=' (spaces allowed around it, an
// `export ` before it), or the span of the last line found when none does.
func (k *keyLines) find(key string) source.Span {
	for l := k.next; l < k.idx.LineCount(); l++ {
		text := strings.TrimSpace(string(k.src[k.idx.LineStart(l):k.idx.LineEnd(l)]))
		text = strings.TrimPrefix(text, "export ")
		if rest, ok := strings.CutPrefix(text, key); ok && strings.HasPrefix(strings.TrimLeft(rest, " \t"), "=") {
			k.next = l + 1
			return k.line(l)
		}
	}
	return k.line(max(k.next-1, 0))
}

// section moves the search to the line after a section header [name].
func (k *keyLines) section(name string) {
	for l := 0; l < k.idx.LineCount(); l++ {
		text := strings.TrimSpace(string(k.src[k.idx.LineStart(l):k.idx.LineEnd(l)]))
		if text == "["+name+"]" {
			k.next = l + 1
			return
		}
	}
}

func (k *keyLines) line(l int) source.Span {
	if l >= k.idx.LineCount() {
		l = k.idx.LineCount() - 1
	}
	return source.Span{Start: k.idx.LineStart(l), End: k.idx.LineEnd(l)}
}
