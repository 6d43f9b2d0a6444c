package rules

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

var update = flag.Bool("update", false, "rewrite the .fixed sections of golden archives")

// Golden cases live in testdata/<CODE>/*.txtar. Each archive is a small
// project: its files, and for each file that a fix changes a
// "<name>.fixed" section with the text after fix-all. A "# want MP301"
// comment (several codes allowed) marks a line where a finding must start;
// every finding must be marked and every marker matched. Only the rules named
// in the archive's comment line "rules: MP301 MP302" run (default: the
// directory's code), so a case is not coupled to the rest of the catalogue.
// For every fix: the result parses (tree-sitter, and python3 -m py_compile
// when a python3 with py_compile is available), the fixed rule no longer
// fires, and a second fix-all changes nothing.
func TestGolden(t *testing.T) {
	archives, err := filepath.Glob("testdata/MP*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) == 0 {
		t.Fatal("no golden archives found")
	}
	for _, path := range archives {
		path := path
		t.Run(strings.TrimSuffix(strings.TrimPrefix(path, "testdata/"), ".txtar"), func(t *testing.T) {
			runGolden(t, path)
		})
	}
}

var wantRe = regexp.MustCompile(`#\s*want((?:\s+MP\d{3})+)`)
var rulesRe = regexp.MustCompile(`(?m)^rules:\s*(.+)$`)

func runGolden(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{filepath.Base(filepath.Dir(path))}
	if m := rulesRe.FindSubmatch(ar.Comment); m != nil {
		codes = strings.Fields(string(m[1]))
	}
	var selected []*diagnostics.Rule
	for _, c := range codes {
		r := ByCode(c)
		if r == nil {
			t.Fatalf("archive names unknown rule %s", c)
		}
		selected = append(selected, r)
	}
	var files []*project.File
	fixed := map[string]string{}
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".fixed"); ok {
			fixed[name] = string(f.Data)
			continue
		}
		files = append(files, &project.File{Path: f.Name, Kind: project.Classify(f.Name), Src: f.Data})
	}
	ctx := context.Background()
	proj := project.NewProject(ctx, "/golden/"+strings.TrimSuffix(filepath.Base(path), ".txtar"), files, project.Settings{})
	for _, pr := range proj.Problems {
		t.Errorf("problem: %s: %s", pr.Path, pr.Message)
	}
	got := diagnostics.Check(proj, selected, nil)

	// Expected: file:line -> codes.
	want := map[string][]string{}
	for _, f := range proj.Files {
		for i, line := range strings.Split(string(f.Src), "\n") {
			if m := wantRe.FindStringSubmatch(line); m != nil {
				want[fmt.Sprintf("%s:%d", f.Path, i+1)] = strings.Fields(m[1])
			}
		}
	}
	for _, diag := range got {
		f := proj.File(diag.Path)
		key := fmt.Sprintf("%s:%d", diag.Path, f.Lines().Line(diag.Span.Start)+1)
		codes := want[key]
		i := indexOf(codes, diag.Rule.Code)
		if i < 0 {
			t.Errorf("%s: unexpected %s: %s", key, diag.Rule.Code, diag.Message)
			continue
		}
		want[key] = append(codes[:i], codes[i+1:]...)
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, c := range want[k] {
			t.Errorf("%s: expected %s, got none", k, c)
		}
	}

	res, err := codeactions.FixAll(ctx, proj, selected)
	if err != nil {
		t.Fatalf("fix all: %v", err)
	}
	after := map[string]string{}
	for p, b := range res.Changed {
		after[p] = string(b)
	}
	for p, b := range res.Created {
		after[p] = string(b)
	}
	if *update {
		rewriteFixed(t, path, ar, after)
		return
	}
	for name, text := range after {
		exp, ok := fixed[name]
		if !ok {
			t.Errorf("fix changed %s but the archive has no %s.fixed section; run go test -update", name, name)
			continue
		}
		if exp != text {
			t.Errorf("%s after fix:\n%s\nwant:\n%s", name, text, exp)
		}
	}
	for name := range fixed {
		if _, ok := after[name]; !ok {
			t.Errorf("%s.fixed present but the fix left %s unchanged", name, name)
		}
	}
	if len(after) == 0 {
		return
	}
	// The fixed project: parses, the rules are quiet where fixes applied,
	// and a second pass changes nothing.
	var files2 []*project.File
	for _, f := range proj.Files {
		src := f.Src
		if s, ok := after[f.Path]; ok {
			src = []byte(s)
		}
		files2 = append(files2, &project.File{Path: f.Path, Kind: f.Kind, Src: src})
	}
	for p, b := range res.Created {
		files2 = append(files2, &project.File{Path: p, Kind: project.Classify(p), Src: b})
	}
	proj2 := project.NewProject(ctx, proj.Root, files2, project.Settings{})
	for _, f := range proj2.PythonFiles() {
		if _, changed := after[f.Path]; changed && len(f.Py.Errors) > 0 {
			t.Errorf("%s: fixed text has syntax errors at %v", f.Path, f.Py.Errors)
		}
		if _, changed := after[f.Path]; changed {
			pyCompile(t, f.Path, f.Src)
		}
	}
	for _, diag := range diagnostics.Check(proj2, selected, nil) {
		if diag.Fixable() {
			t.Errorf("after fix-all, %s still reports a fixable %s at %s: %s", diag.Path, diag.Rule.Code, diag.Path, diag.Message)
		}
	}
	res2, err := codeactions.FixAll(ctx, proj2, selected)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Changed)+len(res2.Created) > 0 {
		t.Errorf("second fix-all changed files again: %v %v", keysOf(res2.Changed), keysOf(res2.Created))
	}
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func rewriteFixed(t *testing.T, path string, ar *txtar.Archive, after map[string]string) {
	rewriteSections(t, path, ar, ".fixed", after)
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
	names := make([]string, 0, len(texts))
	for n := range texts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
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
