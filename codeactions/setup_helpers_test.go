package codeactions

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"golang.org/x/tools/txtar"
)

// projectOf builds a project from a txtar archive the way Scan would see it:
// only the files multiprom classifies, rooted at /work/<tag>.
func projectOf(t *testing.T, archive string) *project.Project {
	t.Helper()
	return projectFiles(t, filesOf(txtar.Parse([]byte(archive))))
}

func filesOf(a *txtar.Archive) map[string]string {
	m := map[string]string{}
	for _, f := range a.Files {
		m[f.Name] = string(f.Data)
	}
	return m
}

func projectFiles(t *testing.T, files map[string]string) *project.Project {
	t.Helper()
	var fs []*project.File
	for name, src := range files {
		k := project.Classify(name)
		if k == project.KindOther {
			continue // Scan does not read them
		}
		fs = append(fs, &project.File{Path: name, Kind: k, Src: []byte(src)})
	}
	p := project.NewProject(context.Background(), "/work/demo", fs, config.Settings{})
	for _, pr := range p.Problems {
		t.Fatalf("project problem: %s: %s", pr.Path, pr.Message)
	}
	return p
}

// applied returns every file of p after the fix: edited, created, untouched.
func applied(t *testing.T, p *project.Project, fixes ...diagnostics.Fix) map[string]string {
	t.Helper()
	var as []SetupAction
	for _, f := range fixes {
		as = append(as, SetupAction{Fix: f})
	}
	res, err := ApplySetup(p, as)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range p.Files {
		out[f.Path] = string(f.Src)
	}
	for k, v := range res.Changed {
		out[k] = string(v)
	}
	for k, v := range res.Created {
		if _, exists := out[k]; exists {
			t.Fatalf("%s created twice", k)
		}
		out[k] = string(v)
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Debian's programs (python3 on PATH is a pyenv build without the libraries).
const (
	promtoolBin   = "/usr/bin/promtool"
	prometheusBin = "/usr/bin/prometheus"
)

// need skips when a program is missing, except under CI, where it fails.
func need(t *testing.T, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required under CI: %v", p, err)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

// promtoolCheck runs `promtool check config` on a prometheus.yml text.
func promtoolCheck(t *testing.T, config string) {
	t.Helper()
	need(t, promtoolBin)
	path := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtoolBin, "check", "config", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool check config: %v\n%s\n%s", err, out, config)
	}
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}
