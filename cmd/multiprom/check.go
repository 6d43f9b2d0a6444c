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
	"sort"
	"strings"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/batchgc"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
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
	seen := map[string]bool{}
	fixed, pending := 0, 0
	for _, t := range targets {
		scan, err := workspace.Scan(ctx, t.root)
		if err != nil {
			fmt.Fprintf(stderr, "multiprom check: %v\n", err)
			return 2
		}
		times.scanned(scan)
		times.end(phaseScan)
		for _, pr := range scan.Problems {
			if t.covers(pr.Path) {
				fmt.Fprintf(stderr, "%s: %s\n", pr.Where(displayPath(cwd, scan.Root, pr.Path)), pr.Message)
			}
		}
		// Each service is checked as the project it is; a file shared by
		// several services (a root compose file) is reported once.
		for _, svc := range workspace.Find(scan.Files) {
			only, ok := t.selects(svc)
			if !ok {
				continue
			}
			proj := project.NewProject(ctx, filepath.Join(scan.Root, filepath.FromSlash(svc.Dir)), svc.Files, editor)
			if err := proj.Settings.Validate(func(c string) bool { return rules.ByCode(c) != nil }, diagnostics.CheckSeverity); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", displayPath(cwd, proj.Root, "pyproject.toml"), err)
			}
			for _, pr := range proj.Problems {
				if msg := pr.Where(displayPath(cwd, proj.Root, pr.Path)) + ": " + pr.Message; !seen[msg] {
					seen[msg] = true
					fmt.Fprintln(stderr, msg)
				}
			}
			times.end(phaseProject)
			ds := diagnostics.Check(proj, rules.All, only)
			times.end(phaseRules)
			if cf.fix || cf.diff {
				n, remaining, final, err := applyFixes(ctx, proj, only, cf, cwd, stdout, stderr)
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
				key := fmt.Sprintf("%s|%d|%d|%s|%s", filepath.Join(proj.Root, diag.Path), diag.Span.Start, diag.Span.End, diag.Code(), diag.Message)
				if seen[key] {
					continue
				}
				seen[key] = true
				all = append(all, finding{diag: diag, file: proj.File(diag.Path), root: proj.Root})
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
func applyFixes(ctx context.Context, proj *project.Project, only map[string]bool, cf checkFlags, cwd string, stdout, stderr io.Writer) (int, []*diagnostics.Diagnostic, *project.Project, error) {
	res, err := codeactions.FixAll(ctx, proj, rules.All)
	if err != nil {
		return 0, nil, nil, err
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
		scan, err := workspace.Scan(ctx, proj.Root)
		if err != nil {
			return 0, nil, nil, err
		}
		var files []*project.File
		for _, svc := range workspace.Find(scan.Files) {
			if svc.Dir == "" {
				files = svc.Files
			}
		}
		again := project.NewProject(ctx, scan.Root, files, proj.Settings)
		return res.Applied, diagnostics.Check(again, rules.All, only), again, nil
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

// target is one workspace to scan and what of it to report.
type target struct {
	root string // the folder scanned: the workspace root
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
// walks up to it, so that it is checked in the context of its service.
func groupTargets(paths []string) ([]target, error) {
	var out []target
	index := map[string]int{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrap(err))
		}
		dir, file := abs, ""
		if !st.IsDir() {
			dir, file = filepath.Dir(abs), abs
		}
		root := findRoot(dir)
		i, ok := index[root]
		if !ok {
			i = len(out)
			index[root] = i
			out = append(out, target{root: root})
		}
		rel, _ := filepath.Rel(root, abs)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
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
	return out, nil
}

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

// serverStarts are the files that make a folder the root of what runs:
// a server is configured or started there.
var serverStarts = []string{"gunicorn.conf.py", "Procfile", "Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}

// projectMarkers also mark a project's root without starting anything.
var projectMarkers = []string{"pyproject.toml", "requirements.txt", ".git", "setup.py", "setup.cfg"}

func hasAny(dir string, names []string) bool {
	for _, m := range names {
		if _, err := os.Stat(filepath.Join(dir, m)); err == nil {
			return true
		}
	}
	return false
}

func hasServerStart(dir string) bool { return hasAny(dir, serverStarts) }

// hasServerStartAbove reports a server start in a folder strictly above
// dir, up to and including root.
func hasServerStartAbove(dir, root string) bool {
	for cur := filepath.Dir(dir); ; cur = filepath.Dir(cur) {
		if hasServerStart(cur) {
			return true
		}
		if cur == root || filepath.Dir(cur) == cur {
			return false
		}
	}
}

// findRoot walks up from dir to the workspace it belongs to. Within a
// repository (.git) whose root starts a server (a monorepo's compose
// file), or when dir is below a folder that starts one, that is the
// repository root: dir is then checked in the context of its service.
// Otherwise it is the nearest folder with a server start or a project
// marker, else dir itself.
func findRoot(dir string) string {
	git, nearest := "", ""
	for cur := dir; ; {
		if nearest == "" && (hasServerStart(cur) || hasAny(cur, projectMarkers)) {
			nearest = cur
		}
		if _, err := os.Stat(filepath.Join(cur, ".git")); err == nil {
			git = cur
			break
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			break
		}
		cur = parent
	}
	if git != "" && (hasServerStart(git) || !hasServerStart(dir) && hasServerStartAbove(dir, git)) {
		return git
	}
	if nearest != "" {
		return nearest
	}
	return dir
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
