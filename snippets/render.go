package snippets

import (
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// templates is parsed once; a template error is a programming error caught by every test.
var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"q":      pyQuote,
	"lower":  strings.ToLower,
	"join":   strings.Join,
	"shjson": shJSON,
	"sysq":   systemdQuote,
	"pylist": func(xs []string) string {
		qs := make([]string, len(xs))
		for i, x := range xs {
			qs[i] = pyQuote(x)
		}
		if len(qs) == 1 {
			return "(" + qs[0] + ",)"
		}
		return "(" + strings.Join(qs, ", ") + ")"
	},
}).ParseFS(templateFS, "templates/*.tmpl"))

// pyQuote returns s as a double-quoted literal valid in Python and in YAML: strconv.Quote only
// emits escapes (\n, \x.., \u....) that both languages read the same way.
func pyQuote(s string) string { return strconv.Quote(s) }

// render executes the named template with data.
func render(name string, data any) (string, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("snippets: render %s: %w", name, err)
	}
	return b.String(), nil
}

// mustRender is render for templates whose data cannot make them fail (tests render all of them).
func mustRender(name string, data any) string {
	s, err := render(name, data)
	if err != nil {
		panic(err)
	}
	return s
}

// indent prefixes every non-blank line of s with prefix and makes s end in exactly one newline.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// splitImports separates the leading import lines of a rendered template from its body: templates
// for blocks start with their imports, one per line, then a line "---".
func splitImports(s string) (imports []string, body string) {
	head, body, ok := strings.Cut(s, "---\n")
	if !ok {
		return nil, s
	}
	for _, l := range strings.Split(head, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			imports = append(imports, l)
		}
	}
	return imports, body
}
