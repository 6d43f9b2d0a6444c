package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/batchgc"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

const checkUsage = `usage: multiprom check [flags] [PATH...]
       multiprom check [flags] --stdin-filename PATH -
       multiprom check --watch [flags] [PATH...]

Lints the project at each PATH (default: the current directory). A file
PATH is checked as part of its project (found by walking up to the nearest
pyproject.toml, gunicorn.conf.py, requirements.txt, Procfile or .git) and
only its findings are reported. "-" reads one file's text from standard
input; --stdin-filename says where it lives in the project. --watch checks
again after every change to the Python and deploy files until Ctrl-C
(exit 0); it prints text only and takes neither --fix, --diff nor "-".

Exit status: 0 no findings at or above --fail-on (default warning), 1
findings, 2 usage error, a setting that cannot be read, a PATH that does
not exist, or a run that could not complete.

flags:
`

type checkFlags struct {
	format        string
	selects       string
	extendSelect  string
	ignores       string
	config        string
	failOn        string
	stdinFilename string
	fix           bool
	fixOnly       bool
	unsafeFixes   bool
	showFixes     bool
	diff          bool
	exitZero      bool
	quiet         bool
	timings       bool
	statistics    bool
	noGitignore   bool
	watch         bool
}

func (cf *checkFlags) define(fl *flag.FlagSet) {
	fl.StringVar(&cf.format, "output-format", "auto", "`FORMAT`: full (source and help), concise (one line each), json, json-lines, github, gitlab, sarif, junit; auto is github under GITHUB_ACTIONS, else full")
	fl.StringVar(&cf.format, "format", "auto", "the same as --output-format")
	fl.StringVar(&cf.selects, "select", "", "comma-separated rule `CODES` or prefixes to enable (e.g. MP1,MP301); default all")
	fl.StringVar(&cf.extendSelect, "extend-select", "", "rule `CODES` or prefixes to enable on top of the selection (MP001 is enabled only when named)")
	fl.StringVar(&cf.ignores, "ignore", "", "comma-separated rule `CODES` or prefixes to disable")
	fl.StringVar(&cf.config, "config", "", "read settings from this `FILE` (a pyproject.toml's [tool.multiprom], or a TOML file with the same keys at the top); they win over each project's pyproject.toml")
	fl.StringVar(&cf.failOn, "fail-on", "warning", "the lowest `SEVERITY` that makes the exit status 1: error, warning, info or hint")
	fl.StringVar(&cf.stdinFilename, "stdin-filename", "", "with PATH -: the `PATH` of the file read from standard input")
	fl.BoolVar(&cf.fix, "fix", false, "apply the safe fixes (atomic writes), print each file changed, then report what is left")
	fl.BoolVar(&cf.fixOnly, "fix-only", false, "like --fix, but report nothing that is left (exit 0 unless a fix failed)")
	fl.BoolVar(&cf.unsafeFixes, "unsafe-fixes", false, "also apply (or with --diff show) the unsafe fixes: the app block, label renames, the Redis move")
	fl.BoolVar(&cf.showFixes, "show-fixes", false, "with --fix: list each fix applied")
	fl.BoolVar(&cf.diff, "diff", false, "print the fixes as a unified diff instead of writing them")
	fl.BoolVar(&cf.exitZero, "exit-zero", false, "exit 0 even when findings remain")
	fl.BoolVar(&cf.quiet, "quiet", false, "no summary lines")
	fl.BoolVar(&cf.statistics, "statistics", false, "print how often each rule fired instead of the findings")
	fl.BoolVar(&cf.noGitignore, "no-respect-gitignore", false, "check Python files that .gitignore lists too")
	fl.BoolVar(&cf.watch, "watch", false, "check again whenever a Python or deploy file of the workspace changes (Ctrl-C stops)")
	fl.BoolVar(&cf.timings, "timings", false, "print to stderr, after the report, how long each phase took: scan, project, rules, fix, report")
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var cf checkFlags
	fl := newFlags("check")
	cf.define(fl)
	paths, code, done := parseFlags(fl, checkUsage, args, stdout, stderr)
	if done {
		return code
	}
	if cf.watch {
		return runWatch(cf, paths, stdout, stderr)
	}
	return checkOnce(cf, paths, stdin, stdout, stderr, nil)
}

// checkOnce is one check run: read the settings, scan, check, fix, report.
// It returns the exit status. scanned, when set, is told of each scan
// (--watch learns the files it read).
func checkOnce(cf checkFlags, paths []string, stdin io.Reader, stdout, stderr io.Writer, scanned func(*workspace.ScanResult)) int {
	if cf.fixOnly {
		cf.fix = true
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "multiprom check: "+format+"\n", a...)
		return 2
	}
	if cf.fix && cf.diff {
		return fail("--fix and --diff are exclusive")
	}
	format, err := resolveFormat(cf.format)
	if err != nil {
		return fail("%v", err)
	}
	failOn, err := diagnostics.ParseSeverity(cf.failOn)
	if err != nil {
		return fail("--fail-on: %v", err)
	}
	editor := config.Settings{Select: splitList(cf.selects), Ignore: splitList(cf.ignores), ExtendSelect: splitList(cf.extendSelect)}
	if cf.config != "" {
		src, err := os.ReadFile(cf.config)
		if err != nil {
			return fail("--config: %v", unwrap(err))
		}
		file, err := config.ParseConfigFile(cf.config, src)
		if err != nil {
			line := 0
			var ce *config.ConfigError
			if errors.As(err, &ce) {
				line = ce.Line
			}
			fmt.Fprintf(stderr, "%s: %v\n", project.Problem{Path: cf.config, Line: line}.Where(cf.config), err)
			return 2
		}
		if errs := file.Problems(knownCode, diagnostics.CheckSeverity); len(errs) > 0 {
			for _, e := range errs {
				fmt.Fprintf(stderr, "%s: %s\n", project.Problem{Path: cf.config, Line: config.SettingLine(src, filepath.Base(cf.config) == "pyproject.toml", e.Key)}.Where(cf.config), e.Message)
			}
			return 2
		}
		editor = file.Merge(editor)
	}
	if err := editor.Validate(knownCode, diagnostics.CheckSeverity); err != nil {
		return fail("%v", err)
	}
	var stdinSrc []byte
	if slices.Contains(paths, "-") {
		if len(paths) != 1 {
			return fail("- (standard input) cannot be combined with other paths")
		}
		if cf.stdinFilename == "" {
			return fail("- needs --stdin-filename PATH: where the text lives in its project")
		}
		if cf.fix || cf.diff {
			return fail("--fix and --diff do not take standard input")
		}
		if stdinSrc, err = io.ReadAll(stdin); err != nil {
			return fail("reading standard input: %v", err)
		}
		paths = []string{cf.stdinFilename}
	} else if cf.stdinFilename != "" {
		return fail("--stdin-filename goes with the path - (standard input)")
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	times := newPhaseTimes()
	// One scan, one report, exit: the summaries stay live to the end.
	defer batchgc.Apply()()
	cwd, err := os.Getwd()
	if err != nil {
		return fail("%v", err)
	}
	targets, missing := groupTargets(paths, stdinSrc != nil)
	status := 0 // 2 once a path is missing or a setting cannot be read
	for _, err := range missing {
		fmt.Fprintf(stderr, "multiprom check: %v\n", err)
		status = 2
	}
	ctx := context.Background()
	var all []finding
	seen := map[string]bool{}
	fixed, pending := 0, 0
	checked := 0 // targets with Python files
	var fixLog []string
	for _, t := range targets {
		scan, err := workspace.Scan(ctx, t.root)
		if err != nil {
			return fail("%v", err)
		}
		if stdinSrc != nil {
			scan.Files = withStdin(scan.Files, t.stdinPath, stdinSrc)
		}
		if !cf.noGitignore {
			scan.Files = dropGitignored(scan.Root, scan.Files)
		}
		times.scanned(scan)
		if scanned != nil {
			scanned(scan)
		}
		times.end(phaseScan)
		for _, pr := range scan.Problems {
			if t.covers(pr.Path) {
				fmt.Fprintf(stderr, "%s: %s\n", pr.Where(displayPath(cwd, scan.Root, pr.Path)), pr.Message)
			}
		}
		if !hasPython(scan.Files, t) {
			fmt.Fprintf(stderr, "multiprom check: %s: no Python files here: nothing to check\n", t.arg)
			continue
		}
		checked++
		// Each service is checked as the project it is; a file shared by
		// several services (a root compose file) is reported once.
		for _, svc := range workspace.Find(scan.Files) {
			only, ok := t.selects(svc)
			if !ok {
				continue
			}
			proj := project.NewProject(ctx, filepath.Join(scan.Root, filepath.FromSlash(svc.Dir)), svc.Files, editor)
			if reportSettings(stderr, cwd, proj, seen) {
				status = 2
				continue
			}
			times.end(phaseProject)
			ds := diagnostics.Check(proj, rules.All, only)
			times.end(phaseRules)
			if cf.fix || cf.diff {
				n, remaining, final, log, err := applyFixes(ctx, proj, only, cf, cwd, stdout, stderr)
				if err != nil {
					return fail("%v", err)
				}
				if cf.fix {
					// Count findings resolved, not fixes: one fix can resolve
					// several findings (MP101 and MP108 share the exporter block).
					if resolved := len(ds) - len(remaining); resolved > 0 {
						fixed += resolved
					}
					ds, proj = remaining, final
					fixLog = append(fixLog, log...)
				} else {
					pending += n
				}
				times.end(phaseFix)
			}
			for _, diag := range ds {
				key := fmt.Sprintf("%s|%d|%d|%s|%s", filepath.Join(proj.Root, diag.Path), diag.Span.Start, diag.Span.End, diag.Code(), diag.Message)
				if seen[key] {
					continue
				}
				seen[key] = true
				all = append(all, finding{diag: diag, file: proj.File(diag.Path), root: proj.Root, proj: proj})
			}
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
		return max(status, exitFor(pending > 0, cf.exitZero))
	}
	if cf.showFixes && len(fixLog) > 0 {
		fmt.Fprintf(stderr, "Fixed %s:\n", plural(len(fixLog), "finding", "findings"))
		for _, l := range fixLog {
			fmt.Fprintln(stderr, "  "+l)
		}
	}
	if cf.fixOnly {
		if !cf.quiet {
			fmt.Fprintf(stdout, "Fixed %s.\n", plural(fixed, "error", "errors"))
		}
		return status
	}
	rep := &report{cwd: cwd, format: format, findings: all, fixed: fixed, fixing: cf.fix, quiet: cf.quiet,
		unsafe: cf.unsafeFixes, color: useColor(stdout), stats: cf.statistics}
	if (status == 2 || checked == 0) && len(all) == 0 && fixed == 0 && (format == "full" || format == "concise") {
		rep.quiet = true // not "All checks passed!": something could not be checked, or nothing was
	}
	if err := rep.write(stdout); err != nil {
		return fail("%v", err)
	}
	times.end(phaseReport)
	if cf.timings {
		times.write(stderr, cf.fix)
	}
	failing := false
	for _, f := range all {
		failing = failing || f.diag.Severity <= failOn
	}
	return max(status, exitFor(failing, cf.exitZero))
}

func knownCode(c string) bool { return rules.ByCode(c) != nil }

// reportSettings prints the problems of a project (a shared file's once)
// and says whether one is a setting that cannot be read or honoured: then
// the project is not checked.
func reportSettings(stderr io.Writer, cwd string, proj *project.Project, seen map[string]bool) bool {
	bad := false
	say := func(msg string) {
		if !seen[msg] {
			seen[msg] = true
			fmt.Fprintln(stderr, msg)
		}
	}
	for _, pr := range proj.Problems {
		say(pr.Where(displayPath(cwd, proj.Root, pr.Path)) + ": " + pr.Message)
		bad = bad || pr.Config
	}
	if bad {
		return true
	}
	if f := proj.File("pyproject.toml"); f != nil {
		for _, e := range proj.Settings.Problems(knownCode, diagnostics.CheckSeverity) {
			pr := project.Problem{Path: f.Path, Line: config.SettingLine(f.Src, true, e.Key)}
			say(pr.Where(displayPath(cwd, proj.Root, f.Path)) + ": [tool.multiprom] " + e.Key + ": " + e.Message)
			bad = true
		}
	}
	return bad
}

func exitFor(found, exitZero bool) int {
	if found && !exitZero {
		return 1
	}
	return 0
}

// applyFixes runs fix-all on a project and writes (--fix) or prints
// (--diff) the result: the fixes of the findings in only's files when set
// (check --fix FILE), unsafe ones too under --unsafe-fixes. --fix prints
// each file it changed or created on stderr, the files a file argument's
// fixes needed beside it included. It returns the number of fixes, the
// findings that remain, and a line per fix applied (for --show-fixes).
// The findings' spans refer to the returned project's files.
func applyFixes(ctx context.Context, proj *project.Project, only map[string]bool, cf checkFlags, cwd string, stdout, stderr io.Writer) (int, []*diagnostics.Diagnostic, *project.Project, []string, error) {
	res, err := codeactions.FixAllWith(ctx, proj, rules.All, codeactions.Options{Unsafe: cf.unsafeFixes, Only: only})
	if err != nil {
		return 0, nil, nil, nil, err
	}
	read := map[string][]byte{}
	for _, f := range proj.Files {
		read[f.Path] = f.Src
	}
	remaining := res.Remaining
	if only != nil {
		kept := remaining[:0]
		for _, r := range remaining {
			if only[r.Path] {
				kept = append(kept, r)
			}
		}
		remaining = kept
	}
	show := func(rel string) string { return displayPath(cwd, proj.Root, rel) }
	if cf.diff {
		return res.Applied, remaining, res.Final, nil, codeactions.WriteDiff(stdout, read, res, show)
	}
	rep, err := codeactions.Write(proj.Root, read, res)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	for _, rel := range sortedErrKeys(rep.Skipped) {
		fmt.Fprintf(stderr, "%s: not fixed: %v\n", show(rel), rep.Skipped[rel])
	}
	for _, rel := range rep.Written {
		verb := "fixed"
		if _, created := res.Created[rel]; created {
			verb = "created"
		}
		note := ""
		if only != nil && !only[rel] {
			note = " (a fix of the files named needs it)"
		}
		fmt.Fprintf(stderr, "%s %s%s\n", verb, show(rel), note)
	}
	var log []string
	for _, d := range res.Fixed {
		log = append(log, fmt.Sprintf("%s: %s %s", show(d.Path), d.Code(), d.Fixes[0].Title))
	}
	if len(rep.Skipped) > 0 {
		// Something was left alone: report from the files as they are on disk.
		scan, err := workspace.Scan(ctx, proj.Root)
		if err != nil {
			return 0, nil, nil, nil, err
		}
		var files []*project.File
		for _, svc := range workspace.Find(scan.Files) {
			if svc.Dir == "" {
				files = svc.Files
			}
		}
		again := project.NewProject(ctx, scan.Root, files, proj.Settings)
		return res.Applied, diagnostics.Check(again, rules.All, only), again, log, nil
	}
	return res.Applied, remaining, res.Final, log, nil
}

func sortedErrKeys(m map[string]error) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// target is one workspace to scan and what of it to report.
type target struct {
	arg  string // the first PATH argument that named it, for messages
	root string // the folder scanned: the workspace root
	// stdinPath is the file read from standard input (slash, relative to
	// root), or "".
	stdinPath string
	// under is the folder argument below root (slash, relative to root;
	// "" for root itself): services inside it are reported whole, a
	// service around it only for its files under it.
	under string
	// files are the file arguments (slash, relative to root); nil when a
	// folder argument covers the workspace.
	files map[string]bool
}

// selects says whether a service is checked for this target and which of
// its files to report (nil: all, shared files included), as paths
// relative to the service.
func (t target) selects(svc *workspace.Service) (map[string]bool, bool) {
	if t.files != nil {
		only := map[string]bool{}
		for _, f := range svc.Files {
			if t.files[workspace.Join(svc.Dir, f.Path)] {
				only[f.Path] = true
			}
		}
		return only, len(only) > 0
	}
	if within(svc.Dir, t.under) {
		return nil, true
	}
	if !within(t.under, svc.Dir) {
		return nil, false
	}
	only := map[string]bool{}
	for _, f := range svc.Files {
		if within(workspace.Join(svc.Dir, f.Path), t.under) {
			only[f.Path] = true
		}
	}
	return only, true
}

// covers reports whether a workspace path is one this target reports.
func (t target) covers(rel string) bool {
	if t.files != nil {
		return t.files[rel]
	}
	return within(rel, t.under)
}

func within(p, dir string) bool { return dir == "" || p == dir || strings.HasPrefix(p, dir+"/") }

// groupTargets maps PATH arguments to workspaces. A folder with a server
// start of its own (gunicorn config, Procfile, Dockerfile, compose file),
// or with none above it, is a workspace root; a folder or file below one
// walks up to it, so that it is checked in the context of its service. A
// PATH that does not exist is an error of its own; the others are still
// checked. With stdin, the one PATH is the standard input's file name: it
// need not exist, only its folder.
func groupTargets(paths []string, stdin bool) ([]target, []error) {
	var out []target
	var errs []error
	index := map[string]int{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		st, err := os.Stat(abs)
		if stdin && err != nil {
			st, err = os.Stat(filepath.Dir(abs))
			if err == nil && st.IsDir() {
				st, err = fakeFile{}, nil
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, unwrap(err)))
			continue
		}
		dir, file := abs, ""
		if !st.IsDir() {
			dir, file = filepath.Dir(abs), abs
		}
		root := workspace.FindRoot(dir)
		i, ok := index[root]
		if !ok {
			i = len(out)
			index[root] = i
			out = append(out, target{root: root, arg: p})
		}
		rel, _ := filepath.Rel(root, abs)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		if stdin {
			out[i].stdinPath = rel
		}
		switch {
		case file != "":
			if out[i].files == nil && out[i].under == "" && ok {
				continue // the whole workspace is already reported
			}
			if out[i].files == nil {
				out[i].files = map[string]bool{}
			}
			out[i].files[rel] = true
		default:
			out[i].files = nil
			out[i].under = commonUnder(out[i].under, rel, ok)
		}
	}
	return out, errs
}

// fakeFile stands for a --stdin-filename that is not on disk.
type fakeFile struct{ os.FileInfo }

func (fakeFile) IsDir() bool { return false }

// commonUnder widens the reported folder to hold both arguments.
func commonUnder(prev, rel string, had bool) string {
	if !had {
		return rel
	}
	for !within(rel, prev) {
		prev = path.Dir(prev)
		if prev == "." {
			return ""
		}
	}
	return prev
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
