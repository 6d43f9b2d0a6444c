package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
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
	Files    []*project.File
	Problems []project.Problem
	// Unparsed are the Python files the prefilter left unparsed (their Py is
	// an empty Module). A server that edits other files may parse them on
	// demand (File.Parse) when an edit could make them matter.
	Unparsed map[string]bool
}

// ScanOptions tune a scan.
type ScanOptions struct {
	// ParseAll parses every Python file. By default files that the byte
	// prefilter (prefilter.go) shows cannot matter are not parsed: they join
	// the project with an empty summary and are listed in Unparsed.
	ParseAll bool
	// Workers is how many goroutines read and parse (0: GOMAXPROCS). The
	// result does not depend on it.
	Workers int
}

// Scan walks root and loads every file whose kind matters, parsing the
// Python files that can matter on all cores (see ScanOptions). Unreadable
// files become problems, not errors; the error is for a root that cannot be
// walked at all.
func Scan(ctx context.Context, root string) (*ScanResult, error) {
	return ScanWith(ctx, root, ScanOptions{})
}

// readAtMost reads up to limit+1 bytes of a file, so a file that grows
// between the size check and the read (a log being written) cannot make the
// scan read without bound; the caller rejects more than limit. size is the
// size the file had when it was stat'ed: the buffer starts with room for it
// and the read that finds the end (io.ReadAll starts at 512 bytes and
// grows and copies its buffer several times for a typical module).
func readAtMost(p string, limit, size int64) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var buf bytes.Buffer
	buf.Grow(int(min(max(size, 0), limit)) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(fh, limit+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return buf.Bytes(), nil
}

// ScanWith is Scan with options.
func ScanWith(ctx context.Context, root string, opts ScanOptions) (*ScanResult, error) {
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
			res.Problems = append(res.Problems, project.Problem{Path: filepath.ToSlash(rel), Message: fmt.Sprintf("cannot read: %v", unwrapPathErr(err))})
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
		if project.Classify(filepath.ToSlash(rel)) != project.KindOther {
			paths = append(paths, p)
		}
		return nil
	})
	if walkErr != nil {
		return nil, fmt.Errorf("scan %s: %w", root, walkErr)
	}
	loaded := readFiles(ctx, abs, paths, opts.Workers)
	loaded = append(loaded, namedDockerfiles(abs, loaded)...)
	if opts.ParseAll {
		for i := range loaded {
			if loaded[i].file != nil && loaded[i].file.Kind == project.KindPython {
				loaded[i].parse = true
			}
		}
	} else {
		res.Unparsed = choosePython(ctx, loaded, opts.Workers)
	}
	parseMarked(ctx, loaded, opts.Workers)
	files, problems := collect(loaded)
	res.Files = files
	res.Problems = append(res.Problems, problems...)
	return res, nil
}

// namedDockerfiles loads the Dockerfiles that a compose build
// (`dockerfile: docker/fastapi_gunicorn`) or a script (`docker build -f
// deploy/web`) names but whose names do not say what they are: without
// them the image's COPY, ENV and CMD would be unseen. A path outside root,
// one already loaded, or one that does not exist is left out.
func namedDockerfiles(root string, loaded []loadedFile) []loadedFile {
	have := map[string]bool{}
	for _, l := range loaded {
		if l.file != nil {
			have[l.file.Path] = true
		}
	}
	var named []string
	for _, l := range loaded {
		f := l.file
		if f == nil || f.Kind == project.KindPython {
			continue
		}
		m := f.Deploy()
		if m == nil {
			continue
		}
		dir := path.Dir(f.Path)
		for _, b := range m.Builds {
			if !path.IsAbs(b.Context) && !path.IsAbs(b.Dockerfile) && !strings.Contains(b.Context, "://") {
				named = append(named, path.Join(dir, b.Context, b.Dockerfile))
			}
		}
		for _, r := range m.Dockerfiles {
			if r.Dir == "" && !path.IsAbs(r.Path) && !strings.Contains(r.Path, "$") {
				named = append(named, path.Join(dir, r.Path))
			}
		}
	}
	var out []loadedFile
	for _, rel := range named {
		if rel == ".." || strings.HasPrefix(rel, "../") || have[rel] || project.Classify(rel) != project.KindOther {
			continue
		}
		have[rel] = true
		p := filepath.Join(root, filepath.FromSlash(rel))
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		f, pr := readFile(root, p)
		if f != nil {
			f.Kind = project.KindDockerfile
		}
		out = append(out, loadedFile{file: f, problem: pr})
	}
	return out
}

// choosePython marks the Python files to parse: the prefilter's relevant
// files, files that a deploy file may name (gunicorn -c, python -m, python
// x.py), and, to a fixed point, files that mention a relevant app module or
// one of its metrics by name. The rest get an empty summary; their paths are
// returned.
func choosePython(ctx context.Context, loaded []loadedFile, workers int) map[string]bool {
	var others [][]byte // non-Python files: deploy files may name modules
	for _, l := range loaded {
		if l.file != nil && l.file.Kind != project.KindPython {
			others = append(others, l.file.Src)
		}
	}
	var candidates []int // irrelevant by their bytes: a deploy file may name them
	var round []int      // app files parsed in this round, whose names spread
	for i := range loaded {
		f := loaded[i].file
		if f == nil || f.Kind != project.KindPython {
			continue
		}
		switch classifyPython(f.Path, f.Src) {
		case relevantApp:
			loaded[i].parse = true
			round = append(round, i)
		case relevantLocal:
			loaded[i].parse = true
		default:
			candidates = append(candidates, i)
		}
	}
	paths := make([]string, len(candidates))
	for k, i := range candidates {
		paths[k] = loaded[i].file.Path
	}
	var pending []int
	var srcs [][]byte
	for k, named := range deployMentions(others, paths) {
		if i := candidates[k]; named {
			loaded[i].parse = true
		} else {
			pending = append(pending, i)
			srcs = append(srcs, loaded[i].file.Src)
		}
	}
	// Spread relevance to importers. Each round needs the summaries of the
	// previous one (metric names), so parse as we go, a round at a time on
	// all cores.
	spread := newSpreader(srcs)
	for first := true; len(round) > 0 && spread.left > 0; first = false {
		if first {
			parseMarked(ctx, loaded, workers) // with the local and named files
		} else {
			parseEach(ctx, loaded, round, workers)
		}
		words := roundWords(loaded, round)
		round = round[:0]
		for _, k := range spread.take(words) {
			loaded[pending[k]].parse = true
			round = append(round, pending[k])
		}
	}
	unparsed := map[string]bool{}
	for k, i := range pending {
		if spread.taken[k] {
			continue
		}
		f := loaded[i].file
		f.Py = &python.Module{}
		unparsed[f.Path] = true
	}
	return unparsed
}

// roundWords are the names the files of a round spread (propagationWords);
// a file that failed to parse is gone and spreads nothing.
func roundWords(loaded []loadedFile, round []int) []string {
	var words []string
	for _, i := range round {
		if f := loaded[i].file; f != nil {
			words = append(words, propagationWords(f)...)
		}
	}
	return words
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
func LoadFiles(ctx context.Context, root string, paths []string) ([]*project.File, []project.Problem) {
	loaded := readFiles(ctx, root, paths, 0)
	for i := range loaded {
		if loaded[i].file != nil && loaded[i].file.Kind == project.KindPython {
			loaded[i].parse = true
		}
	}
	parseMarked(ctx, loaded, 0)
	return collect(loaded)
}

// loadedFile is one path's outcome: a file (parse marks a Python file still
// to be parsed) or a problem.
type loadedFile struct {
	file    *project.File
	problem *project.Problem
	parse   bool
}

func readFiles(ctx context.Context, root string, paths []string, workers int) []loadedFile {
	out := make([]loadedFile, len(paths))
	project.ParallelOn(workers, len(paths), func(i int) {
		out[i].file, out[i].problem = readFile(root, paths[i])
	})
	return out
}

// parseMarked parses the marked files on workers goroutines (0:
// GOMAXPROCS) and clears the marks; a file that fails to parse becomes a
// problem.
func parseMarked(ctx context.Context, loaded []loadedFile, workers int) {
	var idx []int
	for i := range loaded {
		if loaded[i].parse {
			idx = append(idx, i)
		}
	}
	parseEach(ctx, loaded, idx, workers)
}

// parseEach is parseMarked for the files at idx, whose marks it clears:
// a round of choosePython parses only the files it made relevant, without
// going over all the loaded files.
func parseEach(ctx context.Context, loaded []loadedFile, idx []int, workers int) {
	todo := idx[:0:0]
	for _, i := range idx {
		if loaded[i].parse && loaded[i].file != nil && loaded[i].file.Py == nil {
			todo = append(todo, i)
		}
		loaded[i].parse = false
	}
	idx = todo
	project.ParallelOn(workers, len(idx), func(k int) {
		l := &loaded[idx[k]]
		if err := l.file.ParseIndexed(ctx); err != nil {
			l.problem = &project.Problem{Path: l.file.Path, Message: err.Error()}
			l.file = nil
		}
	})
}

func collect(loaded []loadedFile) ([]*project.File, []project.Problem) {
	var files []*project.File
	var problems []project.Problem
	for _, r := range loaded {
		if r.problem != nil {
			problems = append(problems, *r.problem)
		}
		if r.file != nil {
			files = append(files, r.file)
		}
	}
	return files, problems
}

func readFile(root, p string) (*project.File, *project.Problem) {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return nil, &project.Problem{Path: p, Message: err.Error()}
	}
	rel = filepath.ToSlash(rel)
	info, err := os.Stat(p)
	if err != nil {
		return nil, &project.Problem{Path: rel, Message: fmt.Sprintf("cannot read: %v", unwrapPathErr(err))}
	}
	if !info.Mode().IsRegular() {
		// A FIFO, socket or device named like a project file: never opened
		// (reading a FIFO blocks until someone writes to it).
		return nil, &project.Problem{Path: rel, Message: fmt.Sprintf("skipped: not a regular file (%s)", info.Mode().Type())}
	}
	if info.Size() > MaxFileSize {
		return nil, &project.Problem{Path: rel, Message: fmt.Sprintf("skipped: %d bytes is larger than the %d MiB limit", info.Size(), MaxFileSize>>20)}
	}
	src, err := readAtMost(p, MaxFileSize, info.Size())
	if err != nil {
		return nil, &project.Problem{Path: rel, Message: fmt.Sprintf("cannot read: %v", unwrapPathErr(err))}
	}
	if len(src) > MaxFileSize {
		return nil, &project.Problem{Path: rel, Message: fmt.Sprintf("skipped: larger than the %d MiB limit", MaxFileSize>>20)}
	}
	f := &project.File{Path: rel, Kind: project.Classify(rel), Src: src}
	if f.Kind == project.KindPython {
		if bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0 || !utf8.Valid(src) {
			return nil, &project.Problem{Path: rel, Message: "skipped: not UTF-8 text"}
		}
	}
	return f, nil
}
