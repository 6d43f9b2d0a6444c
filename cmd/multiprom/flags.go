package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
)

// parseInterspersed lets flags follow positional arguments (`check app.py --select MP3`,
// `verify URL --scrapes 5`), as ruff does; the flag package alone stops at the first one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		if fs.Arg(0) == "-" {
			// "-" is a positional (check -: standard input), not the end of flags.
			positional = append(positional, "-")
			args = fs.Args()[1:]
			continue
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// newFlags is a sub-command's flag set: its errors and usage are printed
// by parseFlags, once.
func newFlags(name string) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	return fl
}

// parseFlags parses a sub-command's arguments (flags may follow
// positionals). --help prints the usage on stdout: done, exit 0. A bad
// flag prints the error and the usage on stderr: done, exit 2.
func parseFlags(fl *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (positional []string, exit int, done bool) {
	positional, err := parseInterspersed(fl, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout, usage, fl)
		return nil, 0, true
	case err != nil:
		fmt.Fprintf(stderr, "multiprom %s: %s\n\n", fl.Name(), dashFlag.ReplaceAllString(err.Error(), "$1--$2"))
		printUsage(stderr, usage, fl)
		return nil, 2, true
	}
	return positional, 0, false
}

// dashFlag finds the flag package's "-name" in its error messages
// ("flag provided but not defined: -x", "invalid value ... for flag -x").
var dashFlag = regexp.MustCompile(`(: | flag )-([A-Za-z])`)

// printUsage prints a usage text and the flags spelled as the README
// spells them (--diff, not -diff).
func printUsage(w io.Writer, usage string, fl *flag.FlagSet) {
	fmt.Fprint(w, usage)
	fl.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "0s" {
			help += fmt.Sprintf(" (default %s)", def)
		}
		if len(line) <= 24 {
			fmt.Fprintf(w, "%-25s %s\n", line, help)
		} else {
			fmt.Fprintf(w, "%s\n%-25s %s\n", line, "", help)
		}
	})
}
