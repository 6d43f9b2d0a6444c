package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// The workspace/executeCommand commands.
const (
	// CommandFixAll applies every preferred fix of the service of the
	// document given as its argument (a URI, or {uri}).
	CommandFixAll = "multiprom.fixAll"
	// CommandApplyFix applies one fix of one finding: its argument is
	// {uri, version, code, range?, title?}; the finding is the document's
	// finding with that code (overlapping range when given) at that
	// version, the fix the one with that title, else the preferred one.
	CommandApplyFix = "multiprom.applyFix"
	// CommandDebugInformation answers with a text report: the version,
	// the settings in effect, the services found and the files each read
	// (of the workspace of the document given as argument, else all).
	CommandDebugInformation = "multiprom.printDebugInformation"
)

// commands are the commands announced in initialize.
var commands = []string{CommandFixAll, CommandApplyFix, CommandDebugInformation}

// commandArgs is the first argument of a command, as a URI string or an
// object.
type commandArgs struct {
	URI     protocol.DocumentURI `json:"uri"`
	Version *int32               `json:"version"`
	Code    string               `json:"code"`
	Range   *protocol.Range      `json:"range"`
	Title   string               `json:"title"`
}

func firstArg(raw []json.RawMessage) commandArgs {
	var a commandArgs
	if len(raw) == 0 {
		return a
	}
	var u string
	if json.Unmarshal(raw[0], &u) == nil {
		a.URI = protocol.DocumentURI(u)
		return a
	}
	_ = json.Unmarshal(raw[0], &a)
	return a
}

// executeCommand runs one of commands. An edit is computed under the lock
// and sent with workspace/applyEdit after releasing it, since applying it
// makes the client send didChange, which needs the lock.
func (s *Server) executeCommand(ctx context.Context, raw json.RawMessage) (any, error) {
	var p struct {
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	}
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	args := firstArg(p.Arguments)
	var edit *workspaceEdit
	var label string
	switch p.Command {
	case CommandDebugInformation:
		s.mu.Lock()
		text := s.debugInformation(ctx, args.URI)
		s.mu.Unlock()
		s.logMessage(protocol.MessageTypeInfo, text)
		return text, nil
	case CommandFixAll, CommandApplyFix:
		s.mu.Lock()
		d := s.docs[args.URI]
		if d == nil {
			s.mu.Unlock()
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, p.Command+" needs the URI of an open document as its argument")
		}
		if !s.client.applyEdit {
			s.mu.Unlock()
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the client does not support workspace/applyEdit")
		}
		var err error
		if p.Command == CommandFixAll {
			label = "multiprom: fix all"
			edit, err = s.fixAllEdit(ctx, d, false)
			if err != nil {
				err = nil // nothing to fix is not an error for a command
			}
		} else {
			label, edit, err = s.applyFixEdit(ctx, d, args)
		}
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
	default:
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("unknown command %q", p.Command))
	}
	if edit == nil {
		return nil, nil
	}
	var res struct {
		Applied       bool   `json:"applied"`
		FailureReason string `json:"failureReason,omitempty"`
	}
	params := map[string]any{"label": label, "edit": edit}
	if _, err := s.conn.Call(ctx, "workspace/applyEdit", params, &res); err != nil {
		return nil, fmt.Errorf("workspace/applyEdit: %w", err)
	}
	if !res.Applied {
		s.logger.Info("client did not apply the edit", zap.String("command", p.Command), zap.String("reason", res.FailureReason))
	}
	return nil, nil
}

// applyFixEdit is the edit of multiprom.applyFix: one fix of one finding
// of d, computed for the version the client names. s.mu must be held.
func (s *Server) applyFixEdit(ctx context.Context, d *document, a commandArgs) (string, *workspaceEdit, error) {
	if a.Code == "" || a.Version == nil {
		return "", nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, CommandApplyFix+" needs {uri, version, code}")
	}
	if *a.Version != d.version {
		return "", nil, jsonrpc2.NewError(protocol.CodeContentModified, fmt.Sprintf("the document is at version %d, not %d", d.version, *a.Version))
	}
	s.ensureChecked(ctx, d)
	if editsOtherFiles(d) {
		d.checks = nil // see codeAction: fixes of other files need current spans
		s.checkWorkspace(ctx, d.ws, false)
	}
	idx := d.file.Lines()
	for _, f := range d.found {
		if f.Rule.Code != a.Code || a.Range != nil && !f.Span.Overlaps(s.toSpan(idx, *a.Range)) {
			continue
		}
		for i, fix := range f.Fixes {
			if a.Title != "" && fix.Title != a.Title || a.Title == "" && i > 0 {
				continue
			}
			b := s.newEditBuilder(d.ws, f.svc)
			if err := b.addFix(fix); err != nil {
				return "", nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, fmt.Sprintf("%s: %v", fix.Title, err))
			}
			return "multiprom: " + fix.Title, b.build(), nil
		}
	}
	return "", nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, fmt.Sprintf("no %s finding with that fix in the document", a.Code))
}
