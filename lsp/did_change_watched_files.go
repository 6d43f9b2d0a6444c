package lsp

import (
	"context"
	"encoding/json"
	"path/filepath"

	"go.lsp.dev/protocol"
)

// didChangeWatchedFiles refreshes files changed on disk (by git, a
// formatter, another editor). Open documents keep their buffers.
func (s *Server) didChangeWatchedFiles(ctx context.Context, raw json.RawMessage) (any, error) {
	var p protocol.DidChangeWatchedFilesParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	touched := map[*workspace]bool{}
	for _, ev := range p.Changes {
		if ev == nil {
			continue
		}
		path := uriPath(ev.URI)
		if path == "" {
			continue
		}
		for _, ws := range s.folders {
			if !within(ws.root, path) {
				continue
			}
			if !ws.scanned {
				break // the scan will read it
			}
			rel, _ := filepath.Rel(ws.root, path)
			s.reloadFromDisk(ctx, ws, filepath.ToSlash(rel))
			touched[ws] = true
			break
		}
	}
	// Closed files have findings too (a Procfile's, a compose file's):
	// the workspace is checked whether documents are open or not.
	for ws := range touched {
		ws.pullStale = true
		s.debounce.schedule(ws, false)
	}
	return nil, nil
}
