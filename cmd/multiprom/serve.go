package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/multiprom/multiprom/lsp"
)

const serveUsage = `usage: multiprom serve [--stdio] [--log-file FILE] [--log-level LEVEL]

Runs the language server over standard input and output (editors start it;
see editors/). Logs go to standard error or --log-file.

flags:
`

// runServe starts the language server on stdin/stdout. Logs go to stderr or
// --log-file: stdout carries only JSON-RPC frames.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := newFlags("serve")
	fl.Bool("stdio", true, "communicate over stdin/stdout (the default; accepted because editors pass it)")
	logFile := fl.String("log-file", "", "write logs to this file instead of stderr")
	logLevel := fl.String("log-level", "info", "log level: debug, info, warn, error")
	debounce := fl.Duration("debounce", 0, "delay before checking after an edit (0: the default 50ms; negative: none)")
	rest, code, done := parseFlags(fl, serveUsage, args, stdout, stderr)
	if done {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "multiprom serve: no arguments expected\n\n%s", serveUsage)
		return 2
	}
	level, err := zapcore.ParseLevel(*logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "multiprom serve: %v\n", err)
		return 2
	}
	var sink zapcore.WriteSyncer = zapcore.AddSync(stderr)
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "multiprom serve: %v\n", err)
			return 2
		}
		defer f.Close()
		sink = zapcore.AddSync(f)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	logger := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), sink, level))
	defer func() { _ = logger.Sync() }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := lsp.Serve(ctx, stdin, stdout, logger, lsp.Options{Version: version, Debounce: *debounce}); err != nil {
		logger.Info("server stopped", zap.Error(err))
		return 1
	}
	return 0
}
