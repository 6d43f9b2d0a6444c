package project

import (
	"context"
	"github.com/multiprom/multiprom/internal/config"
	"testing"
)

// TestEnvSetThroughAliases: an assignment to the environment is found
// whatever name os.environ is imported under, and only then.
func TestEnvSetThroughAliases(t *testing.T) {
	cases := map[string]int{
		"import os\nos.environ[\"PROMETHEUS_MULTIPROC_DIR\"] = \"/tmp/m\"\n":           1,
		"from os import environ as E\nE['PROMETHEUS_MULTIPROC_DIR'] = '/tmp/m'\n":      1,
		"import os as o\no.environ[\"prometheus_multiproc_dir\"] = \"/tmp/m\"\n":       1,
		"env = {}\nenv[\"PROMETHEUS_MULTIPROC_DIR\"] = \"/tmp/m\"\n":                   0,
		"import os\nos.environ.setdefault(\"PROMETHEUS_MULTIPROC_DIR\", \"/tmp/m\")\n": 1,
	}
	for src, want := range cases {
		f := &File{Path: "app.py", Kind: KindPython, Src: []byte(src)}
		p := NewProject(context.Background(), "/x", []*File{f}, config.Settings{})
		if got := len(p.Facts.EnvSets); got != want {
			t.Errorf("%q: %d env sets, want %d", src, got, want)
		}
	}
}
