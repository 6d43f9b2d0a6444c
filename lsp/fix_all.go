package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/codeactions"
)

// resolveData is carried by a fix-all action until codeAction/resolve.
type resolveData struct {
	URI     protocol.DocumentURI `json:"uri"`
	Version int32                `json:"version"`
	File    bool                 `json:"file,omitempty"` // fix-all confined to the document
}

// fixAllResult runs fix-all over the document's service (to a fixed point,
// on copies): every fix, or with file set only the fixes of the document's
// own findings that edit nothing else. Results are kept until the service's
// project changes, so offering the action (whose title counts the files)
// and resolving it run fix-all once. s.mu must be held.
func (s *Server) fixAllResult(ctx context.Context, d *document, file bool) (*service, *codeactions.Result, error) {
	s.ensureChecked(ctx, d)
	svc := d.ws.primary(d.rel)
	if svc == nil || svc.project == nil {
		return nil, nil, errors.New("fix all: the document is in no service of its workspace")
	}
	key, opt := "", codeactions.Options{}
	if file {
		key = svc.paths[d.rel]
		opt = codeactions.Options{Only: map[string]bool{key: true}, Confine: true}
	}
	if svc.fixAllOf != svc.project {
		svc.fixAllOf, svc.fixAll = svc.project, map[string]*codeactions.Result{}
	}
	if res := svc.fixAll[key]; res != nil {
		return svc, res, nil
	}
	res, err := codeactions.FixAllWith(parseCtx(ctx), svc.project, s.rules, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("fix all: %w", err)
	}
	svc.fixAll[key] = res
	return svc, res, nil
}

// fixAllFiles is how many files a fix-all result edits, counting those it
// creates when the client can create files. s.mu must be held.
func (s *Server) fixAllFiles(res *codeactions.Result) int {
	if !s.client.createFiles {
		return len(res.Changed)
	}
	return len(res.Changed) + len(res.Created)
}

// fixAllTitle says what the action edits: the one file, or how many.
func (s *Server) fixAllTitle(res *codeactions.Result, file bool) string {
	n := s.fixAllFiles(res)
	switch {
	case file:
		return "Fix all multiprom problems in this file"
	case n == 1:
		return "Fix all multiprom problems in the project (1 file)"
	}
	return fmt.Sprintf("Fix all multiprom problems in the project (%d files)", n)
}

// fixAllEdit turns fix-all's result into one workspace edit: minimal edits
// of changed files and the created files. s.mu must be held.
func (s *Server) fixAllEdit(ctx context.Context, d *document, file bool) (*workspaceEdit, error) {
	svc, res, err := s.fixAllResult(ctx, d, file)
	if err != nil {
		return nil, err
	}
	b := s.newEditBuilder(d.ws, svc)
	for _, rel := range sortedKeys(res.Changed) {
		if err := b.addContent(rel, res.Changed[rel]); err != nil {
			return nil, err
		}
	}
	for _, rel := range sortedKeys(res.Created) {
		err := b.addCreate(rel, string(res.Created[rel]))
		if errors.Is(err, errNoCreate) {
			// The rest of fix-all still stands on its own; the finding that
			// wanted the file stays and its quickfix says why.
			s.logger.Info("fix-all: file not created, client cannot create files", zap.String("path", rel))
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	if b.empty() {
		return nil, errors.New("fix all: nothing to change")
	}
	return b.build(), nil
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// codeActionResolve fills in the edit of a fix-all action.
func (s *Server) codeActionResolve(ctx context.Context, raw json.RawMessage) (any, error) {
	var a codeAction
	if err := decode(raw, &a); err != nil {
		return nil, err
	}
	var data resolveData
	if len(a.Data) == 0 || json.Unmarshal(a.Data, &data) != nil {
		return a, nil // nothing to resolve
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[data.URI]
	if d == nil {
		return nil, jsonrpc2.NewError(protocol.CodeContentModified, "document is no longer open")
	}
	edit, err := s.fixAllEdit(ctx, d, data.File)
	if err != nil {
		return nil, jsonrpc2.NewError(protocol.CodeContentModified, err.Error())
	}
	a.Edit = edit
	return a, nil
}
