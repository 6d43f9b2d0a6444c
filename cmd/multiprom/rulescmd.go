package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
)

const rulesUsage = `usage: multiprom rules

Lists the rules: code, name, default severity, fix (safe: --fix applies
it; unsafe: only with --unsafe-fixes; empty: no automatic fix) and title.
`

const explainUsage = `usage: multiprom explain CODE   (e.g. multiprom explain MP301)

Prints a rule's documentation: why it is a bug, before and after, the fix.
`

func runRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	args, code, done := parseFlags(newFlags("rules"), rulesUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "multiprom rules: no arguments expected\n\n%s", rulesUsage)
		return 2
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tSEVERITY\tFIX\tTITLE")
	for _, r := range rules.All {
		fix := ""
		if r.Fix != diagnostics.FixNone {
			fix = r.Fix.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, r.Severity, fix, r.Title)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "multiprom rules: %v\n", err)
		return 2
	}
	return 0
}

func runExplain(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	args, code, done := parseFlags(newFlags("explain"), explainUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(args) != 1 {
		fmt.Fprint(stderr, explainUsage)
		return 2
	}
	key := strings.ToUpper(strings.TrimSpace(args[0]))
	for _, r := range rules.All {
		if r.Code == key || strings.EqualFold(r.Name, args[0]) {
			fmt.Fprint(stdout, r.Markdown())
			return 0
		}
	}
	fmt.Fprintf(stderr, "multiprom explain: no rule %q (run \"multiprom rules\" for the list)\n", args[0])
	return 2
}
