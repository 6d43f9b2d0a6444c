package lsp

import (
	"context"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/source"
)

// DefaultDebounce is how long a burst of didChange notifications may go on
// before the document is checked.
const DefaultDebounce = 50 * time.Millisecond

// lifecycle states.
const (
	stateNew = iota
	stateInitialized
	stateShutdown
)

// Server holds one client session. Handlers live in one file per method.
type Server struct {
	ctx    context.Context // the session's; cancelled when Serve returns
	cancel context.CancelFunc
	logger *zap.Logger
	opts   Options
	rules  []*diagnostics.Rule
	conn   jsonrpc2.Conn
	// inputIdle reports, on the read goroutine, that no message is waiting:
	// an edit then is checked at once instead of after the debounce delay.
	inputIdle func() bool

	// lifeMu guards the lifecycle state and the in-flight requests.
	lifeMu   sync.Mutex
	state    int
	stopping bool
	exited   chan struct{}
	exitOnce sync.Once
	inflight map[string]context.CancelFunc // by request id (%q form)
	wg       sync.WaitGroup                // request goroutines and checks

	// mu guards the client's capabilities, the settings, the workspaces and
	// the documents, and serialises checks (File values are shared between
	// projects and are not safe for concurrent use).
	// idleMu guards idleTimer (see releaseWhenIdle).
	idleMu      sync.Mutex
	idleTimer   *time.Timer
	idleStopped bool

	mu      sync.Mutex
	client  clientCaps
	editor  config.Settings // settings from the editor; they win over pyproject
	folders []*workspace    // longest root first
	// rootless is set when the client gave no root (no rootUri, rootPath
	// or workspaceFolders): a file's folder is then found by walking up.
	rootless bool
	loose    map[string]*workspace
	docs     map[protocol.DocumentURI]*document
	editSeq  int64
	// pullWorkspace is set by the client's first workspace/diagnostic:
	// from then on closed files are reported only when it asks.
	pullWorkspace bool
	debounce      *debouncer
}

// clientCaps is what the client told us in initialize, reduced to what the
// handlers look at.
type clientCaps struct {
	encoding        source.Encoding
	encodingName    PositionEncodingKind
	documentChanges bool
	createFiles     bool
	applyEdit       bool
	watchFiles      bool
	resolveEdit     bool
	markdown        bool
	literalActions  bool
	// relatedInformation: the client shows a diagnostic's related
	// locations (publishDiagnostics or pull), so a finding shown on the
	// file it affects can point at its cause.
	relatedInformation bool
	// pullDocs: the client pulls document diagnostics
	// (textDocument.diagnostic, 3.17): diagnosticProvider is announced and
	// open documents are never pushed. refreshPull: it accepts
	// workspace/diagnostic/refresh.
	pullDocs, refreshPull bool
}

func newServer(ctx context.Context, logger *zap.Logger, opts Options) *Server {
	ctx, cancel := context.WithCancel(ctx)
	s := &Server{
		ctx:       ctx,
		cancel:    cancel,
		logger:    logger,
		opts:      opts,
		rules:     defaultRules(opts),
		exited:    make(chan struct{}),
		inflight:  map[string]context.CancelFunc{},
		docs:      map[protocol.DocumentURI]*document{},
		loose:     map[string]*workspace{},
		client:    clientCaps{encoding: source.UTF16, encodingName: PositionEncodingUTF16},
		inputIdle: func() bool { return true },
	}
	delay := opts.Debounce
	if delay == 0 {
		delay = DefaultDebounce
	}
	s.debounce = newDebouncer(delay, s.runScheduled)
	return s
}

// stop ends background work: pending checks are dropped, running ones finish.
func (s *Server) stop() {
	s.debounce.stop()
	s.stopIdle()
	s.lifeMu.Lock()
	s.stopping = true
	s.lifeMu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		d.buf.DropTree()
	}
}

func (s *Server) shutdownReceived() bool {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	return s.state == stateShutdown
}

func (s *Server) lifecycle() int {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	return s.state
}

func (s *Server) setState(st int) {
	s.lifeMu.Lock()
	s.state = st
	s.lifeMu.Unlock()
}

// notify sends a notification to the client, logging a failure (a client
// that went away is not the server's error).
func (s *Server) notify(method string, params any) {
	if err := s.conn.Notify(s.ctx, method, params); err != nil {
		s.logger.Debug("notify failed", zap.String("method", method), zap.Error(err))
	}
}

// logMessage shows a message in the client's log (window/logMessage).
func (s *Server) logMessage(typ protocol.MessageType, msg string) {
	s.notify("window/logMessage", &protocol.LogMessageParams{Type: typ, Message: msg})
}

// showMessage shows a message to the user (window/showMessage) and puts it
// in the client's log too.
func (s *Server) showMessage(typ protocol.MessageType, msg string) {
	s.notify("window/showMessage", &protocol.ShowMessageParams{Type: typ, Message: msg})
	s.logMessage(typ, msg)
}
