package project

import "github.com/multiprom/multiprom/internal/deps"

// This file is what multiprom knows about the project's prometheus_client
// version: which Gauge multiprocess_mode values it accepts (the table:
// internal/deps/gauge_modes.go) and what its pins allow (spec bounds and
// comparison: internal/deps/versions.go). It sits below rules, code
// actions and snippets, so all of them can ask it without an upward import.

// ModeSupported reports whether mode is valid and the project's client is
// not known to predate it. An unknown client counts as new enough (as in
// ClientOlderThan): a finding needs evidence that the mode would raise.
func (fs *Facts) ModeSupported(mode string) bool {
	since, ok := deps.ModeSince(mode)
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
// upper-case name from 0.10.0 on, and the exporters that test the variable
// themselves from the versions in deps.UpperCaseEnvVarSince.
// Renaming the variable in such a project would switch multiprocess mode
// off (or make the exporter raise).
func (fs *Facts) LegacyEnvVarOnly() bool {
	if fs.ClientOlderThan("0.10.0") {
		return true
	}
	for dist, since := range deps.UpperCaseEnvVarSince {
		if r := fs.Requirements[dist]; r != nil {
			if _, _, max := deps.VersionBounds(r.Spec); max != "" && deps.CompareVersions(max, since) < 0 {
				return true
			}
		}
	}
	return false
}
