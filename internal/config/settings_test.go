package config

import "testing"

func TestEnabled(t *testing.T) {
	tests := []struct {
		sel, ign []string
		code     string
		want     bool
	}{
		{nil, nil, "MP301", true},
		{[]string{"MP3"}, nil, "MP301", true},
		{[]string{"MP3"}, nil, "MP201", false},
		{nil, []string{"MP301"}, "MP301", false},
		{[]string{"MP301"}, []string{"MP3"}, "MP301", true}, // the longer selector wins
		{[]string{"MP3"}, []string{"MP301"}, "MP302", true},
		{[]string{"ALL"}, []string{"MP4"}, "MP401", false},
	}
	for _, tt := range tests {
		s := Settings{Select: tt.sel, Ignore: tt.ign}
		if got := s.Enabled(tt.code); got != tt.want {
			t.Errorf("select=%v ignore=%v %s: %v, want %v", tt.sel, tt.ign, tt.code, got, tt.want)
		}
	}
}

func TestPyprojectSettings(t *testing.T) {
	src := []byte(`
[project]
name = "shop"
dependencies = ["flask>=2", "prometheus-client==0.16.0"]

[tool.multiprom]
select = ["MP1", "MP3"]
severity = { MP301 = "error" }
workers = 4
flavour = "raw"
`)
	s, info, err := ParsePyprojectSettings(src)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "shop" || len(info.Dependencies) != 2 {
		t.Errorf("info = %+v", info)
	}
	if s.Workers == nil || *s.Workers != 4 || s.Flavour != "raw" || s.Severity["MP301"] != "error" {
		t.Errorf("settings = %+v", s)
	}
	if _, _, err := ParsePyprojectSettings([]byte("[tool.multiprom\n")); err == nil {
		t.Error("want an error for broken TOML")
	}
	editor := Settings{Flavour: "exporter"}
	if m := s.Merge(editor); m.Flavour != "exporter" || m.Workers == nil {
		t.Errorf("merge = %+v", m)
	}
}
