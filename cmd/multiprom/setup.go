package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

const setupUsage = `usage: multiprom setup [--dashboard] [--deploy] [--requirements] [--all] [--diff] [--force] [PATH]

Creates the set-up files the findings do not cover, for the project at PATH
(default: the current directory):

  --dashboard     grafana/<tag>-dashboard.json, from the metric names the
                  project declares
  --requirements  prometheus_client, prometheus_flask_exporter (exporter
                  flavour) and redis (when used) in requirements.txt or
                  pyproject.toml, when missing; existing pins are kept
  --deploy        deploy/prometheus.yml; PROMETHEUS_MULTIPROC_DIR in the
                  project's Dockerfile, compose file and systemd unit, or
                  snippets under deploy/ when it has none
  --all           all of the above (the default when none is given)

Existing files are never overwritten. --diff prints the changes instead.
A folder with no Flask app (no Flask(...) call) is refused unless --force.
Run "multiprom check --fix" for the app, gunicorn config and gauges.

flags:
`

func runSetup(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "multiprom setup: %v\n", err)
		return 2
	}
	return setupIn(cwd, args, stdout, stderr)
}

// setupIn runs setup with paths resolved against and shown relative to cwd
// (tests run it in-process for a scenario's directory).
func setupIn(cwd string, args []string, stdout, stderr io.Writer) int {
	fl := newFlags("setup")
	dashboard := fl.Bool("dashboard", false, "create the Grafana starter dashboard")
	deploy := fl.Bool("deploy", false, "create deploy/prometheus.yml and set the variable in the deploy files")
	reqs := fl.Bool("requirements", false, "add the missing Prometheus libraries to the requirements")
	all := fl.Bool("all", false, "every set-up step")
	diff := fl.Bool("diff", false, "print a unified diff instead of writing")
	force := fl.Bool("force", false, "set up a folder even when it has no Flask app")
	paths, code, done := parseFlags(fl, setupUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(paths) > 1 {
		fmt.Fprintln(stderr, "multiprom setup: one PATH at most")
		return 2
	}
	root := cwd
	if len(paths) == 1 {
		root = paths[0]
		if !filepath.IsAbs(root) {
			root = filepath.Join(cwd, root)
		}
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "multiprom setup: %s is not a directory\n", root)
		return 2
	}
	if !*dashboard && !*deploy && !*reqs {
		*all = true
	}
	want := map[string]bool{
		codeactions.KindDashboard:    *all || *dashboard,
		codeactions.KindDeploy:       *all || *deploy,
		codeactions.KindRequirements: *all || *reqs,
	}
	ctx := context.Background()
	scan, err := workspace.Scan(ctx, root)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom setup: %v\n", err)
		return 2
	}
	proj := project.NewProject(ctx, scan.Root, scan.Files, config.Settings{})
	for _, pr := range append(scan.Problems, proj.Problems...) {
		fmt.Fprintf(stderr, "%s: %s\n", pr.Where(displayPath(cwd, scan.Root, pr.Path)), pr.Message)
	}
	if len(proj.Facts.AppsOf(frameworks.Flask)) == 0 && !*force { // setup writes Flask code
		fmt.Fprintf(stderr, "multiprom setup: %s: no Flask app here (no Flask(...) call in its Python files); use --force to set it up anyway\n", displayPath(cwd, scan.Root, "."))
		return 2
	}
	var actions []codeactions.SetupAction
	for _, a := range codeactions.SetupActions(proj) {
		if want[a.Kind] {
			actions = append(actions, a)
		}
	}
	res, err := codeactions.ApplySetup(proj, actions)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom setup: %v\n", err)
		return 2
	}
	// Scan reads only the files rules need: the dashboard and prometheus.yml
	// may exist on disk without the project knowing. Keep them.
	for _, rel := range sortedByteKeys(res.Created) {
		if _, err := os.Lstat(filepath.Join(scan.Root, filepath.FromSlash(rel))); err == nil {
			fmt.Fprintf(stderr, "%s exists; kept\n", displayPath(cwd, scan.Root, rel))
			delete(res.Created, rel)
		}
	}
	for _, a := range actions {
		for _, n := range a.Notes {
			fmt.Fprintf(stderr, "note: %s\n", n)
		}
	}
	read := map[string][]byte{}
	for _, f := range proj.Files {
		read[f.Path] = f.Src
	}
	name := func(rel string) string { return displayPath(cwd, scan.Root, rel) }
	if *diff {
		if err := codeactions.WriteDiff(stdout, read, res, name); err != nil {
			fmt.Fprintf(stderr, "multiprom setup: %v\n", err)
			return 2
		}
		return 0
	}
	rep, err := codeactions.Write(scan.Root, read, res)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom setup: %v\n", err)
		return 2
	}
	for _, rel := range sortedErrKeys(rep.Skipped) {
		fmt.Fprintf(stderr, "%s: not written: %v\n", name(rel), rep.Skipped[rel])
	}
	for _, rel := range rep.Written {
		verb := "updated"
		if _, created := res.Created[rel]; created {
			verb = "created"
		}
		fmt.Fprintf(stdout, "%s %s\n", verb, name(rel))
	}
	if len(rep.Written) == 0 {
		fmt.Fprintln(stdout, "Nothing to set up.")
	}
	if len(rep.Skipped) > 0 {
		return 1
	}
	return 0
}

func sortedByteKeys(m map[string][]byte) []string {
	errs := map[string]error{}
	for k := range m {
		errs[k] = nil
	}
	return sortedErrKeys(errs)
}
