package deploy

import (
	"strings"

	"github.com/joho/godotenv"
	"github.com/multiprom/multiprom/internal/source"
)

// parseDotenv reads a .env file with godotenv (the format python-dotenv,
// compose and docker share for simple files).
func parseDotenv(src []byte, m *Model) {
	vals, err := godotenv.UnmarshalBytes(src)
	if err != nil {
		m.Problems = append(m.Problems, Problem{Msg: ".env: " + err.Error()})
		return
	}
	// godotenv returns a map: the file's own order, and each name's line,
	// come from the lines that assign it.
	idx := source.NewLineIndex(src)
	seen := map[string]bool{}
	for l := 0; l < idx.LineCount(); l++ {
		text := strings.TrimSpace(string(src[idx.LineStart(l):idx.LineEnd(l)]))
		text = strings.TrimSpace(strings.TrimPrefix(text, "export "))
		k, _, ok := strings.Cut(text, "=")
		k = strings.TrimSpace(k)
		v, known := vals[k]
		if !ok || !known || seen[k] {
			continue
		}
		seen[k] = true
		m.Assigns = append(m.Assigns, Assign{Name: k, Value: v, Span: source.Span{Start: idx.LineStart(l), End: idx.LineEnd(l)}, Phase: AtStart, How: "dotenv", Known: true})
	}
}
