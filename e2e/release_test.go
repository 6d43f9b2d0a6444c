package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// packageVersion is the release version as editors/vscode/package.json
// writes it, read here on its own so the test does not trust the code
// under test to read it.
func packageVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(data, &pkg); err != nil || pkg.Version == "" {
		t.Fatalf("editors/vscode/package.json: version %q, %v", pkg.Version, err)
	}
	return pkg.Version
}

// run runs a program to completion and returns its result; a program that
// cannot start fails the test.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	if exit, ok := err.(*exec.ExitError); ok {
		res.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return res
}

// The wheel `make wheel` builds installs with pip into a fresh venv, from
// the file alone (--no-index: no package index is reached), and the
// multiprom it puts on the venv's PATH checks the demo. The binary, the
// wheel and pip agree on the version package.json holds.
func TestWheel(t *testing.T) {
	needE2E(t)
	requireProgram(t, "/usr/bin/python3")
	if out, err := exec.Command("/usr/bin/python3", "-c", "import ensurepip, venv, pip").CombinedOutput(); err != nil {
		missing := "python3-venv and python3-pip: " + strings.TrimSpace(string(out))
		if os.Getenv("CI") != "" {
			t.Fatal(missing)
		}
		t.Skip(missing)
	}
	version := packageVersion(t)
	if got := multiprom(t, ".", "--version"); got.code != 0 || got.stdout != "multiprom "+version+"\n" {
		t.Errorf("multiprom --version: %s; want multiprom %s", got, version)
	}

	dist := t.TempDir()
	made := run(t, "..", nil, "go", "run", "./scripts/mkwheel", "-binary", multipromBin, "-out", dist)
	if made.code != 0 {
		t.Fatalf("mkwheel: %s", made)
	}
	whl := strings.TrimSpace(made.stdout)
	name := regexp.MustCompile(`^multiprom-` + regexp.QuoteMeta(version) + `-py3-none-manylinux_2_\d+_(x86_64|aarch64)\.whl$`)
	if !name.MatchString(filepath.Base(whl)) {
		t.Errorf("wheel %s, want %s", filepath.Base(whl), name)
	}

	// A venv without its own pip (ensurepip would take 15 s): Debian's pip
	// installs into it with --python.
	venv := filepath.Join(t.TempDir(), "venv")
	if r := run(t, ".", nil, "/usr/bin/python3", "-m", "venv", "--without-pip", venv); r.code != 0 {
		t.Fatalf("python3 -m venv: %s", r)
	}
	pip := func(args ...string) result {
		return run(t, ".", nil, "/usr/bin/python3", append([]string{"-m", "pip", "--python", filepath.Join(venv, "bin", "python"), "--isolated", "--disable-pip-version-check"}, args...)...)
	}
	if r := pip("install", "--no-index", whl); r.code != 0 {
		t.Fatalf("pip install: %s", r)
	}
	if r := pip("show", "multiprom"); !strings.Contains(r.stdout, "\nVersion: "+version+"\n") {
		t.Errorf("pip show multiprom: %s; want Version: %s", r, version)
	}

	installed := filepath.Join(venv, "bin", "multiprom")
	if r := run(t, ".", nil, installed, "--version"); r.stdout != "multiprom "+version+"\n" {
		t.Errorf("installed multiprom --version: %s", r)
	}
	demo := copyDemo(t)
	r := run(t, demo, nil, installed, "check", ".")
	if r.code != 1 || !strings.Contains(r.stdout, "demo_app/metrics.py:18:15: MP301") {
		t.Errorf("installed multiprom check on the demo: %s\nwant exit 1 and MP301 on metrics.py:18", r)
	}
}

// The repository's pre-commit hooks run for real under Debian's pre-commit
// (`pre-commit try-repo` clones this repository at HEAD, so commit a change
// to .pre-commit-hooks.yaml before running this). The golang hook builds
// multiprom with GOPROXY=off from the warm module cache: no network.
func TestPreCommitHook(t *testing.T) {
	needE2E(t)
	requireProgram(t, "/usr/bin/pre-commit", "/usr/bin/git")
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	head := run(t, repo, nil, "git", "rev-parse", "HEAD")
	if head.code != 0 {
		t.Fatalf("git rev-parse HEAD: %s", head)
	}
	goEnv := run(t, repo, nil, "go", "env", "GOMODCACHE", "GOCACHE")
	caches := strings.Fields(goEnv.stdout)
	if len(caches) != 2 {
		t.Fatalf("go env: %s", goEnv)
	}
	// pre-commit sets GOPATH to its own environment, which would move the
	// module cache there: keep both caches where `go build` filled them.
	// try-repo installs the hook afresh in a new store each run; -trimpath
	// keeps the build cache keys free of that directory, so the build is
	// not repeated (seconds instead of half a minute).
	env := append(os.Environ(), "PRE_COMMIT_HOME="+t.TempDir(), "GOMODCACHE="+caches[0], "GOCACHE="+caches[1],
		"GOPROXY=off", "GOFLAGS=-mod=readonly -trimpath", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")

	project := func(t *testing.T, fixed bool) string {
		dir := copyDemo(t)
		if fixed {
			fixDemo(t, dir)
		}
		for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
			if r := run(t, dir, env, "git", args...); r.code != 0 {
				t.Fatalf("git %v: %s", args, r)
			}
		}
		return dir
	}
	tryRepo := func(t *testing.T, dir, hook string, env []string) result {
		return run(t, dir, env, "/usr/bin/pre-commit", "try-repo", repo, hook, "--ref", strings.TrimSpace(head.stdout), "--all-files", "--verbose", "--color", "never")
	}

	t.Run("golang hook fails on the demo", func(t *testing.T) {
		r := tryRepo(t, project(t, false), "multiprom", env)
		if r.code != 1 || !strings.Contains(r.stdout, "MP301") || !strings.Contains(r.stdout, "Failed") {
			t.Errorf("pre-commit try-repo on the demo: %s\nwant exit 1, Failed and MP301", r)
		}
	})
	t.Run("golang hook passes on a clean project", func(t *testing.T) {
		r := tryRepo(t, project(t, true), "multiprom", env)
		if r.code != 0 || !strings.Contains(r.stdout, "Passed") {
			t.Errorf("pre-commit try-repo on the fixed demo: %s\nwant exit 0, Passed", r)
		}
	})
	t.Run("system hook runs the multiprom on PATH", func(t *testing.T) {
		pathEnv := append(env, "PATH="+filepath.Dir(multipromBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
		r := tryRepo(t, project(t, false), "multiprom-system", pathEnv)
		if r.code != 1 || !strings.Contains(r.stdout, "MP301") {
			t.Errorf("pre-commit try-repo multiprom-system on the demo: %s\nwant exit 1 and MP301", r)
		}
	})
}
