// Package lsp is multiprom's language server: the protocol layer over the
// diagnostics engine. Handlers are thin (one file per LSP method); the rules,
// the project model and fix application live in diagnostics/ and codeactions/.
package lsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
)

// Options configure a server.
type Options struct {
	// Version is reported in serverInfo.
	Version string
	// Rules is the rule table; nil means rules.All.
	Rules []*diagnostics.Rule
	// Debounce delays the check after a didChange so that a burst of
	// keystrokes is checked once; the latest version is always published.
	// Zero means DefaultDebounce; negative means no delay.
	Debounce time.Duration
}

// ErrExitWithoutShutdown is returned by Serve when the client sent exit
// before shutdown (the LSP asks for exit code 1 then).
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// Serve runs the language server over in/out until the client sends exit or
// the input ends. It returns nil after shutdown followed by exit (or end of
// input after shutdown), and an error on exit without shutdown or when the
// stream cannot go on. Nothing but JSON-RPC frames is written to out.
func Serve(ctx context.Context, in io.Reader, out io.Writer, logger *zap.Logger, opts Options) error {
	if logger == nil {
		logger = zap.NewNop()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newServer(ctx, logger, opts)
	st := newStream(in, out, logger)
	conn := jsonrpc2.NewConn(st)
	s.conn = conn
	s.inputIdle = st.idle
	conn.Go(ctx, s.handle)
	defer s.stop()

	select {
	case <-s.exited:
		// Exit arrived: leave at once. The read goroutine may stay blocked
		// on the input; the process is about to end.
		if s.shutdownReceived() {
			return nil
		}
		return ErrExitWithoutShutdown
	case <-conn.Done():
		err := conn.Err()
		if s.shutdownReceived() && (err == nil || errors.Is(err, io.EOF)) {
			return nil
		}
		if err == nil || errors.Is(err, io.EOF) {
			return errors.New("input ended without shutdown and exit")
		}
		return fmt.Errorf("jsonrpc stream: %w", err)
	case <-ctx.Done():
		_ = conn.Close()
		return fmt.Errorf("serve: %w", ctx.Err())
	}
}

func defaultRules(opts Options) []*diagnostics.Rule {
	if opts.Rules != nil {
		return opts.Rules
	}
	return rules.All
}
