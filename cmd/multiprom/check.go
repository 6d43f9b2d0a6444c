package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/batchgc"
	"github.com/multiprom/multiprom/internal/project"
)

const checkUsage = `usage: multiprom check [flags] [PATH...]

Lints the project at each PATH (default: the current directory). A file
PATH is checked as part of its project (found by walking up to the nearest
pyproject.toml, gunicorn.conf.py, requirements.txt, Procfile or .git) and
only its findings are reported.

Exit status: 0 no findings, 1 findings, 2 usage error or a run that could
not complete.

flags:
`

type checkFlags struct {
	format   string
	selects  string
	ignores  string
	fix      bool
	diff     bool
	exitZero bool
	quiet    bool
	timings  bool
}

func runCheck(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var cf checkFlags
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, checkUsage); fl.PrintDefaults() }
	fl.StringVar(&cf.format, "format", "auto", "output format: text, json, json-lines, github, sarif, auto (github under GITHUB_ACTIONS, else text)")
	fl.StringVar(&cf.selects, "select", "", "comma-separated rule codes or prefixes to enable (e.g. MP1,MP301); default all")
	fl.StringVar(&cf.ignores, "ignore", "", "comma-separated rule codes or prefixes to disable")
	fl.BoolVar(&cf.fix, "fix", false, "apply the preferred fix of every finding (atomic writes), then report what is left")
	fl.BoolVar(&cf.diff, "diff", false, "print the fixes as a unified diff instead of writing them")
	fl.BoolVar(&cf.exitZero, "exit-zero", false, "exit 0 even when findings remain")
	fl.BoolVar(&cf.quiet, "quiet", false, "text format: no summary line")
	fl.BoolVar(&cf.timings, "timings", false, "print to stderr, after the report, how long each phase took: scan, project, rules, fix, report")
	paths, err := parseInterspersed(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cf.fix && cf.diff {
		fmt.Fprintln(stderr, "multiprom check: --fix and --diff are exclusive")
		return 2
	}
	format, err := resolveFormat(cf.format)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom check: %v\n", err)
		return 2
	}
	editor := project.Settings{Select: splitList(cf.selects), Ignore: splitList(cf.ignores)}
	if err := editor.Validate(func(c string) bool { return rules.ByCode(c) != nil }, diagnostics.CheckSeverity); err != nil {
		fmt.Fprintf(stderr, "multiprom check: %v\n", err)
		return 2
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	times := newPhaseTimes()
	// One scan, one report, exit: the summaries stay live to the end.
	defer batchgc.Apply()()
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "multiprom check: %v\n", err)
		return 2
	}
	targets, err := groupTargets(paths)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom check: %v\n", err)
		return 2
	}
	ctx := context.Background()
	var all []finding
	fixed, pending := 0, 0
	for _, t := range targets {
		scan, err := project.Scan(ctx, t.root)
		if err != nil {
			fmt.Fprintf(stderr, "multiprom check: %v\n", err)
			return 2
		}
		times.scanned(scan)
		times.end(phaseScan)
		proj := project.NewProject(ctx, scan.Root, scan.Files, editor)
		if err := proj.Settings.Validate(func(c string) bool { return rules.ByCode(c) != nil }, diagnostics.CheckSeverity); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", displayPath(cwd, scan.Root, "pyproject.toml"), err)
		}
		for _, pr := range append(scan.Problems, proj.Problems...) {
			fmt.Fprintf(stderr, "%s: %s\n", displayPath(cwd, scan.Root, pr.Path), pr.Message)
		}
		times.end(phaseProject)
		ds := diagnostics.Check(proj, rules.All, t.only)
		times.end(phaseRules)
		if cf.fix || cf.diff {
			n, remaining, final, err := applyFixes(ctx, proj, t, cf, cwd, stdout, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "multiprom check: %v\n", err)
				return 2
			}
			if cf.fix {
				// Count findings resolved, not fixes: one fix can resolve
				// several findings (MP101 and MP108 share the exporter block).
				if resolved := len(ds) - len(remaining); resolved > 0 {
					fixed += resolved
				}
				ds, proj = remaining, final
			} else {
				pending += n
			}
			times.end(phaseFix)
		}
		for _, diag := range ds {
			all = append(all, finding{diag: diag, file: proj.File(diag.Path), root: scan.Root})
		}
	}
	if cf.diff {
		if !cf.quiet {
			fmt.Fprintf(stderr, "%d fix(es) would be applied\n", pending)
		}
		times.end(phaseReport)
		if cf.timings {
			times.write(stderr, true)
		}
		return exitFor(pending > 0, cf.exitZero)
	}
	if err := writeFindings(stdout, format, cwd, all, fixed, cf.quiet); err != nil {
		fmt.Fprintf(stderr, "multiprom check: %v\n", err)
		return 2
	}
	times.end(phaseReport)
	if cf.timings {
		times.write(stderr, cf.fix)
	}
	return exitFor(len(all) > 0, cf.exitZero)
}

func exitFor(found, exitZero bool) int {
	if found && !exitZero {
		return 1
	}
	return 0
}

// applyFixes runs fix-all on a project and writes (--fix) or prints
// (--diff) the result. It returns the number of fixes and the findings
// that remain.
// The findings' spans refer to the returned project's files.
func applyFixes(ctx context.Context, proj *project.Project, t target, cf checkFlags, cwd string, stdout, stderr io.Writer) (int, []*diagnostics.Diagnostic, *project.Project, error) {
	res, err := codeactions.FixAll(ctx, proj, rules.All)
	if err != nil {
		return 0, nil, nil, err
	}
	read := map[string][]byte{}
	for _, f := range proj.Files {
		read[f.Path] = f.Src
	}
	remaining := res.Remaining
	if t.only != nil {
		kept := remaining[:0]
		for _, r := range remaining {
			if t.only[r.Path] {
				kept = append(kept, r)
			}
		}
		remaining = kept
	}
	if cf.diff {
		return res.Applied, remaining, res.Final, codeactions.WriteDiff(stdout, read, res, func(rel string) string { return displayPath(cwd, proj.Root, rel) })
	}
	rep, err := codeactions.Write(proj.Root, read, res)
	if err != nil {
		return 0, nil, nil, err
	}
	for _, rel := range sortedErrKeys(rep.Skipped) {
		fmt.Fprintf(stderr, "%s: not fixed: %v\n", displayPath(cwd, proj.Root, rel), rep.Skipped[rel])
	}
	for _, rel := range rep.Written {
		if _, created := res.Created[rel]; created {
			fmt.Fprintf(stderr, "created %s\n", displayPath(cwd, proj.Root, rel))
		}
	}
	if len(rep.Skipped) > 0 {
		// Something was left alone: report from the files as they are on disk.
		scan, err := project.Scan(ctx, proj.Root)
		if err != nil {
			return 0, nil, nil, err
		}
		again := project.NewProject(ctx, scan.Root, scan.Files, proj.Settings)
		return res.Applied, diagnostics.Check(again, rules.All, t.only), again, nil
	}
	return res.Applied, remaining, res.Final, nil
}

func sortedErrKeys(m map[string]error) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// target is one project root to check, and the files to report (nil = all).
type target struct {
	root string
	only map[string]bool
}

// groupTargets maps PATH arguments to project roots: directories are roots
// themselves (every file reported); files join the project found by walking
// up from them (only those files reported).
func groupTargets(paths []string) ([]target, error) {
	var out []target
	index := map[string]int{}
	whole := map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrap(err))
		}
		root, file := abs, ""
		if !st.IsDir() {
			root, file = findRoot(filepath.Dir(abs)), abs
		}
		i, ok := index[root]
		if !ok {
			i = len(out)
			index[root] = i
			out = append(out, target{root: root, only: map[string]bool{}})
		}
		if file == "" {
			whole[root] = true
			continue
		}
		rel, _ := filepath.Rel(root, file)
		out[i].only[filepath.ToSlash(rel)] = true
	}
	for i := range out {
		if whole[out[i].root] {
			out[i].only = nil
		}
	}
	return out, nil
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// findRoot walks up from dir to the nearest directory with a project marker.
func findRoot(dir string) string {
	markers := []string{"pyproject.toml", "gunicorn.conf.py", "requirements.txt", "Procfile", ".git", "setup.py", "setup.cfg"}
	for cur := dir; ; {
		for _, m := range markers {
			if _, err := os.Stat(filepath.Join(cur, m)); err == nil {
				return cur
			}
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return dir
		}
		cur = parent
	}
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.ToUpper(p))
		}
	}
	return out
}

// displayPath shows a project file relative to the current directory.
func displayPath(cwd, root, rel string) string {
	abs := filepath.Join(root, filepath.FromSlash(rel))
	if r, err := filepath.Rel(cwd, abs); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(abs)
}
