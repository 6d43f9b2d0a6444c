package deploy

import "testing"

func TestComposeServices(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		web       bool // services has a web entry with a build key
	}{
		{"block", "services:\n  web:\n    build: .\n", true},
		{"flow", "services: {web: {build: .}}\n", true},
		{"no services", "version: '3'\n", false},
		{"services not a map", "services: [web]\n", false},
		{"not yaml", "services: [\n", false},
		{"empty", "", false},
	} {
		web := MapValue(ComposeServices([]byte(tt.src)), "web")
		if got := MapValue(web, "build") != nil; got != tt.web {
			t.Errorf("%s: web.build found = %v, want %v", tt.name, got, tt.web)
		}
	}
}
