package deps

import "testing"

func TestVersionBounds(t *testing.T) {
	tests := []struct{ spec, pin, min, max string }{
		{"==0.16.0", "0.16.0", "0.16.0", "0.16.0"},
		{">=0.19.0", "", "0.19.0", ""},
		{">=0.12,<0.18", "", "0.12", "0.17.999999"},
		{"~=0.16.0", "0.16.0", "0.16.0", "0.16.999999"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		pin, min, max := VersionBounds(tt.spec)
		if pin != tt.pin || min != tt.min || max != tt.max {
			t.Errorf("%q: got %q %q %q", tt.spec, pin, min, max)
		}
	}
	if CompareVersions("0.16.0", "0.18") >= 0 || CompareVersions("0.19.1", "0.18") <= 0 || CompareVersions("1.0", "1.0.0") != 0 {
		t.Error("CompareVersions")
	}
}

