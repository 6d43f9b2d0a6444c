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

// CommandFixAll is the workspace/executeCommand that applies every preferred
// fix of the workspace of the document given as its argument.
const CommandFixAll = "multiprom.fixAll"

// resolveData is carried by a fix-all action until codeAction/resolve.
type resolveData struct {
	URI     protocol.DocumentURI `json:"uri"`
	Version int32                `json:"version"`
}

// fixAllEdit runs fix-all over the document's project (to a fixed point,
// on copies) and turns the result into one workspace edit: minimal edits of
// changed files and the created files. s.mu must be held.
func (s *Server) fixAllEdit(ctx context.Context, d *document) (*workspaceEdit, error) {
	s.ensureChecked(ctx, d)
	svc := d.ws.primary(d.rel)
	if svc == nil {
		return nil, errors.New("fix all: the document is in no service of its workspace")
	}
	res, err := codeactions.FixAll(parseCtx(ctx), svc.project, s.rules)
	if err != nil {
		return nil, fmt.Errorf("fix all: %w", err)
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
	edit, err := s.fixAllEdit(ctx, d)
	if err != nil {
		return nil, jsonrpc2.NewError(protocol.CodeContentModified, err.Error())
	}
	a.Edit = edit
	return a, nil
}

// executeCommand runs multiprom.fixAll: the edit is computed under the lock
// and sent with workspace/applyEdit after releasing it, since applying it
// makes the client send didChange, which needs the lock.
func (s *Server) executeCommand(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.ExecuteCommandParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	if p.Command != CommandFixAll {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("unknown command %q", p.Command))
	}
	var target protocol.DocumentURI
	for _, arg := range p.Arguments {
		switch v := arg.(type) {
		case string:
			target = protocol.DocumentURI(v)
		case map[string]any:
			if u, ok := v["uri"].(string); ok {
				target = protocol.DocumentURI(u)
			}
		}
	}
	s.mu.Lock()
	d := s.docs[target]
	if d == nil {
		s.mu.Unlock()
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "multiprom.fixAll needs the URI of an open document as its argument")
	}
	if !s.client.applyEdit {
		s.mu.Unlock()
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the client does not support workspace/applyEdit")
	}
	edit, err := s.fixAllEdit(ctx, d)
	s.mu.Unlock()
	if err != nil {
		return nil, nil // nothing to fix is not an error for a command
	}
	var res struct {
		Applied       bool   `json:"applied"`
		FailureReason string `json:"failureReason,omitempty"`
	}
	params := map[string]any{"label": "multiprom: fix all", "edit": edit}
	if _, err := s.conn.Call(ctx, "workspace/applyEdit", params, &res); err != nil {
		return nil, fmt.Errorf("workspace/applyEdit: %w", err)
	}
	if !res.Applied {
		s.logger.Info("client did not apply fix-all", zap.String("reason", res.FailureReason))
	}
	return nil, nil
}
