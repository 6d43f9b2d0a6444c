package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/multiprom/multiprom/diagnostics/rules"
)

func runRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("rules", flag.ContinueOnError)
	fl.SetOutput(stderr)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tSEVERITY\tFIX\tTITLE")
	for _, r := range rules.All {
		fix := ""
		if r.FixDoc != "" {
			fix = "yes"
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
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: multiprom explain CODE   (e.g. multiprom explain MP301)")
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
