package config

import (
	"path"
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// ConfigError is a [tool.multiprom] setting that cannot be read: an
// unknown key or a value of the wrong type, with its line.
type ConfigError = Error

// FileMatcher answers the settings' questions about paths (exclude,
// per-file-ignores).
type FileMatcher = Matcher

// settingKeys are the [tool.multiprom] keys, from Settings' toml tags.
func settingKeys() []string {
	var out []string
	t := reflect.TypeFor[Settings]()
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("toml"); tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

var multipromTable = []string{"tool", "multiprom"}

// strictSettings refuses a key of the settings table that Settings does
// not have (unknown keys elsewhere in the document are not ours).
func strictSettings(src []byte, table []string, target any) error {
	return Strict(src, table, target, settingKeys())
}

// SettingLine is the 1-based line of key in src's settings table
// ([tool.multiprom] when pyproject, else the top level), for a setting
// that parsed but cannot be honoured.
func SettingLine(src []byte, pyproject bool, key string) int {
	return KeyLine(src, pyproject, key)
}

// ParseConfigFile reads the settings of a file named with --config: a
// pyproject.toml's [tool.multiprom], or any other TOML file's top level
// (a multiprom.toml holds the same keys without the table).
func ParseConfigFile(name string, src []byte) (Settings, error) {
	if path.Base(strings.ReplaceAll(name, "\\", "/")) == "pyproject.toml" {
		s, _, err := ParsePyprojectSettings(src)
		return s, err
	}
	var s Settings
	if err := toml.Unmarshal(src, &s); err != nil {
		return Settings{}, TypeError(err, nil)
	}
	if err := strictSettings(src, nil, &Settings{}); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// Matcher compiles the settings' path patterns.
func (s Settings) Matcher() *FileMatcher {
	exclude := append(append([]string{}, s.Exclude...), s.ExtendExclude...)
	if len(exclude) == 0 && len(s.PerFileIgnores) == 0 {
		return nil
	}
	return NewMatcher(exclude, s.PerFileIgnores, func(selectors []string, code string) bool {
		return !(Settings{Select: []string{"ALL"}, Ignore: selectors}).Enabled(code)
	})
}
