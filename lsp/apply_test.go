package lsp

import (
	"encoding/json"
	"sort"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// The client side of edits, written independently of the server's
// conversion (LineIndex): a test that used the server's own function to
// check the server's columns would prove nothing.

// utf16Offset converts a line/UTF-16 column to a byte offset in text.
func utf16Offset(text string, pos protocol.Position) int {
	line := 0
	off := 0
	for line < int(pos.Line) {
		i := indexByteFrom(text, '\n', off)
		if i < 0 {
			return len(text)
		}
		off = i + 1
		line++
	}
	col := 0
	for off < len(text) && text[off] != '\n' && col < int(pos.Character) {
		r, size := utf8.DecodeRuneInString(text[off:])
		col += len(utf16.Encode([]rune{r}))
		off += size
	}
	return off
}

func indexByteFrom(s string, b byte, from int) int {
	for i := from; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// utf16Col is the UTF-16 column of byte offset off within its line.
func utf16Col(text string, off int) int {
	start := off
	for start > 0 && text[start-1] != '\n' {
		start--
	}
	return len(utf16.Encode([]rune(text[start:off])))
}

type wireTextEdit struct {
	Range   protocol.Range `json:"range"`
	NewText string         `json:"newText"`
}

// wireChange is one element of documentChanges: a CreateFile or a
// TextDocumentEdit.
type wireChange struct {
	Kind         string `json:"kind"`
	URI          string `json:"uri"`
	TextDocument struct {
		URI     string `json:"uri"`
		Version *int32 `json:"version"`
	} `json:"textDocument"`
	Edits []wireTextEdit `json:"edits"`
}

type wireWorkspaceEdit struct {
	Changes         map[string][]wireTextEdit `json:"changes"`
	DocumentChanges []wireChange              `json:"documentChanges"`
}

type wireAction struct {
	Title       string                `json:"title"`
	Kind        string                `json:"kind"`
	IsPreferred bool                  `json:"isPreferred"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
	Edit        *wireWorkspaceEdit    `json:"edit"`
	Data        json.RawMessage       `json:"data"`
}

// applyTextEdits applies non-overlapping UTF-16 edits to text.
func applyTextEdits(t *testing.T, text string, edits []wireTextEdit) string {
	t.Helper()
	type span struct {
		a, b int
		s    string
	}
	var spans []span
	for _, e := range edits {
		spans = append(spans, span{utf16Offset(text, e.Range.Start), utf16Offset(text, e.Range.End), e.NewText})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].a > spans[j].a })
	for _, sp := range spans {
		text = text[:sp.a] + sp.s + text[sp.b:]
	}
	return text
}

// edited is what a workspace edit did: new texts by URI, and created URIs.
type edited struct {
	texts   map[string]string
	created []string
}

// applyWorkspaceEdit applies an edit to the given texts (by URI); created
// files start empty.
func applyWorkspaceEdit(t *testing.T, texts map[string]string, we *wireWorkspaceEdit) edited {
	t.Helper()
	out := edited{texts: map[string]string{}}
	for k, v := range texts {
		out.texts[k] = v
	}
	for u, es := range we.Changes {
		out.texts[u] = applyTextEdits(t, out.texts[u], es)
	}
	for _, ch := range we.DocumentChanges {
		if ch.Kind == "create" {
			out.created = append(out.created, ch.URI)
			out.texts[ch.URI] = ""
			continue
		}
		u := ch.TextDocument.URI
		out.texts[u] = applyTextEdits(t, out.texts[u], ch.Edits)
	}
	return out
}
