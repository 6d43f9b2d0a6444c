// Package docs renders rule documentation from the rule table: the CLI's
// explain, the LSP hover and docs/rules.md share it.
package docs

import (
	"fmt"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
)

// RuleText is the plain-text documentation of one rule.
func RuleText(r *diagnostics.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n%s\n\n", r.Code, r.Name, r.Severity, r.Title)
	fmt.Fprintf(&b, "Why\n%s\n\n", indentText(wrap(r.Doc, 76), "  "))
	if r.Before != "" {
		fmt.Fprintf(&b, "Before\n%s\n\n", indentText(r.Before, "    "))
	}
	if r.After != "" {
		fmt.Fprintf(&b, "After\n%s\n\n", indentText(r.After, "    "))
	}
	if r.FixDoc != "" {
		fmt.Fprintf(&b, "Fix\n%s\n", indentText(wrap(r.FixDoc, 76), "  "))
	} else {
		b.WriteString("Fix\n  No automatic fix.\n")
	}
	return b.String()
}

// RuleMarkdown is the Markdown documentation of one rule (hover, rules.md).
func RuleMarkdown(r *diagnostics.Rule, heading string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s — %s\n\n", heading, r.Code, r.Name)
	fmt.Fprintf(&b, "**%s** · default severity: %s\n\n%s\n\n", r.Title, r.Severity, r.Doc)
	if r.Before != "" {
		fmt.Fprintf(&b, "Before:\n\n```python\n%s\n```\n\n", r.Before)
	}
	if r.After != "" {
		fmt.Fprintf(&b, "After:\n\n```python\n%s\n```\n\n", r.After)
	}
	if r.FixDoc != "" {
		fmt.Fprintf(&b, "Fix: %s\n", r.FixDoc)
	} else {
		b.WriteString("No automatic fix.\n")
	}
	return b.String()
}

func indentText(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
