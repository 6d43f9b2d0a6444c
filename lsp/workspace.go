package lsp

import (
	"context"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/internal/project"
	layout "github.com/multiprom/multiprom/internal/workspace"
)

// workspace is one project root: the files read from disk, overridden by
// the open documents under it.
type workspace struct {
	root     string // absolute; "" for documents that are not files
	realRoot string // root with symlinks resolved, for containment checks
	// loose marks a workspace made for a document outside every folder: it
	// is never scanned (that could be a home directory), so the document is
	// checked on its own.
	loose    bool
	scanned  bool
	disk     map[string]*project.File // by slash path relative to root
	problems []project.Problem

	// services is the workspace split as `multiprom check` splits it
	// (internal/workspace.Find), each with its project; nil until the
	// first check.
	services []*service
	// dirty marks a change since the services were split; seen, that one
	// of those changes is visible to other files (see service.generation);
	// relayout, one that can move the services' borders (anything but an
	// edit of a Python document: Find reads deploy files and paths only).
	dirty, seen, relayout bool
	// published holds, by workspace path, what was last published for a
	// file that is not open (project-level findings and problems reach
	// closed files too): a fingerprint, so that an unchanged list is not
	// sent again and a file whose findings went is sent an empty one.
	published map[string]string
	closedKey string // what published was computed from (see publishClosed)
	// pullStale marks a change a pulling client cannot know of (a file
	// changed on disk, the settings, a document closed): after the next
	// check it is asked to pull again (refreshPull).
	pullStale bool
	// pulled holds the closed files' reports of the last workspace/diagnostic
	// and pulledKey what they were made from (see closedReports).
	pulled    []closedReport
	pulledKey string
}

// changed marks the workspace for a new split after a change; seen tells
// whether other files can see the change (see service.generation).
func (ws *workspace) changed(seen bool) {
	ws.edited(seen)
	ws.relayout = true
}

// edited is changed for an edit of an open Python document: the services
// keep their files, and the document's File is replaced in those that
// have it.
func (ws *workspace) edited(seen bool) {
	ws.dirty = true
	ws.seen = ws.seen || seen
}

func newWorkspace(root string, loose bool) *workspace {
	ws := &workspace{root: root, realRoot: root, loose: loose, disk: map[string]*project.File{}, published: map[string]string{}}
	if root != "" {
		if real, err := filepath.EvalSymlinks(root); err == nil {
			ws.realRoot = real
		}
	}
	return ws
}

// uriPath returns the local path of a file URI, or "" for other schemes.
func uriPath(u protocol.DocumentURI) string {
	parsed, err := url.Parse(string(u))
	if err != nil || parsed.Scheme != "file" {
		return ""
	}
	p := parsed.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // /C:/x on Windows
		p = p[1:]
	}
	return filepath.Clean(filepath.FromSlash(p))
}

// within reports whether p is root or below it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// addFolder registers a workspace root (idempotent).
func (s *Server) addFolder(root string) {
	root = filepath.Clean(root)
	for _, ws := range s.folders {
		if ws.root == root {
			return
		}
	}
	s.folders = append(s.folders, newWorkspace(root, false))
	// Longest root first, so a nested folder owns its files.
	sort.SliceStable(s.folders, func(i, j int) bool { return len(s.folders[i].root) > len(s.folders[j].root) })
}

// locate finds the workspace of a document and its path relative to it.
func (s *Server) locate(u protocol.DocumentURI) (*workspace, string) {
	p := uriPath(u)
	if p == "" {
		key := string(u)
		ws := s.loose[key]
		if ws == nil {
			ws = newWorkspace("", true)
			s.loose[key] = ws
		}
		name := path.Base(string(u))
		if !strings.HasSuffix(name, ".py") {
			name = "untitled.py"
		}
		return ws, name
	}
	for _, ws := range s.folders {
		if within(ws.root, p) {
			rel, _ := filepath.Rel(ws.root, p)
			return ws, filepath.ToSlash(rel)
		}
	}
	dir := filepath.Dir(p)
	if s.rootless {
		// No root from the client: the file's own project, found as
		// `multiprom check FILE` finds it, becomes a folder.
		if root, ok := layout.FindMarkedRoot(dir); ok && !tooWide(root) {
			s.logger.Info("no workspace root from the client: found one above the file", zap.String("root", root), zap.String("file", p))
			s.addFolder(root)
			return s.locate(u)
		}
	}
	ws := s.loose[dir]
	if ws == nil {
		ws = newWorkspace(dir, true)
		s.loose[dir] = ws
	}
	return ws, filepath.Base(p)
}

// tooWide reports whether a root found by walking up is one no one means
// to check as a whole: the file system's root or the home folder.
func tooWide(root string) bool {
	if filepath.Dir(root) == root {
		return true
	}
	home, err := os.UserHomeDir()
	return err == nil && filepath.Clean(home) == root
}

// ensureScanned reads the workspace from disk once.
func (s *Server) ensureScanned(ctx context.Context, ws *workspace) {
	if ws.scanned || ws.loose {
		return
	}
	ws.scanned = true
	res, err := layout.Scan(parseCtx(ctx), ws.root)
	if err != nil {
		s.logger.Warn("workspace scan failed", zap.String("root", ws.root), zap.Error(err))
		s.logMessage(protocol.MessageTypeWarning, "multiprom: cannot scan "+ws.root+": "+err.Error())
		return
	}
	for _, f := range res.Files {
		if s.docAt(ws, f.Path) == nil { // open documents are read from their buffer
			ws.disk[f.Path] = f
		}
	}
	ws.problems = res.Problems
	for _, p := range res.Problems {
		s.logger.Info("workspace file skipped", zap.String("path", p.Path), zap.String("why", p.Message))
	}
	s.logger.Info("workspace scanned", zap.String("root", ws.root), zap.Int("files", len(res.Files)))
}

// reloadFromDisk refreshes one file of a workspace (or forgets it when it
// is gone). Open documents keep their buffer and no disk copy.
func (s *Server) reloadFromDisk(ctx context.Context, ws *workspace, rel string) {
	if ws.loose || rel == "" || skipped(rel) {
		return
	}
	ws.changed(true)
	if project.Classify(rel) == project.KindOther {
		return
	}
	abs := filepath.Join(ws.root, filepath.FromSlash(rel))
	if _, err := os.Stat(abs); err != nil || s.docAt(ws, rel) != nil {
		// Gone, or open: an open document is read from its buffer, and
		// didClose reads the file again.
		delete(ws.disk, rel)
		return
	}
	files, problems := layout.LoadFiles(parseCtx(ctx), ws.root, []string{abs})
	delete(ws.disk, rel)
	for _, f := range files {
		ws.disk[f.Path] = f
	}
	for _, p := range problems {
		s.logger.Info("file skipped", zap.String("path", p.Path), zap.String("why", p.Message))
	}
}

// skipped reports whether a path lies in a directory the scanner skips.
func skipped(rel string) bool {
	parts := strings.Split(rel, "/")
	for _, part := range parts[:len(parts)-1] {
		if layout.SkipDir(part) {
			return true
		}
	}
	return false
}

// openDocs returns the open documents of a workspace, in path order.
func (s *Server) openDocs(ws *workspace) []*document {
	var out []*document
	for _, d := range s.docs {
		if d.ws == ws {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// fileURI is the URI for a workspace file: the client's own URI when the
// file is open (clients compare URIs as strings), else a file URI.
func (s *Server) fileURI(ws *workspace, rel string) protocol.DocumentURI {
	for _, d := range s.docs {
		if d.ws == ws && d.rel == rel {
			return d.uri
		}
	}
	return uri.File(filepath.Join(ws.root, filepath.FromSlash(rel)))
}

// docAt returns the open document of a workspace file, or nil.
func (s *Server) docAt(ws *workspace, rel string) *document {
	for _, d := range s.docs {
		if d.ws == ws && d.rel == rel {
			return d
		}
	}
	return nil
}
