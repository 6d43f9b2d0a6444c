package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/testrepo"
)

// monorepoProjects are the testdata projects assembled into one repository
// under services/; the root compose file builds the two with a Dockerfile.
var monorepoProjects = []string{"bad-hooks", "config-not-loaded", "env-in-app", "exporter-ungated", "ok-raw-hooks", "ok-single-worker", "raw-default-registry"}

const monorepoCompose = `services:
  orders:
    build: ./services/env-in-app
  api:
    build:
      context: services/exporter-ungated
      dockerfile: Dockerfile
`

// assembleMonorepo copies the projects into a temporary repository.
func assembleMonorepo(t *testing.T) string {
	t.Helper()
	return testrepo.Assemble(t, monorepoProjects, monorepoCompose)
}

// checkLines runs `multiprom check --format json-lines ARGS` in dir and
// returns one "file:line:col: CODE message" per finding, sorted.
func checkLines(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code := runCheck(append([]string{"--format", "json-lines"}, args...), nil, &out, &errb)
	if code != 0 && code != 1 {
		t.Fatalf("check %v: exit %d: %s", args, code, errb.String())
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if l == "" {
			continue
		}
		var f jsonFinding
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, f.File+":"+itoa(f.Line)+":"+itoa(f.Column)+": "+f.Code+" "+f.Message)
	}
	sort.Strings(lines)
	return lines
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestMonorepoRootIsUnionOfServices: checked at the repository root, a
// workspace of several services reports exactly the union of checking each
// service folder; each service reports what it reports on its own (its
// expected file); and a sub-folder reports what its service reports there.
func TestMonorepoRootIsUnionOfServices(t *testing.T) {
	projects := testrepo.ProjectsDir(t)
	root := assembleMonorepo(t)
	all := checkLines(t, root, ".")
	if len(all) == 0 {
		t.Fatal("no findings at the root")
	}
	union := map[string]bool{}
	for _, name := range monorepoProjects {
		svc := "services/" + name
		got := checkLines(t, root, svc)
		for _, l := range got {
			union[l] = true
		}
		// The service finds what the project finds alone.
		want, err := os.ReadFile(filepath.Join(projects, name, "expected"))
		if err != nil {
			t.Fatal(err)
		}
		if g, w := codesByLine(got, svc+"/"), strings.TrimSpace(string(want)); g != w {
			t.Errorf("%s in the monorepo:\n%s\nalone:\n%s", svc, g, w)
		}
	}
	var u []string
	for l := range union {
		u = append(u, l)
	}
	sort.Strings(u)
	if strings.Join(all, "\n") != strings.Join(u, "\n") {
		t.Errorf("root check:\n%s\nunion of the service checks:\n%s", strings.Join(all, "\n"), strings.Join(u, "\n"))
	}
	// A sub-folder of a service: its findings there, as the service run.
	sub := "services/bad-hooks/catalog"
	var want []string
	for _, l := range checkLines(t, root, "services/bad-hooks") {
		if strings.HasPrefix(l, sub+"/") {
			want = append(want, l)
		}
	}
	if got := checkLines(t, filepath.Join(root, sub), "."); len(got) != len(want) {
		t.Errorf("check in %s: %d findings, want the service's %d there:\n%s", sub, len(got), len(want), strings.Join(got, "\n"))
	}
}

// codesByLine renders findings as the expected files do: "path:line: CODE",
// paths relative to the service, in path and line order.
func codesByLine(lines []string, prefix string) string {
	var out []string
	for _, l := range lines {
		parts := strings.SplitN(l, ":", 4)
		code := strings.Fields(parts[3])[0]
		out = append(out, strings.TrimPrefix(parts[0], prefix)+":"+parts[1]+": "+code)
	}
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return strings.Join(out, "\n")
}

// less orders "path:line: CODE" by path, then line number, then code.
func less(a, b string) bool {
	pa, pb := strings.SplitN(a, ":", 3), strings.SplitN(b, ":", 3)
	if pa[0] != pb[0] {
		return pa[0] < pb[0]
	}
	if len(pa[1]) != len(pb[1]) {
		return len(pa[1]) < len(pb[1])
	}
	if pa[1] != pb[1] {
		return pa[1] < pb[1]
	}
	return pa[2] < pb[2]
}

// A folder that its enclosing repository ignores (a pyenv version, a
// vendored tree) is checked as a workspace of its own: the repository's
// ignore rules are not the folder's.
func TestFolderIgnoredByEnclosingRepository(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".git/HEAD", "ref: refs/heads/main\n")
	write(".gitignore", "/versions\n")
	write("versions/app/gunicorn.conf.py", "workers = 4\n")
	write("versions/app/metrics.py", "from prometheus_client import Gauge\nQ = Gauge('q', 'Queue')\nQ.set(1)\n")
	got := checkLines(t, filepath.Join(root, "versions", "app"), ".")
	found := false
	for _, l := range got {
		found = found || strings.Contains(l, "metrics.py") && strings.Contains(l, "MP301")
	}
	if !found {
		t.Errorf("check in an ignored folder: %q, want MP301 on metrics.py", got)
	}
}
