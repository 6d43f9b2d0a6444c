package diagnostics

import (
	"fmt"
	"strings"
)

// Markdown is the rule's documentation: docs/rules.md holds it for every
// rule, `multiprom explain` prints it, the language server's hover and
// SARIF's rule help show it. It opens with a level-2 heading (rules.md's
// sections) and ends with a newline.
func (r *Rule) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s — %s\n\n", r.Code, r.Name)
	fmt.Fprintf(&b, "**%s** · default severity: %s\n\n%s\n\n", r.Title, r.Severity, r.Doc)
	fmt.Fprintf(&b, "Frameworks: %s.\n\n", r.FrameworksText())
	fmt.Fprintf(&b, "Servers: %s.\n\n", r.ServersText())
	if r.Before != "" {
		fmt.Fprintf(&b, "Before:\n\n```python\n%s\n```\n\n", r.Before)
	}
	if r.After != "" {
		fmt.Fprintf(&b, "After:\n\n```python\n%s\n```\n\n", r.After)
	}
	switch {
	case r.Fix != FixNone:
		fmt.Fprintf(&b, "Fix (%s): %s\n", r.Fix, r.FixDoc)
	case r.FixDoc != "":
		fmt.Fprintf(&b, "%s\n", r.FixDoc)
	default:
		b.WriteString("No automatic fix.\n")
	}
	return b.String()
}

// FrameworksText lists the frameworks the rule covers ("Flask, FastAPI,
// Starlette"), or says it covers any.
func (r *Rule) FrameworksText() string {
	if len(r.Frameworks) == 0 {
		return "any (Flask, FastAPI, Starlette, Django: the rule reads prometheus_client code or the server set-up)"
	}
	names := make([]string, len(r.Frameworks))
	for i, fw := range r.Frameworks {
		names[i] = fw.Title()
	}
	return strings.Join(names, ", ")
}

// ServersText lists the servers whose set-up the rule covers ("gunicorn,
// uWSGI"), or says it covers any.
func (r *Rule) ServersText() string {
	if len(r.Servers) == 0 {
		return "any (gunicorn, uWSGI, uvicorn --workers: the rule reads app code)"
	}
	return strings.Join(r.Servers, ", ")
}
