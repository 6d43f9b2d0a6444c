package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// initialized starts the work that needs the client to be ready: checking
// the workspace folders (their project-level findings are published for
// closed files too) and asking to be told about changed files.
func (s *Server) initialized(ctx context.Context, _ json.RawMessage) (any, error) {
	s.mu.Lock()
	watch := s.client.watchFiles
	// Scan and check now, while the client is still opening its first
	// document: the first publish then waits only for what is left.
	for _, ws := range s.folders {
		s.debounce.schedule(ws, true)
	}
	s.mu.Unlock()
	if watch && s.track() {
		// A request to the client: its answer comes through the read loop,
		// so it must not be awaited on the read goroutine.
		go func() {
			defer s.wg.Done()
			s.registerWatchers()
		}()
	}
	return nil, nil
}

// watchedGlobs are the files whose changes can change findings.
var watchedGlobs = []string{
	"**/*.py", "**/*.wsgi", "**/requirements*.txt", "**/requirements/*.txt", "**/pyproject.toml", "**/Pipfile", "**/setup.cfg", "**/Procfile",
	"**/Dockerfile*", "**/Containerfile*", "**/*.{dockerfile,Dockerfile,containerfile,Containerfile}", "**/*compose*.yml", "**/*compose*.yaml",
	"**/*.service", "**/*.sh", "**/*entrypoint*", "**/.env", "**/*.env", "**/.env.*",
	"**/*.ini", "**/*uwsgi*.yml", "**/*uwsgi*.yaml", // uWSGI configurations (and supervisord's .ini)
}

func (s *Server) registerWatchers() {
	type watcher struct {
		GlobPattern string `json:"globPattern"`
	}
	var ws []watcher
	for _, g := range watchedGlobs {
		ws = append(ws, watcher{g})
	}
	params := map[string]any{"registrations": []map[string]any{{
		"id":              "multiprom-watch",
		"method":          "workspace/didChangeWatchedFiles",
		"registerOptions": map[string]any{"watchers": ws},
	}}}
	if _, err := s.conn.Call(s.ctx, "client/registerCapability", params, nil); err != nil {
		s.logger.Info("client did not register file watchers", zap.Error(err))
	}
}

// shutdown stops background checks; after it only exit is accepted.
func (s *Server) shutdown(ctx context.Context, _ json.RawMessage) (any, error) {
	s.setState(stateShutdown)
	s.debounce.stop()
	s.logger.Info("shutdown")
	return nil, nil
}

// didChangeWorkspaceFolders adds and removes roots. Documents keep their
// workspace until they are reopened.
func (s *Server) didChangeWorkspaceFolders(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidChangeWorkspaceFoldersParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range p.Event.Removed {
		root := uriPath(protocol.DocumentURI(f.URI))
		kept := s.folders[:0]
		for _, ws := range s.folders {
			if ws.root != root {
				kept = append(kept, ws)
			} else {
				s.unpublish(ws)
			}
		}
		s.folders = kept
	}
	for _, f := range p.Event.Added {
		if root := uriPath(protocol.DocumentURI(f.URI)); root != "" {
			s.addFolder(root)
		}
	}
	for _, ws := range s.folders {
		if !ws.scanned {
			s.debounce.schedule(ws, true)
		}
	}
	return nil, nil
}
