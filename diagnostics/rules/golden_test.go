package rules_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

var update = flag.Bool("update", false, "rewrite the .fixed sections of the rule cases (and the expected files of TestProjects)")

// TestGolden runs every rule case, testdata/<CODE>/*.txtar (the format is
// described in testdata/README.md).
//
// A case is a txtar archive: a small project and what the named rules must
// say about it. The comment before the first file is the header:
//
//	rules: MP501 MP502      the rules that run (required; the directory's code among them)
//	action: <title>         apply the safe fix with exactly this title instead of fix-all
//	unsafe fix: <title>     the same for a fix marked Unsafe (it must be)
//	no action: <prefix>     no finding offers a fix whose title starts with prefix (repeatable)
//	root: <name>            the project directory's name (default: the archive's name)
//
// Other header lines are prose. The sections are the project's files, and
// for each file that the fix changes or creates a "<path>.fixed" section
// with its whole text afterwards. Without action or unsafe fix, the fix is
// fix-all (--fix: every preferred safe fix, round after round); with one,
// it is that fix of the first finding offering it. A file the fix touches
// without a .fixed section fails, and so does a .fixed section of a file
// it leaves alone; no .fixed section at all means "changes nothing".
//
// A marker
//
//	# want MP301 `Gauge "q" has no multiprocess_mode` MP302 "livesumm"
//
// expects, for each code, one finding of that rule starting on the
// marker's line whose message matches the regexp (a Go string literal,
// unanchored). At the end of a line the marker is about that line; a line
// holding nothing but a marker is about the next line that is not itself a
// marker (for Dockerfiles, systemd units and .env files, where "#" only
// starts a comment at the start of a line). Every finding must be expected
// and every expectation met.
//
// Beyond the text, every case checks that checking one file alone reports
// exactly the full check's findings in that file (the editor's re-check),
// and every fixed project that its changed Python parses (tree-sitter and
// python3), that the rules report fewer findings (a named fix) or nothing
// fixable (fix-all), and that a second fix-all changes nothing more.
// -update rewrites the .fixed sections (never the markers).
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/MP*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no rule cases found")
	}
	for _, path := range cases {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(path, "testdata/"), ".txtar"), func(t *testing.T) {
			runCase(t, path)
		})
	}
}

// caseHeader is what a case's comment asks for.
type caseHeader struct {
	rules    []*diagnostics.Rule
	fix      string // title of the fix to apply; "" for fix-all
	unsafe   bool   // fix names an unsafe fix
	noAction []string
	root     string
}

var headerRe = regexp.MustCompile(`(?m)^(rules|action|unsafe fix|no action|root):[ \t]*(.*?)[ \t]*$`)

func parseHeader(path string, comment []byte) (*caseHeader, error) {
	h := &caseHeader{root: strings.TrimSuffix(filepath.Base(path), ".txtar")}
	dir := filepath.Base(filepath.Dir(path))
	sawDir := false
	for _, m := range headerRe.FindAllStringSubmatch(string(comment), -1) {
		key, val := m[1], m[2]
		if val == "" {
			return nil, fmt.Errorf("header %q has no value", key)
		}
		switch key {
		case "rules":
			if h.rules != nil {
				return nil, fmt.Errorf("two rules: lines")
			}
			for _, code := range strings.Fields(val) {
				r := rules.ByCode(code)
				if r == nil {
					return nil, fmt.Errorf("rules: unknown rule %s", code)
				}
				h.rules = append(h.rules, r)
				sawDir = sawDir || code == dir
			}
		case "action", "unsafe fix":
			if h.fix != "" {
				return nil, fmt.Errorf("a case applies one fix; split it")
			}
			h.fix, h.unsafe = val, key == "unsafe fix"
		case "no action":
			h.noAction = append(h.noAction, val)
		case "root":
			h.root = val
		}
	}
	if h.rules == nil {
		return nil, fmt.Errorf("no rules: line in the header")
	}
	if !sawDir {
		return nil, fmt.Errorf("the case lives in %s/ but its rules: line does not name %s", dir, dir)
	}
	return h, nil
}

// want is one expectation of a marker: a finding of code starting on line
// (1-based) of path, its message matching re.
type want struct {
	path string
	line int
	code string
	re   *regexp.Regexp // nil for an also expectation
	met  bool
	// also marks an expectation of `# also CODE`: a finding of code,
	// reported elsewhere, also shown on this line (Diagnostic.AlsoOn).
	also bool
}

func (w *want) String() string {
	if w.also {
		return fmt.Sprintf("%s:%d: also %s", w.path, w.line, w.code)
	}
	return fmt.Sprintf("%s:%d: %s %q", w.path, w.line, w.code, w.re)
}

var (
	markerRe     = regexp.MustCompile(`#\s*(want|also)\s`)
	markerLineRe = regexp.MustCompile(`^\s*#\s*(want|also)\s`)
	markerCodeRe = regexp.MustCompile(`^MP\d{3}\b`)
)

// parseWants reads the markers of one file.
func parseWants(path string, src []byte) ([]*want, error) {
	var out, pending []*want
	for i, line := range strings.Split(string(src), "\n") {
		if loc := markerRe.FindStringSubmatchIndex(line); loc != nil {
			parse := parseMarker
			if line[loc[2]:loc[3]] == "also" {
				parse = parseAlso
			}
			ws, err := parse(line[loc[1]:])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
			}
			pending = append(pending, ws...)
			if markerLineRe.MatchString(line) {
				continue // about the next line
			}
		}
		for _, w := range pending {
			w.path, w.line = path, i+1
		}
		out, pending = append(out, pending...), nil
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("%s: a marker line ends the file: it is about no line", path)
	}
	return out, nil
}

// parseMarker parses `CODE "regexp" CODE "regexp"...`, the text after "# want".
func parseMarker(s string) ([]*want, error) {
	var out []*want
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		code := markerCodeRe.FindString(s)
		if code == "" {
			return nil, fmt.Errorf("want: expected a rule code at %q", s)
		}
		s = strings.TrimSpace(s[len(code):])
		lit, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, fmt.Errorf("want %s: expected a quoted regexp at %q", code, s)
		}
		s = s[len(lit):]
		pat, _ := strconv.Unquote(lit)
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("want %s: %v", code, err)
		}
		out = append(out, &want{code: code, re: re})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("want: no expectation")
	}
	return out, nil
}

// parseAlso parses `CODE CODE...`, the text after "# also".
func parseAlso(s string) ([]*want, error) {
	var out []*want
	for _, code := range strings.Fields(s) {
		if !markerCodeRe.MatchString(code) {
			return nil, fmt.Errorf("also: expected a rule code at %q", code)
		}
		out = append(out, &want{code: code, also: true})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("also: no code")
	}
	return out, nil
}

func runCase(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseHeader(path, ar.Comment)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var files []*project.File
	var wants []*want
	fixed := map[string]string{}
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".fixed"); ok {
			fixed[name] = string(f.Data)
			continue
		}
		ws, err := parseWants(f.Name, f.Data)
		if err != nil {
			t.Fatal(err)
		}
		wants = append(wants, ws...)
		files = append(files, &project.File{Path: f.Name, Kind: project.Classify(f.Name), Src: f.Data})
	}
	ctx := context.Background()
	proj := project.NewProject(ctx, "/golden/"+h.root, files, config.Settings{})
	for _, pr := range proj.Problems {
		t.Errorf("problem: %s: %s", pr.Path, pr.Message)
	}
	got := diagnostics.Check(proj, h.rules, nil)
	checkWants(t, proj, got, wants)
	checkFileByFile(t, proj, h.rules, got)
	for _, prefix := range h.noAction {
		for _, d := range got {
			for _, fx := range d.Fixes {
				if strings.HasPrefix(fx.Title, prefix) {
					t.Errorf("%s: %s offers %q; the header says no action %q", d.Path, d.Rule.Code, fx.Title, prefix)
				}
			}
		}
	}

	var after map[string]string
	if h.fix == "" {
		res, err := codeactions.FixAll(ctx, proj, h.rules)
		if err != nil {
			t.Fatalf("fix all: %v", err)
		}
		after = texts(res.Changed, res.Created)
	} else {
		after = applyNamedFix(t, proj, got, h)
	}
	if *update {
		rewriteSections(t, path, ar, ".fixed", after)
		return
	}
	what := "fix-all"
	if h.fix != "" {
		what = strconv.Quote(h.fix)
	}
	for _, name := range slices.Sorted(maps.Keys(after)) {
		exp, ok := fixed[name]
		switch {
		case !ok:
			t.Errorf("%s changed %s but the case has no %s.fixed section; run go test -update", what, name, name)
		case exp != after[name]:
			t.Errorf("%s after %s:\n%s\nwant:\n%s", name, what, after[name], exp)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fixed)) {
		if _, ok := after[name]; !ok {
			t.Errorf("%s.fixed present but %s leaves %s unchanged", name, what, name)
		}
	}
	if len(after) > 0 {
		checkFixedProject(t, proj, h, got, after)
	}
}

// checkWants matches findings with expectations one to one.
func checkWants(t *testing.T, proj *project.Project, got []*diagnostics.Diagnostic, wants []*want) {
	t.Helper()
	for _, d := range got {
		line := proj.File(d.Path).Lines().Line(d.Span.Start) + 1
		var sameCode *want
		matched := false
		for _, at := range d.AlsoOn {
			checkAlso(t, proj, d, at, wants)
		}
		for _, w := range wants {
			if w.met || w.also || w.path != d.Path || w.line != line || w.code != d.Rule.Code {
				continue
			}
			if w.re.MatchString(d.Message) {
				w.met, matched = true, true
				break
			}
			sameCode = w
		}
		switch {
		case matched:
		case sameCode != nil:
			sameCode.met = true // reported here, not again as unmet
			t.Errorf("%s:%d: %s message %q does not match %q", d.Path, line, d.Rule.Code, d.Message, sameCode.re)
		default:
			t.Errorf("%s:%d: unexpected %s: %s", d.Path, line, d.Rule.Code, d.Message)
		}
	}
	for _, w := range wants {
		if !w.met {
			t.Errorf("%s: expected, got no such finding", w)
		}
	}
}

// checkAlso matches one place a finding is also shown with an `# also`
// expectation.
func checkAlso(t *testing.T, proj *project.Project, d *diagnostics.Diagnostic, at diagnostics.Location, wants []*want) {
	t.Helper()
	f := proj.File(at.Path)
	if f == nil {
		t.Errorf("%s: %s is also shown on %s, which the project does not have", d.Path, d.Rule.Code, at.Path)
		return
	}
	line := f.Lines().Line(at.Span.Start) + 1
	for _, w := range wants {
		if w.also && !w.met && w.path == at.Path && w.line == line && w.code == d.Rule.Code {
			w.met = true
			return
		}
	}
	t.Errorf("%s:%d: unexpected: %s of %s is also shown here (add # also %s)", at.Path, line, d.Rule.Code, d.Path, d.Rule.Code)
}

// checkFileByFile checks each file alone, as the editor does on a change,
// and wants exactly the full check's findings in that file.
func checkFileByFile(t *testing.T, proj *project.Project, rules []*diagnostics.Rule, all []*diagnostics.Diagnostic) {
	t.Helper()
	for _, f := range proj.Files {
		var inFile []*diagnostics.Diagnostic
		for _, d := range all {
			if d.Path == f.Path {
				inFile = append(inFile, d)
			}
		}
		alone := diagnostics.Check(proj, rules, map[string]bool{f.Path: true})
		if got, want := renderFindings(alone), renderFindings(inFile); got != want {
			t.Errorf("check of %s alone:\n%s\nwant (the full check's):\n%s", f.Path, got, want)
		}
	}
}

// renderFindings writes findings and their fixes one item a line.
func renderFindings(ds []*diagnostics.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%d-%d %s %s: %s\n", d.Path, d.Span.Start, d.Span.End, d.Rule.Code, d.Severity, d.Message)
		for _, fx := range d.Fixes {
			fmt.Fprintf(&b, "  fix %q unsafe=%v edits=%v creates=%d\n", fx.Title, fx.Unsafe, fx.Edits, len(fx.Creates))
		}
	}
	return b.String()
}

// applyNamedFix applies the header's fix, from the first finding offering
// it, and returns the texts of the files it changes or creates.
func applyNamedFix(t *testing.T, proj *project.Project, got []*diagnostics.Diagnostic, h *caseHeader) map[string]string {
	t.Helper()
	var fix *diagnostics.Fix
	var titles []string
	for _, d := range got {
		for i := range d.Fixes {
			titles = append(titles, d.Fixes[i].Title)
			if d.Fixes[i].Title == h.fix && fix == nil {
				fix = &d.Fixes[i]
			}
		}
	}
	if fix == nil {
		t.Fatalf("no finding offers a fix titled %q; offered: %q", h.fix, titles)
	}
	if fix.Unsafe != h.unsafe {
		t.Errorf("fix %q: Unsafe is %v; the header says %v (unsafe fix: or action:)", fix.Title, fix.Unsafe, h.unsafe)
	}
	byPath := map[string][]diagnostics.Edit{}
	for _, e := range fix.Edits {
		byPath[e.Path] = append(byPath[e.Path], e)
	}
	after := map[string]string{}
	for p, es := range byPath {
		f := proj.File(p)
		if f == nil {
			t.Fatalf("fix %q edits %s, which is not in the project", fix.Title, p)
		}
		out, err := codeactions.ApplyEdits(f.Src, es)
		if err != nil {
			t.Fatalf("apply %s: %v", p, err)
		}
		after[p] = string(out)
	}
	for _, c := range fix.Creates {
		if proj.File(c.Path) == nil {
			after[c.Path] = c.Content
		}
	}
	if len(after) == 0 {
		t.Fatalf("fix %q changes nothing", fix.Title)
	}
	return after
}

// checkFixedProject checks the project after the fix: its changed Python
// parses, the rules are quieter, and fix-all has nothing more to do.
func checkFixedProject(t *testing.T, proj *project.Project, h *caseHeader, before []*diagnostics.Diagnostic, after map[string]string) {
	t.Helper()
	ctx := context.Background()
	var files []*project.File
	for _, f := range proj.Files {
		src := f.Src
		if s, ok := after[f.Path]; ok {
			src = []byte(s)
		}
		files = append(files, &project.File{Path: f.Path, Kind: f.Kind, Src: src})
	}
	for p, s := range after {
		if proj.File(p) == nil {
			files = append(files, &project.File{Path: p, Kind: project.Classify(p), Src: []byte(s)})
		}
	}
	proj2 := project.NewProject(ctx, proj.Root, files, config.Settings{})
	for _, f := range proj2.PythonFiles() {
		if _, changed := after[f.Path]; !changed {
			continue
		}
		if f.Py == nil || len(f.Py.Errors) > 0 {
			t.Errorf("%s: fixed text does not parse", f.Path)
		}
		pyCompile(t, f.Path, f.Src)
	}
	got := diagnostics.Check(proj2, h.rules, nil)
	if h.fix != "" {
		if len(got) >= len(before) {
			t.Errorf("%d finding(s) after %q (%d before)", len(got), h.fix, len(before))
		}
		return
	}
	for _, d := range got {
		if d.Fixable() {
			t.Errorf("after fix-all, %s still reports a fixable %s: %s", d.Path, d.Rule.Code, d.Message)
		}
	}
	res, err := codeactions.FixAll(ctx, proj2, h.rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changed)+len(res.Created) > 0 {
		t.Errorf("second fix-all changed files again: %v %v", keysOf(res.Changed), keysOf(res.Created))
	}
}

func texts(maps ...map[string][]byte) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for p, b := range m {
			out[p] = string(b)
		}
	}
	return out
}

func keysOf(m map[string][]byte) []string {
	return slices.Sorted(maps.Keys(m))
}

// rewriteSections replaces the archive's "<name><suffix>" sections with
// texts (by name, in name order) and writes the archive back (-update).
func rewriteSections(t *testing.T, path string, ar *txtar.Archive, suffix string, texts map[string]string) {
	var files []txtar.File
	for _, f := range ar.Files {
		if !strings.HasSuffix(f.Name, suffix) {
			files = append(files, f)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(texts)) {
		files = append(files, txtar.File{Name: n + suffix, Data: []byte(texts[n])})
	}
	ar.Files = files
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pyCompile byte-compiles src with a real Python when one is available; the
// Debian python3 is preferred (it is what the runtime tests use).
func pyCompile(t *testing.T, name string, src []byte) {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is required under CI: %v", err)
		}
		return
	}
	cmd := exec.Command(py, "-c", "import sys; compile(sys.stdin.read(), sys.argv[1], 'exec')", name)
	cmd.Stdin = bytes.NewReader(src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: fixed text does not compile: %v\n%s", name, err, out)
	}
}
