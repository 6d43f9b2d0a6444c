package main

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"mvdan.cc/sh/v3/syntax"
)

const repoRoot = "../.."

type workflow struct {
	On struct {
		Push struct {
			Tags []string `yaml:"tags"`
		} `yaml:"push"`
	} `yaml:"on"`
	Jobs map[string]struct {
		Env      map[string]string `yaml:"env"`
		Strategy struct {
			Matrix struct {
				Include []map[string]string `yaml:"include"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Name             string `yaml:"name"`
			Uses             string `yaml:"uses"`
			Run              string `yaml:"run"`
			WorkingDirectory string `yaml:"working-directory"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// runners maps each GitHub-hosted runner label the release may use to the
// platform it runs on: a target must build on its own (cgo: no cross builds).
var runners = map[string]string{
	"ubuntu-latest":    "linux/amd64",
	"ubuntu-24.04":     "linux/amd64",
	"ubuntu-24.04-arm": "linux/arm64",
	"macos-15-intel":   "darwin/amd64",
	"macos-14":         "darwin/arm64",
	"macos-15":         "darwin/arm64",
	"windows-latest":   "windows/amd64",
}

// typicalFacts is what a target's release binary declares (the numbers
// the wheel pattern leaves open): glibc 2.34 on Ubuntu 24.04, macOS 12
// from Go 1.26's linker.
func typicalFacts(t target) binaryFacts {
	return binaryFacts{GOOS: t.GOOS, GOARCH: t.GOARCH, Glibc: 34, MacOS: [2]int{12, 0}}
}

func readWorkflow(t *testing.T) workflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, ".github", "workflows", "release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf(".github/workflows/release.yml: %v", err)
	}
	return wf
}

func TestReleaseWorkflowTargets(t *testing.T) {
	wf := readWorkflow(t)
	if len(wf.On.Push.Tags) == 0 {
		t.Error("the release runs on no pushed tag")
	}
	build, ok := wf.Jobs["build"]
	if !ok {
		t.Fatal("no build job")
	}
	var got []string
	for _, entry := range build.Strategy.Matrix.Include {
		tg, err := findTarget(entry["target"])
		if err != nil {
			t.Error(err)
			continue
		}
		got = append(got, tg.Name)
		if platform, known := runners[entry["os"]]; !known {
			t.Errorf("%s: runner %q is not a known hosted runner (macos-13 was retired)", tg.Name, entry["os"])
		} else if platform != tg.GOOS+"/"+tg.GOARCH {
			t.Errorf("%s: runner %s is %s, not the target's own %s/%s", tg.Name, entry["os"], platform, tg.GOOS, tg.GOARCH)
		}
		if entry["exe"] != tg.Executable {
			t.Errorf("%s: exe %q, want %q", tg.Name, entry["exe"], tg.Executable)
		}
		tag, err := platformTag(tg, typicalFacts(tg))
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := path.Match(entry["wheel"], tag); err != nil || !ok {
			t.Errorf("%s: wheel pattern %q does not match the tag mkwheel emits, %s", tg.Name, entry["wheel"], tag)
		}
	}
	// cgo links with the system linker, which writes the runner's own
	// macOS as the minimum unless told otherwise.
	macOS := typicalFacts(targets[0]).MacOS
	if got, want := build.Env["MACOSX_DEPLOYMENT_TARGET"], fmt.Sprintf("%d.%d", macOS[0], macOS[1]); got != want {
		t.Errorf("build job env MACOSX_DEPLOYMENT_TARGET = %q, want %q (the macOS the wheel tags promise)", got, want)
	}
	var want []string
	for _, tg := range targets {
		want = append(want, tg.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("matrix targets %v, want %v", got, want)
	}
}

// expression stands for a GitHub expression (${{ … }}) in a run script, so
// the shell parser sees a plain word: ${{ matrix.target }} -> @matrix.target@.
var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// call is one simple command of a run script, its words as text.
type call struct {
	args []string
	dir  string // the step's working directory, from the repository root
}

func scriptCalls(t *testing.T, wf workflow) []call {
	t.Helper()
	var calls []call
	for job, j := range wf.Jobs {
		for _, step := range j.Steps {
			if step.Run == "" {
				continue
			}
			src := expression.ReplaceAllString(step.Run, "@$1@")
			file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), job+": "+step.Name)
			if err != nil {
				t.Errorf("job %s, step %q: %v", job, step.Name, err)
				continue
			}
			syntax.Walk(file, func(n syntax.Node) bool {
				if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
					var args []string
					for _, w := range c.Args {
						args = append(args, wordText(w))
					}
					calls = append(calls, call{args: args, dir: step.WorkingDirectory})
				}
				return true
			})
		}
	}
	return calls
}

// wordText is a word's literal text, quotes removed; an expansion reads $.
func wordText(w *syntax.Word) string {
	var b strings.Builder
	var parts func([]syntax.WordPart)
	parts = func(ps []syntax.WordPart) {
		for _, p := range ps {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				parts(p.Parts)
			default:
				b.WriteString("$")
			}
		}
	}
	parts(w.Parts)
	return b.String()
}

// Every local script, Go package and Make target a step calls exists, and
// the steps hand mkwheel and package.sh the matrix's target.
func TestReleaseWorkflowCallsWhatExists(t *testing.T) {
	calls := scriptCalls(t, readWorkflow(t))
	var mkwheelTarget, vsixTarget, versionCheck bool
	for _, c := range calls {
		dir := filepath.Join(repoRoot, c.dir)
		name := c.args[0]
		switch {
		case strings.HasSuffix(name, ".sh") || strings.HasPrefix(name, "scripts/") || strings.HasPrefix(name, "./"):
			info, err := os.Stat(filepath.Join(dir, name))
			if err != nil || info.Mode()&0o111 == 0 {
				t.Errorf("%v: %s is no executable script in %s (%v)", c.args, name, dir, err)
			}
			if strings.HasSuffix(name, "package.sh") && slices.Contains(c.args, "@matrix.target@") {
				vsixTarget = true
			}
		case (name == "bash" || name == "sh") && len(c.args) > 1:
			if _, err := os.Stat(filepath.Join(dir, c.args[1])); err != nil {
				t.Errorf("%v: %v", c.args, err)
			}
		case name == "make":
			for _, target := range c.args[1:] {
				if strings.HasPrefix(target, "-") || strings.Contains(target, "=") {
					continue
				}
				if out, err := exec.Command("make", "-n", "-C", dir, target).CombinedOutput(); err != nil {
					t.Errorf("make %s: %v\n%s", target, err, out)
				}
			}
		case name == "go" && len(c.args) > 1 && (c.args[1] == "run" || c.args[1] == "build"):
			for _, arg := range c.args[2:] {
				if !strings.HasPrefix(arg, "./") {
					continue
				}
				if matches, _ := filepath.Glob(filepath.Join(dir, arg, "*.go")); len(matches) == 0 {
					t.Errorf("%v: no Go package at %s", c.args, arg)
				}
				if arg == "./scripts/mkwheel" {
					i := slices.Index(c.args, "-target")
					mkwheelTarget = mkwheelTarget || (i > 0 && i+1 < len(c.args) && c.args[i+1] == "@matrix.target@")
					versionCheck = versionCheck || slices.Contains(c.args, "-version")
				}
			}
		}
	}
	if !mkwheelTarget {
		t.Error("no step runs go run ./scripts/mkwheel -target ${{ matrix.target }}")
	}
	if !vsixTarget {
		t.Error("no step runs editors/vscode's scripts/package.sh ${{ matrix.target }}")
	}
	if !versionCheck {
		t.Error("no step checks the tag against go run ./scripts/mkwheel -version")
	}
}
