package lsp

import (
	"context"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/multiprom/multiprom/codeactions"
	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	layout "github.com/multiprom/multiprom/internal/workspace"
)

// service is one service of a workspace folder (internal/workspace.Find):
// the files it is checked with and the project built from them, as
// `multiprom check` builds it. A service keeps its project until one of its
// files changes, so an edit in one service leaves the others as they are.
type service struct {
	dir string // slash, relative to the workspace root; "" is the root
	// paths maps the workspace path (slash, relative to the root) of each
	// file of the service to its path in the service: its own files, and
	// the shared ones outside it as ../ paths.
	paths map[string]string
	// from and files map a workspace path to the workspace File (disk copy
	// or open document) the service's File was made from, and to that
	// File. It is made again only when its source changes, so unchanged
	// files stay the same values from one project to the next (what
	// NewProjectFrom takes over depends on it).
	from  map[string]*project.File
	files map[string]*project.File

	project  *project.Project // nil when a file or the settings changed
	previous *project.Project // the last one built: the next one follows it
	// generation counts the changes to the service's files that other
	// files can see: a document's per-file findings can depend on other
	// files of its service, so a document checked at an older generation
	// is checked again. Changes in other services do not count.
	generation int

	// What the project rules found and the problems of the deploy files
	// that do not parse, for checked (the project they were computed
	// for), by path in the service.
	checked  *project.Project
	findings map[string][]*diagnostics.Diagnostic
	// alsoOn holds, by path in the service, the project findings shown on
	// that file besides their own (Diagnostic.AlsoOn): a Procfile's finding
	// on the app's Flask(...) call.
	alsoOn   map[string][]alsoFound
	problems map[string][]project.Problem
	logged   map[project.Problem]bool // problems already logged

	// perFile holds the per-file findings of every Python file of
	// perFileOf (the checked project they were computed for), for pull
	// clients that ask for the whole workspace's (closedPerFile).
	perFile   map[string][]*diagnostics.Diagnostic
	perFileOf *project.Project

	// fixAll holds fix-all's results for fixAllOf (the project they were
	// computed from), by scope: "" the whole service, else the path of
	// the one file a confined fix-all edits.
	fixAllOf *project.Project
	fixAll   map[string]*codeactions.Result
}

// root is the service's folder, absolute (or "" for documents that are
// not files).
func (svc *service) root(ws *workspace) string {
	if ws.root == "" {
		return ""
	}
	return filepath.Join(ws.root, filepath.FromSlash(svc.dir))
}

// own reports whether a workspace path is one of the service's own files
// (not a shared file outside it).
func (svc *service) own(rel string) bool {
	p, ok := svc.paths[rel]
	return ok && !isShared(p)
}

func isShared(p string) bool { return len(p) >= 3 && p[:3] == "../" }

// take makes found the service's files, reusing the File of every path
// whose source did not change. It reports whether anything changed.
func (svc *service) take(found *layout.Service, src map[string]*project.File) bool {
	if svc.sameSet(found) {
		// The usual case, a keystroke: the maps are updated in place.
		changed := false
		for _, f := range found.Files {
			rel := svc.relOf(found.Dir, f.Path)
			if orig := src[rel]; svc.from[rel] != orig || orig == nil {
				svc.from[rel], svc.files[rel] = orig, f
				changed = true
			}
		}
		return changed
	}
	paths := make(map[string]string, len(found.Files))
	from := make(map[string]*project.File, len(found.Files))
	files := make(map[string]*project.File, len(found.Files))
	for _, f := range found.Files {
		rel := svc.relOf(found.Dir, f.Path)
		orig := src[rel]
		if prev, ok := svc.files[rel]; ok && orig != nil && svc.from[rel] == orig && svc.paths[rel] == f.Path {
			f = prev
		}
		paths[rel], from[rel], files[rel] = f.Path, orig, f
	}
	svc.paths, svc.from, svc.files = paths, from, files
	return true
}

// sameSet reports whether found has the files the service has, at the
// same paths.
func (svc *service) sameSet(found *layout.Service) bool {
	if len(found.Files) != len(svc.paths) {
		return false
	}
	for _, f := range found.Files {
		if svc.paths[svc.relOf(found.Dir, f.Path)] != f.Path {
			return false
		}
	}
	return true
}

// relOf is the workspace path of a path in the service.
func (svc *service) relOf(dir, p string) string {
	if dir == "" {
		return p // Find gives the root service the workspace's own paths
	}
	return layout.Join(dir, p)
}

// fileList is the service's files, for a new project.
func (svc *service) fileList() []*project.File {
	out := make([]*project.File, 0, len(svc.files))
	for _, f := range svc.files {
		out = append(out, f)
	}
	return out
}

// refresh brings the split of ws into services, and their projects, up to
// date with the disk and the open documents. The split is made again when
// anything changed (it is cheap next to a project), but a service whose
// files are all the same values keeps its project. s.mu must be held.
func (s *Server) refresh(ctx context.Context, ws *workspace) {
	if ws.dirty || ws.services == nil {
		s.split(ctx, ws)
	}
	for _, svc := range ws.services {
		if svc.project == nil {
			svc.project = project.NewProjectFrom(parseCtx(ctx), svc.previous, svc.root(ws), svc.fileList(), s.editor)
			svc.previous = svc.project
		}
	}
}

// split finds the services of ws's current files. s.mu must be held.
func (s *Server) split(ctx context.Context, ws *workspace) {
	docs := s.openDocs(ws)
	src := make(map[string]*project.File, len(ws.disk)+len(docs))
	files := make([]*project.File, 0, len(ws.disk)+len(docs))
	for _, d := range docs {
		if err := d.summarize(ctx); err != nil {
			s.logger.Warn("parse failed", zap.String("path", d.rel), zap.Error(err))
		}
		if !d.fileCurrent() {
			d.file = d.asFile()
		}
		src[d.rel] = d.file
		files = append(files, d.file)
	}
	s.limitTrees()
	if !ws.relayout && ws.services != nil && replaceEdited(ws, docs, src) {
		ws.dirty, ws.seen = false, false
		return
	}
	for rel, f := range ws.disk {
		if _, open := src[rel]; !open {
			src[rel] = f
			files = append(files, f)
		}
	}
	old := make(map[string]*service, len(ws.services))
	for _, svc := range ws.services {
		old[svc.dir] = svc
	}
	next := make([]*service, 0, len(ws.services))
	for _, found := range layout.Find(files) {
		svc := old[found.Dir]
		if svc == nil {
			svc = &service{dir: found.Dir}
		}
		delete(old, found.Dir)
		if svc.take(found, src) {
			svc.project = nil
			if ws.seen {
				svc.generation++
			}
		}
		next = append(next, svc)
	}
	for _, gone := range old {
		for _, d := range docs {
			delete(d.checks, gone)
		}
	}
	if len(old) > 0 || len(next) != len(ws.services) {
		s.logger.Info("workspace services", zap.String("root", ws.root), zap.Int("services", len(next)))
	}
	ws.services = next
	ws.dirty, ws.seen, ws.relayout = false, false, false
}

// replaceEdited is split when only open Python documents were edited
// (src holds their Files): the services keep their files, and a document
// whose File changed gets a new one in each service that has it. It
// reports false, having changed nothing, when the borders moved after all.
func replaceEdited(ws *workspace, docs []*document, src map[string]*project.File) bool {
	type change struct {
		svc *service
		rel string
		f   *project.File
	}
	var changes []change
	for _, svc := range ws.services {
		for _, d := range docs {
			sp, ok := svc.paths[d.rel]
			if !ok || svc.from[d.rel] == src[d.rel] {
				continue
			}
			f := layout.Rebase(src[d.rel], svc.dir)
			if f.Path != sp {
				return false
			}
			changes = append(changes, change{svc, d.rel, f})
		}
	}
	bumped := map[*service]bool{}
	for _, c := range changes {
		c.svc.from[c.rel], c.svc.files[c.rel] = src[c.rel], c.f
		c.svc.project = nil
		if ws.seen && !bumped[c.svc] {
			bumped[c.svc] = true
			c.svc.generation++
		}
	}
	return true
}

// invalidate drops the projects of every service (the settings changed).
func (ws *workspace) invalidate() {
	for _, svc := range ws.services {
		svc.project = nil
	}
}

// primary is the service a document is checked as for fix-all and the
// set-up actions: the one that owns it, else the first that shares it.
func (ws *workspace) primary(rel string) *service {
	var shared *service
	for _, svc := range ws.services {
		if svc.own(rel) {
			return svc
		}
		if _, ok := svc.paths[rel]; ok && shared == nil {
			shared = svc
		}
	}
	return shared
}
