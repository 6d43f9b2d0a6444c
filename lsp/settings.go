package lsp

import (
	"bytes"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/config"
)

// decodeSettings reads our settings from initializationOptions or a
// didChangeConfiguration payload. Accepted shapes, outermost first:
// {settings: {multiprom: {...}}}, {settings: {...}}, {multiprom: {...}}, {...}.
func decodeSettings(raw json.RawMessage) (config.Settings, bool) {
	raw = json.RawMessage(bytes.TrimSpace(raw))
	if len(raw) == 0 || string(raw) == "null" {
		return config.Settings{}, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return config.Settings{}, false
	}
	if inner, ok := obj["settings"]; ok {
		if json.Unmarshal(inner, &obj) != nil {
			return config.Settings{}, false
		}
	}
	if inner, ok := obj["multiprom"]; ok {
		if json.Unmarshal(inner, &obj) != nil {
			return config.Settings{}, false
		}
	}
	data, _ := json.Marshal(obj)
	var set config.Settings
	if err := json.Unmarshal(data, &set); err != nil {
		return config.Settings{}, false
	}
	return set, true
}

// validateSettings tells the user about settings that cannot be honoured.
// s.mu must be held.
func (s *Server) validateSettings() {
	known := func(code string) bool {
		for _, r := range s.rules {
			if strings.EqualFold(r.Code, code) {
				return true
			}
		}
		return false
	}
	if err := s.editor.Validate(known, diagnostics.CheckSeverity); err != nil {
		s.logger.Warn("editor settings", zap.Error(err))
		s.notify("window/showMessage", &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: "multiprom: " + err.Error()})
	}
}

// onSave reports whether findings are published only on open and save.
func (s *Server) onSave() bool { return s.editor.Run == "onSave" }
