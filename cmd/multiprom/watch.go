package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/mattn/go-isatty"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// watchQuiet is how long the files must stay still before a new check: an
// editor's save, a git checkout or a formatter writes files in bursts, and
// one check after the burst is what the user wants to see.
const watchQuiet = 150 * time.Millisecond

// watchRefusal says why flags make no sense with --watch ("" when they
// do): --watch re-runs a report, so whatever writes files (--fix, which
// would re-trigger itself), prints a one-off patch (--diff), prints for a
// machine that reads one document (json, sarif, …) or reads standard input
// (which has no file to watch) is refused.
func watchRefusal(cf checkFlags, paths []string) string {
	switch {
	case cf.fix || cf.fixOnly:
		return "cannot be combined with --fix or --fix-only: a fix would change the files being watched"
	case cf.diff:
		return "cannot be combined with --diff: run --diff once instead"
	case slices.Contains(paths, "-") || cf.stdinFilename != "":
		return "cannot read standard input (-, --stdin-filename): there is no file to watch"
	}
	switch cf.format {
	case "auto", "full", "concise", "text":
		return ""
	}
	return fmt.Sprintf("prints text only (full or concise), not --output-format %s: a machine reading %s wants one report, not a stream of them", cf.format, cf.format)
}

// runWatch checks the PATHs, then checks them again after every burst of
// changes to the workspaces' Python and deploy files (and .gitignore and
// the --config file), until interrupted: Ctrl-C (or SIGTERM) exits 0. Each
// run starts with a timestamped header, as ruff's --watch does; on a
// terminal the screen is cleared first.
func runWatch(cf checkFlags, paths []string, stdout, stderr io.Writer) int {
	if why := watchRefusal(cf, paths); why != "" {
		fmt.Fprintf(stderr, "multiprom check: --watch %s\n", why)
		return 2
	}
	if cf.format == "auto" {
		cf.format = "full" // not github under GITHUB_ACTIONS: a watch is for a person
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	targets, missing := groupTargets(paths, false)
	for _, err := range missing {
		fmt.Fprintf(stderr, "multiprom check: --watch: %v\n", err)
	}
	if len(missing) > 0 {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, err := newTreeWatcher(cf.config)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom check: --watch: %v\n", err)
		return 2
	}
	defer w.close()
	for _, t := range targets {
		if err := w.addTree(t.root); err != nil {
			fmt.Fprintf(stderr, "multiprom check: --watch: %v\n", err)
			return 2
		}
	}
	clear := isTerminal(stdout)
	header := func(msg string) {
		if clear {
			fmt.Fprint(stdout, "\x1b[2J\x1b[3J\x1b[H")
		}
		fmt.Fprintf(stdout, "[%s] %s\n", time.Now().Format("15:04:05"), msg)
	}
	header("Starting linter in watch mode...")
	checkOnce(cf, paths, nil, stdout, stderr, w.learn)
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return 0
		case ev, ok := <-w.fs.Events:
			if !ok {
				return 0
			}
			if w.relevant(ev) {
				fire = time.After(watchQuiet) // the burst goes on: wait again
			}
		case err, ok := <-w.fs.Errors:
			if ok {
				fmt.Fprintf(stderr, "multiprom check: --watch: %v\n", err)
			}
		case <-fire:
			fire = nil
			header("File change detected...")
			checkOnce(cf, paths, nil, stdout, stderr, w.learn)
		}
	}
}

// treeWatcher watches folders recursively (fsnotify watches one folder at
// a time), leaving out the folders the scan skips.
type treeWatcher struct {
	fs     *fsnotify.Watcher
	config string // the --config file, absolute, or ""
	// read are the files the last check read whose names do not say
	// what they are (a Dockerfile a compose file names
	// `docker/fastapi_gunicorn`), absolute.
	read map[string]bool
}

// learn records the files a scan read that Classify does not know by name.
func (w *treeWatcher) learn(scan *workspace.ScanResult) {
	for _, f := range scan.Files {
		if project.Classify(f.Path) == project.KindOther {
			w.read[filepath.Join(scan.Root, filepath.FromSlash(f.Path))] = true
		}
	}
}

func newTreeWatcher(config string) (*treeWatcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("starting the file watcher: %w", err)
	}
	w := &treeWatcher{fs: fw, read: map[string]bool{}}
	if config != "" {
		abs, err := filepath.Abs(config)
		if err != nil {
			fw.Close()
			return nil, fmt.Errorf("--config %s: %w", config, err)
		}
		w.config = abs
		// Its folder, not the file: editors replace a file by renaming a
		// new one over it, which ends a watch on the file itself.
		if err := fw.Add(filepath.Dir(abs)); err != nil {
			fw.Close()
			return nil, fmt.Errorf("watching %s: %w", filepath.Dir(abs), err)
		}
	}
	return w, nil
}

func (w *treeWatcher) close() { w.fs.Close() }

// addTree watches root and every folder below it that the scan enters.
func (w *treeWatcher) addTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable below the root: the scan reports it
		}
		if !d.IsDir() {
			return nil
		}
		if p != root && workspace.SkipDir(d.Name()) {
			return fs.SkipDir
		}
		if err := w.fs.Add(p); err != nil {
			return fmt.Errorf("watching %s: %w", p, err)
		}
		return nil
	})
}

// relevant says whether an event can change a check: a file of a kind the
// scan reads (or one the last check read, such as a Dockerfile named by a
// compose file), .gitignore or the --config file, created, written,
// removed or renamed. A new folder is watched too (and counts: it may hold such
// files already).
func (w *treeWatcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	if ev.Has(fsnotify.Create) {
		if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
			if workspace.SkipDir(filepath.Base(ev.Name)) {
				return false
			}
			if err := w.addTree(ev.Name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return false
			}
			return true
		}
	}
	if w.config != "" && ev.Name == w.config || w.read[ev.Name] {
		return true
	}
	base := filepath.Base(ev.Name)
	return base == ".gitignore" || project.Classify(filepath.ToSlash(ev.Name)) != project.KindOther
}

// isTerminal says whether w is a terminal (the screen is cleared only
// there: a pipe or a file keeps every run).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
