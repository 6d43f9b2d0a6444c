// Command gen writes docs/rules.md from the rule table.
package main

import (
	"fmt"
	"os"

	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/docs"
)

func main() {
	if err := os.WriteFile("docs/rules.md", []byte(docs.RulesMarkdown(rules.All)), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
