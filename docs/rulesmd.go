// Package docs renders docs/rules.md from the rule table; each rule's
// section is its Rule.Markdown, which hover and `multiprom explain` show too.
package docs

import (
	"fmt"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
)

// RulesMarkdown renders docs/rules.md from the rule table.
func RulesMarkdown(rules []*diagnostics.Rule) string {
	var b strings.Builder
	b.WriteString("# multiprom rules\n\n")
	b.WriteString("<!-- Generated from the rule table by `make docs` (go run ./docs/gen). Do not edit by hand: a test fails when this file is stale. -->\n\n")
	b.WriteString("Suppress a finding with `# multiprom: ignore[CODE]` (or `# noqa: CODE`) on its line; select or ignore rules with `--select`/`--ignore` or `[tool.multiprom]` in pyproject.toml.\n\n")
	b.WriteString("| code | name | severity | fix | frameworks | title |\n|---|---|---|---|---|---|\n")
	for _, r := range rules {
		fix := ""
		if r.Fix != diagnostics.FixNone {
			fix = r.Fix.String()
		}
		frameworks := "any"
		if len(r.Frameworks) > 0 {
			frameworks = r.FrameworksText()
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", r.Code, strings.ToLower(r.Code), r.Name, r.Severity, fix, frameworks, r.Title)
	}
	b.WriteString("\n")
	for _, r := range rules {
		// An explicit anchor: codeDescription links point at #mp301.
		fmt.Fprintf(&b, "<a id=\"%s\"></a>\n\n", strings.ToLower(r.Code))
		b.WriteString(r.Markdown())
		b.WriteString("\n")
	}
	return b.String()
}
