package project

import "testing"

func TestModeSupported(t *testing.T) {
	tests := []struct {
		clientMax, mode string
		want            bool
	}{
		{"", "livemostrecent", true}, // unknown client: new enough
		{"", "livesum", true},
		{"", "bogus", false},
		{"0.14.1", "livemax", false},
		{"0.14.1", "livesum", true},
		{"0.15", "livemax", true},
		{"0.17.999999", "mostrecent", false},
		{"0.18.0", "mostrecent", true},
		{"0.19.0", "bogus", false},
	}
	for _, tt := range tests {
		fs := &Facts{ClientMax: tt.clientMax}
		if got := fs.ModeSupported(tt.mode); got != tt.want {
			t.Errorf("client <= %q, mode %q: ModeSupported = %v, want %v", tt.clientMax, tt.mode, got, tt.want)
		}
	}
}
