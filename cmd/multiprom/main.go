// Command multiprom is the language server and headless linter for
// Prometheus metrics under multi-worker gunicorn.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/multiprom/multiprom"
)

// version is the release version, from editors/vscode/package.json (see
// the root package): the binary, the .vsix and the wheel all say it.
var version = multiprom.Version

const usage = `multiprom — find and fix Prometheus metrics bugs under multi-worker gunicorn

usage:
  multiprom check [flags] [PATH...]   lint a project (also: multiprom --check)
  multiprom serve [--stdio]           run the language server over stdio
  multiprom setup [--dashboard] [--deploy] [--requirements] [--all] [--diff] [PATH]
                                      create the Grafana dashboard, deploy files and requirements
  multiprom verify URL                scrape an endpoint and check counters are consistent
  multiprom rules                     list the rules
  multiprom explain CODE              print a rule's documentation
  multiprom version                   print the version

Run "multiprom COMMAND --help" for a command's flags.
`

// command runs one subcommand and returns the process exit code.
type command func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

func commands() map[string]command {
	return map[string]command{
		"check":   runCheck,
		"setup":   runSetup,
		"serve":   runServe,
		"verify":  func(args []string, _ io.Reader, stdout, stderr io.Writer) int { return runVerify(args, stdout, stderr) },
		"rules":   runRules,
		"explain": runExplain,
		"version": runVersion,
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "--check", "-check":
		name = "check"
	case "--version", "-version", "-V":
		name = "version"
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "--stdio":
		name, rest = "serve", args
	}
	if strings.HasPrefix(name, "--check=") {
		fmt.Fprintln(stderr, "multiprom: --check takes no value; use: multiprom --check [PATH...]")
		return 2
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "multiprom: unknown command %q\n\n%s", name, usage)
		return 2
	}
	return cmd(rest, stdin, stdout, stderr)
}

const versionUsage = `usage: multiprom version

Prints the version.
`

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	rest, code, done := parseFlags(newFlags("version"), versionUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprint(stderr, versionUsage)
		return 2
	}
	fmt.Fprintf(stdout, "multiprom %s\n", version)
	return 0
}
