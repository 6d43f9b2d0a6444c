package lsp

import (
	"bytes"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
)

// decodeSettings reads our settings from initializationOptions or a
// didChangeConfiguration payload. Accepted shapes, outermost first:
// {settings: {multiprom: {...}}}, {settings: {...}}, {multiprom: {...}}, {...}.
// Keys it does not know and values of the wrong type are returned as
// errors (config.ParseEditorSettings); the others still apply.
func decodeSettings(raw json.RawMessage) (config.Settings, []*config.Error, bool) {
	raw = json.RawMessage(bytes.TrimSpace(raw))
	if len(raw) == 0 || string(raw) == "null" {
		return config.Settings{}, nil, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return config.Settings{}, nil, false
	}
	for _, wrapper := range []string{"settings", "multiprom"} {
		inner, ok := obj[wrapper]
		if !ok {
			continue
		}
		if string(bytes.TrimSpace(inner)) == "null" {
			return config.Settings{}, nil, true
		}
		// A fresh map: decoding into obj would merge, keeping the wrapper's
		// own key as if it were a setting.
		var unwrapped map[string]json.RawMessage
		if json.Unmarshal(inner, &unwrapped) != nil {
			return config.Settings{}, []*config.Error{{Key: wrapper, Message: "settings: " + wrapper + " is not an object"}}, true
		}
		obj = unwrapped
	}
	data, _ := json.Marshal(obj)
	set, errs := config.ParseEditorSettings(data)
	return set, errs, true
}

// setEditorSettings takes the editor's settings and tells the user about
// those that cannot be read or honoured (window/showMessage and the log).
// s.mu must be held.
func (s *Server) setEditorSettings(set config.Settings, errs []*config.Error) {
	s.editor = set
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, e.Message)
	}
	known := func(code string) bool {
		for _, r := range s.rules {
			if strings.EqualFold(r.Code, code) {
				return true
			}
		}
		return false
	}
	for _, e := range s.editor.Problems(known, diagnostics.CheckSeverity) {
		msgs = append(msgs, e.Message)
	}
	if len(msgs) == 0 {
		return
	}
	msg := "editor settings: " + strings.Join(msgs, "; ")
	s.logger.Warn(msg)
	s.showMessage(protocol.MessageTypeWarning, "multiprom: "+msg)
}

// onSave reports whether findings are published only on open and save.
func (s *Server) onSave() bool { return s.editor.Run == "onSave" }
