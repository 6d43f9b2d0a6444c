package project

import (
	"strconv"
	"strings"
)

// This file is the one home of what multiprom knows about prometheus_client
// versions: how a requirement spec bounds them, how two compare, and which
// Gauge multiprocess_mode values each accepts. It sits below rules, code
// actions and snippets, so all of them can ask it without an upward import.

// GaugeModes are the multiprocess_mode values prometheus_client accepts,
// with the first client release that accepts each ("" = every release in
// use). Gauge() raises ValueError at import for any other value, or for a
// mode newer than the installed client.
var GaugeModes = []struct{ Mode, Since string }{
	{"all", ""}, {"liveall", ""}, {"min", ""}, {"livemin", "0.15"}, {"max", ""}, {"livemax", "0.15"},
	{"sum", "0.15"}, {"livesum", ""}, {"mostrecent", "0.18"}, {"livemostrecent", "0.18"},
}

// ModeSince returns the client version a mode needs ("" = any) and whether
// the mode is valid at all.
func ModeSince(mode string) (since string, valid bool) {
	for _, m := range GaugeModes {
		if m.Mode == mode {
			return m.Since, true
		}
	}
	return "", false
}

// ModeSupported reports whether mode is valid and the project's client is
// not known to predate it. An unknown client counts as new enough (as in
// ClientOlderThan): a finding needs evidence that the mode would raise.
func (fs *Facts) ModeSupported(mode string) bool {
	since, ok := ModeSince(mode)
	if !ok {
		return false
	}
	return since == "" || !fs.ClientOlderThan(since)
}

// ClientAtLeast reports whether every prometheus_client version the
// requirement allows is at least v. Unknown is not "at least".
func (fs *Facts) ClientAtLeast(v string) bool {
	return fs.ClientMin != "" && CompareVersions(fs.ClientMin, v) >= 0
}

// ClientOlderThan reports whether the project's prometheus_client is known
// to be older than v ("0.18"); unknown counts as new enough.
func (fs *Facts) ClientOlderThan(v string) bool {
	if fs.ClientMax == "" {
		return false
	}
	return CompareVersions(fs.ClientMax, v) < 0
}

// CompareVersions compares dotted numeric versions ("0.16.0" < "0.18").
func CompareVersions(a, b string) int {
	// Component by component without splitting: rules ask for every
	// finding (which Gauge modes the client supports).
	for a != "" || b != "" {
		var pa, pb string
		pa, a, _ = strings.Cut(a, ".")
		pb, b, _ = strings.Cut(b, ".")
		x, _ := strconv.Atoi(leadingDigits(pa))
		y, _ := strconv.Atoi(leadingDigits(pb))
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// VersionBounds returns the pinned version (== or ~=) and the lowest and
// highest versions a requirement spec allows ("" = unknown or unbounded);
// a < bound becomes the highest version below it ("<0.18": "0.17.999999").
func VersionBounds(spec string) (pin, min, max string) {
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, "==="):
			pin = strings.TrimSpace(part[3:])
			min, max = pin, pin
		case strings.HasPrefix(part, "=="):
			v := strings.TrimSpace(part[2:])
			if !strings.Contains(v, "*") {
				pin, min, max = v, v, v
			} else {
				max = strings.TrimSuffix(strings.TrimSuffix(v, "*"), ".") + ".999999"
			}
		case strings.HasPrefix(part, "~="):
			v := strings.TrimSpace(part[2:])
			pin, min = v, v
			segs := strings.Split(v, ".")
			if len(segs) > 1 {
				max = strings.Join(segs[:len(segs)-1], ".") + ".999999"
			}
		case strings.HasPrefix(part, ">="):
			min = strings.TrimSpace(part[2:])
		case strings.HasPrefix(part, ">") && !strings.HasPrefix(part, ">="):
			min = strings.TrimSpace(part[1:]) + ".0.1"
		case strings.HasPrefix(part, "<="):
			max = strings.TrimSpace(part[2:])
		case strings.HasPrefix(part, "<") && !strings.HasPrefix(part, "<>"):
			max = lowerThan(strings.TrimSpace(part[1:]))
		}
	}
	return pin, min, max
}

// lowerThan returns a version that compares below v but above anything
// lower (for "<0.18": "0.17.999999").
func lowerThan(v string) string {
	segs := strings.Split(v, ".")
	for i := len(segs) - 1; i >= 0; i-- {
		n, err := strconv.Atoi(leadingDigits(segs[i]))
		if err == nil && n > 0 {
			segs[i] = strconv.Itoa(n - 1)
			return strings.Join(segs[:i+1], ".") + ".999999"
		}
	}
	return "0"
}

// LegacyEnvVarOnly reports whether the project's pins know only the
// lowercase prometheus_multiproc_dir: prometheus_client reads the
// upper-case name from 0.10.0 on, prometheus_flask_exporter's check of the
// variable accepts it from 0.18.2 on. Renaming the variable in such a
// project would switch multiprocess mode off (or make the exporter raise).
func (fs *Facts) LegacyEnvVarOnly() bool {
	if fs.ClientOlderThan("0.10.0") {
		return true
	}
	if r := fs.Requirements["prometheus-flask-exporter"]; r != nil {
		if _, _, max := VersionBounds(r.Spec); max != "" && CompareVersions(max, "0.18.2") < 0 {
			return true
		}
	}
	return false
}
