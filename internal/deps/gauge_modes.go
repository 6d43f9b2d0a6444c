package deps

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
