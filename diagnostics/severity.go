package diagnostics

import (
	"fmt"
	"strings"

	"github.com/multiprom/multiprom/internal/config"
)

// Severity is a diagnostic's level. The numeric values match the LSP's
// DiagnosticSeverity so the server can pass them through unchanged.
type Severity int

const (
	Error   Severity = 1
	Warning Severity = 2
	Info    Severity = 3
	Hint    Severity = 4
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity accepts the names used in settings ("error", "warning",
// "info"/"information", "hint").
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "information":
		return Info, nil
	case "hint":
		return Hint, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or hint)", s)
}

// SeverityFor returns the severity the settings give a rule, or def.
func SeverityFor(s config.Settings, code string, def Severity) Severity {
	if v, ok := s.Severity[code]; ok {
		if sev, err := ParseSeverity(v); err == nil {
			return sev
		}
	}
	return def
}

// CheckSeverity reports whether name is a severity (for Settings.Validate).
func CheckSeverity(name string) error {
	_, err := ParseSeverity(name)
	return err
}
