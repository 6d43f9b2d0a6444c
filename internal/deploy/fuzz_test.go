package deploy

import (
	"testing"
	"time"

	"github.com/multiprom/multiprom/internal/fuzzbudget"
)

// FuzzParse feeds arbitrary text to every deploy-file parser: a parse
// finishes, never panics, and every span it reports lies inside the file.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV A=1 B=\"two\"\nRUN rm -rf /tmp/x\nCMD [\"gunicorn\", \"app:app\"]\n",
		"services:\n  web:\n    build: {context: ., dockerfile: d/web}\n    command: bash -c \"rm -rf $$D && exec gunicorn app:app\"\n    environment: [D=/tmp/m]\n    tmpfs: /tmp/m\n",
		"[Service]\nEnvironment=\"D=/run/m\"\nExecStartPre=/bin/rm -rf ${D}\nExecStart=/usr/bin/gunicorn app:app\n",
		"#!/bin/sh\n: ${D:=/tmp}\nf() { rm -f \"$D\"/*.db; }\nf\nexec sh -c 'exec gunicorn -c conf.py app:app'\n",
		"web: gunicorn app:app\nworker: python -m tasks\n",
		"A=1\nexport B=\"x y\"\n",
		"[program:web]\ncommand=gunicorn app:app\nenvironment=A=\"1\",B=2\n",
		"apiVersion: v1\nkind: Pod\nspec:\n  volumes: [{name: p, emptyDir: {}}]\n  containers: [{name: w, command: [gunicorn], volumeMounts: [{name: p, mountPath: /p}]}]\n",
		"[uwsgi]\nenv = D=/tmp/m\nenv = B=2\nexec-asap = rm -rf $(D)\nprocesses = 4\nlazy_apps = true\nhook-pre-app = exec:rm -f /x/*.db\n",
		"uwsgi:\n  env: [A=1]\n  processes: 4\n  exec-asap: rm -rf /tmp/m\n",
	}
	for k, s := range seeds {
		f.Add(k, s)
	}
	f.Fuzz(func(t *testing.T, kind int, src string) {
		k := Kind(((kind % 9) + 9) % 9)
		var m *Model
		fuzzbudget.Run("deploy parse", 20*time.Second, func() { m = Parse(k, []byte(src)) })
		check := func(what string, s, e int) {
			if s < 0 || e < s || e > len(src) {
				t.Fatalf("kind %d: %s span [%d,%d) outside the file of %d bytes", k, what, s, e, len(src))
			}
		}
		for _, c := range m.Commands {
			check("command", c.Span.Start, c.Span.End)
		}
		for _, a := range m.Assigns {
			check("assign", a.Span.Start, a.Span.End)
		}
		for _, c := range m.Cleanups {
			check("cleanup", c.Span.Start, c.Span.End)
		}
		for _, c := range m.Copies {
			check("copy", c.Span.Start, c.Span.End)
		}
		for _, r := range append(append([]Ref{}, m.EnvFiles...), m.Dockerfiles...) {
			check("ref", r.Span.Start, r.Span.End)
		}
	})
}
