package multiprom

import (
	"strings"
	"testing"
)

func TestVersionIsPackageJSONs(t *testing.T) {
	if Version == "" || strings.Contains(Version, "dev") {
		t.Errorf("Version = %q", Version)
	}
	if _, err := parseVersion([]byte(`{"name": "multiprom"}`)); err == nil || !strings.Contains(err.Error(), "package.json") {
		t.Errorf("a manifest without a version: err = %v", err)
	}
	if _, err := parseVersion([]byte(`{`)); err == nil {
		t.Error("broken JSON: no error")
	}
}
