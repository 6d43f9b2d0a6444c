// Command mkwheel packs a built multiprom binary into a Python wheel, so
// that `pip install`, `pipx install` and `uvx` put multiprom on the PATH
// (the way ruff ships). The wheel is a zip: no Python tooling is needed.
//
//	go run ./scripts/mkwheel -binary bin/multiprom [-target linux-x64] [-out dist]
//
// The platform tag comes from the binary itself: the newest glibc symbol
// version an ELF binary needs (manylinux_2_N), the minimum macOS a Mach-O
// binary declares, or win_amd64. -target (a VS Code target name, as
// editors/vscode/scripts/package.sh takes) must agree with the binary.
// The version is the one editors/vscode/package.json holds (package
// multiprom at the module root). `-version` prints it and exits.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/multiprom/multiprom"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkwheel:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("mkwheel", flag.ContinueOnError)
	bin := fl.String("binary", "bin/multiprom", "the built multiprom executable")
	targetName := fl.String("target", "", "release target (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64); default: the binary's")
	out := fl.String("out", "dist", "directory the wheel is written to")
	printVersion := fl.Bool("version", false, "print the release version and exit")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}
	if *printVersion {
		fmt.Println(multiprom.Version)
		return nil
	}
	path, err := build(*bin, *targetName, *out)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

// build writes the wheel for binary bin and returns its path.
func build(bin, targetName, out string) (string, error) {
	facts, err := readFacts(bin)
	if err != nil {
		return "", err
	}
	t, err := targetOf(facts)
	if targetName != "" {
		t, err = findTarget(targetName)
	}
	if err != nil {
		return "", err
	}
	tag, err := platformTag(t, facts)
	if err != nil {
		return "", fmt.Errorf("%s: %w", bin, err)
	}
	version, err := pep440(multiprom.Version)
	if err != nil {
		return "", fmt.Errorf("editors/vscode/package.json: %w", err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	return wheel{Version: version, Platform: tag, Exe: t.Executable, Binary: data}.write(out)
}
