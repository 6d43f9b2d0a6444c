package project

import "github.com/multiprom/multiprom/internal/deps"

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
	return fs.ClientMin != "" && deps.CompareVersions(fs.ClientMin, v) >= 0
}

// ClientOlderThan reports whether the project's prometheus_client is known
// to be older than v ("0.18"); unknown counts as new enough.
func (fs *Facts) ClientOlderThan(v string) bool {
	if fs.ClientMax == "" {
		return false
	}
	return deps.CompareVersions(fs.ClientMax, v) < 0
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
		if _, _, max := deps.VersionBounds(r.Spec); max != "" && deps.CompareVersions(max, "0.18.2") < 0 {
			return true
		}
	}
	return false
}
