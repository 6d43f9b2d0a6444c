package python

import (
	"strings"

	"github.com/multiprom/multiprom/internal/source"
)

// Lines reads a file's lines as strings.Split(src, "\n") would give them,
// through the file's cached line index: a question asked for every call of
// a file (which branch is it in?) must not split the whole file each time.
type Lines struct {
	Src   []byte
	Index *source.LineIndex
}

// LinesOf reads src through its line index.
func LinesOf(src []byte, idx *source.LineIndex) Lines { return Lines{src, idx} }

// Len is the number of lines (a trailing newline opens an empty one).
func (l Lines) Len() int { return l.Index.LineCount() }

// At returns line i without its "\n" (a "\r" before it stays, as in Split).
func (l Lines) At(i int) string {
	end := len(l.Src)
	if i+1 < l.Index.LineCount() {
		end = l.Index.LineStart(i+1) - 1
	}
	return string(l.Src[l.Index.LineStart(i):end])
}

// BlockLeaves reports whether the block under line i (header indentation
// ind) leaves the function: a return or raise directly in it.
func (l Lines) BlockLeaves(i int, ind string) bool {
	for j := i + 1; j < l.Len(); j++ {
		line := l.At(j)
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if len(indentOf(line)) <= len(ind) {
			return false
		}
		if strings.HasPrefix(t, "return") || strings.HasPrefix(t, "raise") {
			return true
		}
	}
	return false
}

// ExceptCatches reports whether an except clause at indentation ind, among
// those that follow line last (the end of a statement in a try block),
// satisfies catches (given the clause's stripped text).
func (l Lines) ExceptCatches(last int, ind string, catches func(clause string) bool) bool {
	for j := last + 1; j < l.Len(); j++ {
		line := l.At(j)
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		li := indentOf(line)
		if len(li) < len(ind) {
			return false
		}
		if len(li) == len(ind) {
			if !strings.HasPrefix(t, "except") {
				if strings.HasPrefix(t, "else") || strings.HasPrefix(t, "finally") {
					continue
				}
				return false
			}
			if catches(t) {
				return true
			}
		}
	}
	return false
}

func indentOf(line string) string { return line[:len(line)-len(strings.TrimLeft(line, " \t"))] }
