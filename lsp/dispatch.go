package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// method is one entry of the dispatch table.
type method struct {
	fn func(s *Server, ctx context.Context, params json.RawMessage) (any, error)
	// async requests run on their own goroutine so that reading (and
	// $/cancelRequest) goes on; everything else runs in order on the read
	// goroutine, so a request always sees every notification sent before it.
	async bool
}

// methods is the dispatch table; it is never modified after init.
var methods = map[string]method{
	"initialize":                          {fn: (*Server).initialize},
	"initialized":                         {fn: (*Server).initialized},
	"shutdown":                            {fn: (*Server).shutdown},
	"textDocument/didOpen":                {fn: (*Server).didOpen},
	"textDocument/didChange":              {fn: (*Server).didChange},
	"textDocument/didSave":                {fn: (*Server).didSave},
	"textDocument/didClose":               {fn: (*Server).didClose},
	"workspace/didChangeWatchedFiles":     {fn: (*Server).didChangeWatchedFiles},
	"workspace/didChangeConfiguration":    {fn: (*Server).didChangeConfiguration},
	"workspace/didChangeWorkspaceFolders": {fn: (*Server).didChangeWorkspaceFolders},
	"textDocument/codeAction":             {fn: (*Server).codeAction, async: true},
	"codeAction/resolve":                  {fn: (*Server).codeActionResolve, async: true},
	"textDocument/hover":                  {fn: (*Server).hover, async: true},
	"textDocument/diagnostic":             {fn: (*Server).documentDiagnostic, async: true},
	"workspace/diagnostic":                {fn: (*Server).workspaceDiagnostic, async: true},
	"workspace/executeCommand":            {fn: (*Server).executeCommand, async: true},
}

// handle is the connection's one handler: lifecycle gating, dispatch, panic
// recovery and cancellation. It never returns an error, because jsonrpc2
// v0.10.0 closes the connection when a handler does.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	name := req.Method()
	call, isCall := req.(*jsonrpc2.Call)
	respond := func(ctx context.Context, result any, err error) {
		if !isCall {
			if err != nil {
				s.logger.Warn("notification failed", zap.String("method", name), zap.Error(err))
			}
			return
		}
		if rerr := reply(ctx, result, err); rerr != nil {
			s.logger.Warn("reply failed", zap.String("method", name), zap.Error(rerr))
		}
	}

	switch name {
	case "exit":
		s.exitOnce.Do(func() { close(s.exited) })
		return nil
	case "$/cancelRequest":
		s.cancelRequest(req.Params())
		return nil
	}

	switch st := s.lifecycle(); {
	case st == stateNew && name != "initialize":
		if isCall {
			respond(ctx, nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "server not initialized: send initialize first"))
		}
		return nil
	case st == stateShutdown:
		if isCall {
			respond(ctx, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "server is shutting down: only exit is accepted"))
		}
		return nil
	case st != stateNew && name == "initialize":
		respond(ctx, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice"))
		return nil
	}

	m, ok := methods[name]
	if !ok {
		if isCall {
			respond(ctx, nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, fmt.Sprintf("method not found: %q", name)))
		} else if !strings.HasPrefix(name, "$/") {
			s.logger.Debug("ignoring unknown notification", zap.String("method", name))
		}
		return nil
	}

	if !m.async || !isCall {
		result, err := s.run(ctx, name, m, req.Params())
		respond(ctx, result, err)
		return nil
	}
	key := fmt.Sprintf("%q", call.ID())
	rctx, cancel := context.WithCancel(s.ctx)
	s.lifeMu.Lock()
	if s.stopping {
		s.lifeMu.Unlock()
		cancel()
		return nil
	}
	s.inflight[key] = cancel
	s.wg.Add(1)
	s.lifeMu.Unlock()
	go func() {
		defer s.wg.Done()
		result, err := s.run(rctx, name, m, req.Params())
		if rctx.Err() != nil && err == nil {
			result, err = nil, jsonrpc2.NewError(protocol.CodeRequestCancelled, "request cancelled")
		}
		s.lifeMu.Lock()
		delete(s.inflight, key)
		s.lifeMu.Unlock()
		cancel()
		respond(s.ctx, result, err)
	}()
	return nil
}

// run calls a handler, turning a panic into an InternalError reply (logged
// with its stack) and any plain error into a coded one.
func (s *Server) run(ctx context.Context, name string, m method, params json.RawMessage) (result any, err error) {
	defer func() {
		if e := recover(); e != nil {
			s.logger.Error("handler panicked", zap.String("method", name), zap.Any("panic", e), zap.ByteString("stack", debug.Stack()))
			result, err = nil, jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("internal error in %s: %v", name, e))
		}
	}()
	result, err = m.fn(s, ctx, params)
	if err != nil {
		var coded *jsonrpc2.Error
		switch {
		case errors.As(err, &coded):
		case errors.Is(err, context.Canceled):
			err = jsonrpc2.NewError(protocol.CodeRequestCancelled, "request cancelled")
		default:
			s.logger.Warn("handler failed", zap.String("method", name), zap.Error(err))
			err = jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
		}
	}
	return result, err
}

// cancelRequest cancels an in-flight request; unknown ids are ignored (the
// request may have finished already).
func (s *Server) cancelRequest(raw json.RawMessage) {
	var p cancelParams
	if err := json.Unmarshal(raw, &p); err != nil || len(p.ID) == 0 {
		return
	}
	var key string
	var n int64
	var str string
	switch {
	case json.Unmarshal(p.ID, &n) == nil:
		key = "#" + strconv.FormatInt(n, 10)
	case json.Unmarshal(p.ID, &str) == nil:
		key = strconv.Quote(str)
	default:
		return
	}
	s.lifeMu.Lock()
	cancel := s.inflight[key]
	s.lifeMu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// decode unmarshals params, answering InvalidParams when they do not fit.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "invalid params: "+err.Error())
	}
	return nil
}
