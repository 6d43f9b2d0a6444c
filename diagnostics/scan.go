package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxFileSize is the largest file the scanner reads; larger files get a
// per-file message instead (a generated 20 MB module is not an app).
const MaxFileSize = 8 << 20

// skipDirs are never descended into.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".venv": true, "venv": true,
	"node_modules": true, "__pycache__": true, "site-packages": true, "build": true, "dist": true,
	".tox": true, ".nox": true, ".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true,
	".eggs": true,
}

// SkipDir reports whether the scanner leaves a directory out.
func SkipDir(name string) bool { return skipDirs[name] || strings.HasSuffix(name, ".egg-info") }

// ScanResult is a scanned workspace: its files and per-file problems.
type ScanResult struct {
	Root     string
	Files    []*File
	Problems []Problem
}

// Scan walks root and loads every file whose kind matters, parsing Python
// files on all cores. Unreadable files become problems, not errors; the
// error is for a root that cannot be walked at all.
func Scan(ctx context.Context, root string) (*ScanResult, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", root, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	res := &ScanResult{Root: abs}
	if !st.IsDir() {
		return nil, fmt.Errorf("scan %s: not a directory", root)
	}
	var paths []string
	walkErr := filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			rel, _ := filepath.Rel(abs, p)
			if p == abs {
				return err
			}
			res.Problems = append(res.Problems, Problem{filepath.ToSlash(rel), fmt.Sprintf("cannot read: %v", unwrapPathErr(err))})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != abs && SkipDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(abs, p)
		if Classify(filepath.ToSlash(rel)) != KindOther {
			paths = append(paths, p)
		}
		return nil
	})
	if walkErr != nil {
		return nil, fmt.Errorf("scan %s: %w", root, walkErr)
	}
	files, problems := LoadFiles(ctx, abs, paths)
	res.Files = files
	res.Problems = append(res.Problems, problems...)
	return res, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LoadFiles reads and (for Python) parses the given absolute paths under root
// in parallel. Files that vanish, cannot be read, are too large or are not
// text become problems.
func LoadFiles(ctx context.Context, root string, paths []string) ([]*File, []Problem) {
	type result struct {
		file    *File
		problem *Problem
	}
	results := make([]result, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f, prob := loadFile(ctx, root, paths[i])
				results[i] = result{f, prob}
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	var files []*File
	var problems []Problem
	for _, r := range results {
		if r.problem != nil {
			problems = append(problems, *r.problem)
		}
		if r.file != nil {
			files = append(files, r.file)
		}
	}
	return files, problems
}

func loadFile(ctx context.Context, root, p string) (*File, *Problem) {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return nil, &Problem{p, err.Error()}
	}
	rel = filepath.ToSlash(rel)
	info, err := os.Stat(p)
	if err != nil {
		return nil, &Problem{rel, fmt.Sprintf("cannot read: %v", unwrapPathErr(err))}
	}
	if !info.Mode().IsRegular() {
		return nil, nil
	}
	if info.Size() > MaxFileSize {
		return nil, &Problem{rel, fmt.Sprintf("skipped: %d bytes is larger than the %d MiB limit", info.Size(), MaxFileSize>>20)}
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return nil, &Problem{rel, fmt.Sprintf("cannot read: %v", unwrapPathErr(err))}
	}
	f := &File{Path: rel, Kind: Classify(rel), Src: src}
	if f.Kind == KindPython {
		if !utf8.Valid(src) || strings.IndexByte(string(src[:min(len(src), 8000)]), 0) >= 0 {
			return nil, &Problem{rel, "skipped: not UTF-8 text"}
		}
		if err := f.Parse(ctx); err != nil {
			return nil, &Problem{rel, err.Error()}
		}
	}
	return f, nil
}
