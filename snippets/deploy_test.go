package snippets

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var deployParams = Params{AppTag: "demo", Package: "demoapp", WSGIApp: "demoapp:create_app()"}

// TestDockerfileCommandRuns runs the Dockerfile's exec-form CMD with sh and a stand-in gunicorn:
// the JSON parses, the stale directory is wiped and recreated, and gunicorn gets the config and
// the app spec as single arguments (parentheses survive the shell).
func TestDockerfileCommandRuns(t *testing.T) {
	need(t, "/bin/sh")
	p := deployParams
	p.MultiprocDir = filepath.Join(t.TempDir(), "mp")
	text := DockerfileSnippet(p)
	var cmd []string
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, "CMD "); ok {
			if err := json.Unmarshal([]byte(rest), &cmd); err != nil {
				t.Fatalf("CMD is not a JSON array: %v\n%s", err, text)
			}
		}
	}
	if !strings.Contains(text, "ENV PROMETHEUS_MULTIPROC_DIR="+p.MultiprocDir+"\n") || len(cmd) != 3 {
		t.Fatalf("unexpected Dockerfile snippet:\n%s", text)
	}
	bin := t.TempDir()
	writeFiles(t, bin, map[string]string{"gunicorn": "#!/bin/sh\nfor a in \"$@\"; do echo \"arg:$a\"; done\nls -A \"$PROMETHEUS_MULTIPROC_DIR\"\n"})
	if err := os.Chmod(filepath.Join(bin, "gunicorn"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, p.MultiprocDir, map[string]string{"counter_1.db": "stale"})
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR=" + p.MultiprocDir}
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("CMD failed: %v\n%s", err, out)
	}
	if want := "arg:-c\narg:gunicorn.conf.py\narg:demoapp:create_app()\n"; string(out) != want {
		t.Errorf("CMD ran gunicorn with\n%s\nwant (and an empty directory)\n%s", out, want)
	}
}

// TestComposeSnippet: valid YAML setting the variable and mounting the directory as a tmpfs.
func TestComposeSnippet(t *testing.T) {
	var doc struct {
		Services map[string]struct {
			Command     []string
			Environment map[string]string
			Tmpfs       []string
		}
	}
	text := ComposeSnippet(deployParams)
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("compose snippet is not YAML: %v\n%s", err, text)
	}
	web := doc.Services["web"]
	dir := DefaultMultiprocDir("demo")
	if web.Environment[MultiprocEnv] != dir || len(web.Tmpfs) != 1 || web.Tmpfs[0] != dir ||
		strings.Join(web.Command, " ") != "gunicorn -c gunicorn.conf.py demoapp:create_app()" {
		t.Errorf("compose snippet: %+v\n%s", web, text)
	}
}

// TestSystemdSnippet: the unit sets the variable, wipes the directory before start, and quotes
// the app spec as one argument.
func TestSystemdSnippet(t *testing.T) {
	text := SystemdSnippet(Params{AppTag: "demo", WSGIApp: "demoapp:create_app(\"100%\")"})
	for _, want := range []string{
		"[Service]\n",
		"Environment=PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc-demo\n",
		"ExecStartPre=/bin/rm -rf ${PROMETHEUS_MULTIPROC_DIR}\n",
		`ExecStart=/usr/bin/gunicorn -c gunicorn.conf.py "demoapp:create_app(\"100%%\")"` + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("systemd snippet lacks %q:\n%s", want, text)
		}
	}
}
