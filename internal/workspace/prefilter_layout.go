package workspace

import (
	"bytes"

	"github.com/multiprom/multiprom/internal/frameworks"
)

// compoundKeywords start the statements whose header ends with ':' and
// opens an indented block.
var compoundKeywords = []string{"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class", "async", "match", "case"}

// topLevelSettings counts the statements at module level (first on a line
// at indentation 0, or after a ';' on such a line) that assign or annotate
// a gunicorn setting name. plain is false when the file's layout is not
// what Python's tokenizer accepts without complaint — an indent after a line
// that opens no block, a dedent to no enclosing level, a block header with
// no body, tabs mixed into indentation, unbalanced or mismatched brackets,
// unterminated strings, a lone CR — because tree-sitter recovers from those
// in ways that can put indented lines at module level.
func topLevelSettings(src []byte) (n int, plain bool) {
	stack := []int{0}
	var brackets []byte
	i := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	lineStart := true
	opensBlock := false // the previous logical line is a compound header ending in ':'
	lastSig := byte(0)
	lineKeyword := false // the current logical line starts with a compound keyword
	for i < len(src) {
		if lineStart && len(brackets) == 0 {
			j := i
			ind, tabs, spaces := 0, false, false
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\f') {
				switch src[j] {
				case ' ':
					spaces = true
				case '\t':
					tabs = true
				case '\f':
					return 0, false
				}
				ind++
				j++
			}
			if j >= len(src) {
				break
			}
			if src[j] == '\n' || src[j] == '\r' || src[j] == '#' {
				// Blank or comment-only line: no indentation meaning.
				for j < len(src) && src[j] != '\n' {
					j++
				}
				i = j + 1
				continue
			}
			if tabs && spaces {
				return 0, false
			}
			top := stack[len(stack)-1]
			switch {
			case ind > top:
				if !opensBlock {
					return 0, false
				}
				stack = append(stack, ind)
			case ind < top:
				if opensBlock {
					return 0, false
				}
				for stack[len(stack)-1] > ind {
					stack = stack[:len(stack)-1]
				}
				if stack[len(stack)-1] != ind {
					return 0, false
				}
			default:
				if opensBlock {
					return 0, false
				}
			}
			i = j
			lineStart, opensBlock, lastSig = false, false, 0
			lineKeyword = startsWithKeyword(src[i:])
			if len(stack) == 1 && isSettingAssign(src[i:]) {
				n++
			}
		}
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r'):
			i += 2
			if i < len(src) && src[i-1] == '\r' && src[i] == '\n' {
				i++
			}
			continue
		case c == '\r':
			if i+1 >= len(src) || src[i+1] != '\n' {
				return 0, false
			}
		case c == '\n':
			if len(brackets) == 0 {
				lineStart = true
				opensBlock = lastSig == ':' && lineKeyword
			}
		case c == '"' || c == '\'':
			end, ok := skipString(src, i)
			if !ok {
				return 0, false
			}
			i, lastSig = end, c
			continue
		case c == '(' || c == '[' || c == '{':
			brackets = append(brackets, c)
			lastSig = c
		case c == ')' || c == ']' || c == '}':
			if len(brackets) == 0 || brackets[len(brackets)-1] != map[byte]byte{')': '(', ']': '[', '}': '{'}[c] {
				return 0, false
			}
			brackets = brackets[:len(brackets)-1]
			lastSig = c
		case c == ';':
			if len(brackets) == 0 && len(stack) == 1 {
				k := i + 1
				for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
					k++
				}
				if isSettingAssign(src[k:]) {
					n++
				}
			}
			lastSig = c
		case c == ' ' || c == '\t' || c == '\f':
		default:
			lastSig = c
		}
		i++
	}
	if len(brackets) > 0 || opensBlock {
		return 0, false
	}
	return n, true
}

// skipString returns the offset after the string literal whose opening
// quote is at i; ok is false when it is not terminated.
func skipString(src []byte, i int) (int, bool) {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		for j := i + 3; j < len(src); j++ {
			switch {
			case src[j] == '\\':
				j++
			case src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q:
				return j + 3, true
			}
		}
		return 0, false
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
			if j < len(src) && src[j] == '\r' && j+1 < len(src) && src[j+1] == '\n' {
				j++
			}
		case q:
			return j + 1, true
		case '\n', '\r':
			return 0, false
		}
	}
	return 0, false
}

func startsWithKeyword(s []byte) bool {
	for _, k := range compoundKeywords {
		if bytes.HasPrefix(s, []byte(k)) && (len(s) == len(k) || !isIdentByte(s[len(k)])) {
			return true
		}
	}
	return false
}

// isSettingAssign reports whether s starts with `name =` or `name:` for a
// gunicorn setting name.
func isSettingAssign(s []byte) bool {
	k := 0
	for k < len(s) && isIdentByte(s[k]) {
		k++
	}
	if k == 0 || !frameworks.GunicornSettingNames[string(s[:k])] {
		return false
	}
	for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\\' || s[k] == '\r' || s[k] == '\n') {
		k++
	}
	return k < len(s) && (s[k] == ':' || s[k] == '=' && (k+1 >= len(s) || s[k+1] != '='))
}
