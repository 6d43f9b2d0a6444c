package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
)

// TestUwsgiProcessesFromEnvironment: the worker count multiprom reads for
// a uWSGI ini under UWSGI_PROCESSES (a Dockerfile's ENV) is the count the
// real uWSGI spawns: the variable's when the ini sets none, the ini's
// processes when it does (uWSGI reads its environment's options first, and
// the last setting wins). A trailing "; comment" is part of an ini value.
func TestUwsgiProcessesFromEnvironment(t *testing.T) {
	needE2E(t)
	requireProgram(t, uwsgiBin)
	for _, tt := range []struct{ name, ini string }{
		{"the environment's count", "[uwsgi]\nhttp-socket = 127.0.0.1:0\nmaster = true\n"},
		{"the ini's count wins", "[uwsgi]\nhttp-socket = 127.0.0.1:0\nmaster = true\nprocesses = 2   ; two\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "uwsgi.ini"), []byte(tt.ini), 0o644); err != nil {
				t.Fatal(err)
			}
			files := []*project.File{
				{Path: "Dockerfile", Kind: project.KindDockerfile, Src: []byte("FROM python\nENV UWSGI_PROCESSES=3\nCOPY uwsgi.ini /etc/uwsgi.ini\nCMD [\"uwsgi\", \"/etc/uwsgi.ini\"]\n")},
				{Path: "uwsgi.ini", Kind: project.KindUwsgi, Src: []byte(tt.ini)},
			}
			fs := project.NewProject(context.Background(), dir, files, config.Settings{}).Facts
			if len(fs.Uwsgi) != 1 {
				t.Fatalf("%d uWSGI servers, want the ini's alone", len(fs.Uwsgi))
			}
			want, _, _ := fs.Uwsgi[0].Processes()
			if got := uwsgiWorkers(t, dir, "UWSGI_PROCESSES=3"); got != want {
				t.Errorf("uWSGI spawned %d workers, multiprom reads processes = %d", got, want)
			}
		})
	}
}

// uwsgiWorkers starts uWSGI on dir/uwsgi.ini with the extra environment and
// counts the workers it spawns before its master loop starts (the
// master-start hook prints a marker there), then stops it.
func uwsgiWorkers(t *testing.T, dir string, env ...string) int {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(uwsgiBin, "--ini", "uwsgi.ini", "--hook-master-start", "exec:echo MULTIPROM-MASTER-READY")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, w, w
	for _, kv := range baseEnv() {
		if !strings.HasPrefix(kv, "UWSGI_") { // the machine's own would be options too
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// SIGINT stops uWSGI 2.0 (SIGTERM reloads it).
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	n := 0
	var log strings.Builder
	for sc := bufio.NewScanner(r); sc.Scan(); {
		line := sc.Text()
		log.WriteString(line + "\n")
		switch {
		case strings.HasPrefix(line, "spawned uWSGI worker"):
			n++
		case line == "MULTIPROM-MASTER-READY":
			return n
		}
	}
	t.Fatalf("uWSGI ended before its master loop:\n%s", log.String())
	return 0
}
