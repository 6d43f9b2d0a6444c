package lsp

import (
	"context"
	"encoding/json"
)

// didChangeConfiguration replaces the editor settings and re-checks every
// open document (settings can enable, disable or re-grade any rule).
func (s *Server) didChangeConfiguration(ctx context.Context, raw json.RawMessage) (any, error) {
	set, errs, ok := decodeSettings(raw)
	if !ok {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setEditorSettings(set, errs)
	for _, ws := range s.allWorkspaces() {
		ws.invalidate()
		ws.pullStale = true
		if len(s.openDocs(ws)) > 0 || !ws.loose {
			s.debounce.schedule(ws, true)
		}
	}
	return nil, nil
}

// allWorkspaces lists the folders and the loose workspaces. s.mu must be held.
func (s *Server) allWorkspaces() []*workspace {
	out := append([]*workspace(nil), s.folders...)
	for _, ws := range s.loose {
		out = append(out, ws)
	}
	return out
}
