package codeactions

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/renameio/v2"
)

// WriteReport says what a write did.
type WriteReport struct {
	Written []string         // slash paths written or created
	Skipped map[string]error // slash path -> why it was left alone
}

// Write stores fix-all's result under root. It is all-or-nothing for the
// files it accepts: every new content is first written to a temp file next
// to its target (mode preserved), and only when all of them succeeded are
// they renamed into place. A file whose bytes on disk differ from read
// (changed since it was read) is skipped and reported; so is any path that
// leaves root, directly or through a symlink, and any create whose target
// already exists.
func Write(root string, read map[string][]byte, res *Result) (*WriteReport, error) {
	rep := &WriteReport{Skipped: map[string]error{}}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("write fixes: %w", err)
	}
	type pending struct {
		rel  string
		file *renameio.PendingFile
	}
	var ready []pending
	cleanup := func() {
		for _, p := range ready {
			_ = p.file.Cleanup()
		}
	}
	paths := sortedKeys(res.Changed)
	for _, rel := range paths {
		target, err := ResolveInRoot(realRoot, rel)
		if errors.Is(err, ErrOutsideRoot) {
			rep.Skipped[rel] = err
			continue
		} else if err != nil {
			cleanup()
			return nil, fmt.Errorf("%w (nothing was changed)", err)
		}
		info, err := os.Lstat(target)
		if err != nil {
			rep.Skipped[rel] = fmt.Errorf("cannot stat: %w", err)
			continue
		}
		if !info.Mode().IsRegular() {
			rep.Skipped[rel] = errors.New("not a regular file")
			continue
		}
		now, err := os.ReadFile(target)
		if err != nil {
			rep.Skipped[rel] = fmt.Errorf("cannot re-read: %w", err)
			continue
		}
		if orig, ok := read[rel]; ok && !bytes.Equal(now, orig) {
			rep.Skipped[rel] = errors.New("changed on disk since it was read; not fixed")
			continue
		}
		pf, err := renameio.NewPendingFile(target, renameio.WithPermissions(info.Mode().Perm()), renameio.IgnoreUmask())
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("write %s: %w (nothing was changed)", rel, err)
		}
		ready = append(ready, pending{rel, pf})
		if _, err := pf.Write(res.Changed[rel]); err != nil {
			cleanup()
			return nil, fmt.Errorf("write %s: %w (nothing was changed)", rel, err)
		}
	}
	var creates []string
	for _, rel := range sortedKeys(res.Created) {
		target, err := ResolveInRoot(realRoot, rel)
		if errors.Is(err, ErrOutsideRoot) {
			rep.Skipped[rel] = err
			continue
		} else if err != nil {
			cleanup()
			return nil, fmt.Errorf("%w (nothing was changed)", err)
		}
		if _, err := os.Lstat(target); err == nil {
			rep.Skipped[rel] = errors.New("already exists; not overwritten")
			continue
		}
		creates = append(creates, rel)
	}
	// Create directories and temp files for new files before renaming anything.
	for _, rel := range creates {
		target := filepath.Join(realRoot, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			cleanup()
			return nil, fmt.Errorf("create %s: %w (nothing was changed)", rel, err)
		}
		pf, err := renameio.NewPendingFile(target, renameio.WithPermissions(0o644))
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("create %s: %w (nothing was changed)", rel, err)
		}
		ready = append(ready, pending{rel, pf})
		if _, err := pf.Write(res.Created[rel]); err != nil {
			cleanup()
			return nil, fmt.Errorf("create %s: %w (nothing was changed)", rel, err)
		}
	}
	for i, p := range ready {
		if err := p.file.CloseAtomicallyReplace(); err != nil {
			for _, rest := range ready[i+1:] {
				_ = rest.file.Cleanup()
			}
			return rep, fmt.Errorf("replace %s: %w (files before it were written: %s)", p.rel, err, strings.Join(rep.Written, ", "))
		}
		rep.Written = append(rep.Written, p.rel)
	}
	return rep, nil
}

// ErrOutsideRoot marks paths refused because they leave the workspace root.
var ErrOutsideRoot = errors.New("it leaves the workspace root")

// insideRoot resolves rel under realRoot and refuses anything that ends up
// outside it: "..", absolute paths, and symlinked directories pointing out.
func ResolveInRoot(realRoot, rel string) (string, error) {
	if err := CheckRelPath(rel); err != nil {
		return "", fmt.Errorf("refusing %s: %w", rel, ErrOutsideRoot)
	}
	target := filepath.Join(realRoot, filepath.FromSlash(rel))
	// Resolve the deepest existing ancestor (the file itself may not exist yet).
	dir := target
	for {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			if !within(realRoot, real) {
				return "", fmt.Errorf("refusing %s: it resolves outside the workspace root: %w", rel, ErrOutsideRoot)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("resolve %s: %w", rel, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return target, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
