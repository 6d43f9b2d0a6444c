package deps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/internal/source"
	toml "github.com/pelletier/go-toml/v2"
	"gopkg.in/ini.v1"
)

// Error is a dependency file that does not parse; Line is 1-based, 0 when
// the parser names none.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Pipfile reads a Pipfile's [packages], what pipenv deploys ([dev-packages]
// is not): `name = "==1.0"`, `name = "*"` (any version) or `name = {version
// = "==1.0", extras = [...]}`. Pins come in name order.
func Pipfile(src []byte) ([]Pin, error) {
	var doc struct {
		Packages map[string]any `toml:"packages"`
	}
	if err := toml.Unmarshal(src, &doc); err != nil {
		e := &Error{Err: err}
		if de, ok := err.(*toml.DecodeError); ok {
			e.Line, _ = de.Position()
		}
		return nil, e
	}
	names := make([]string, 0, len(doc.Packages))
	for name := range doc.Packages {
		names = append(names, name)
	}
	sort.Strings(names)
	var pins []Pin
	for _, name := range names {
		spec := ""
		switch v := doc.Packages[name].(type) {
		case string:
			spec = v
		case map[string]any:
			spec, _ = v["version"].(string)
		}
		if spec == "*" {
			spec = ""
		}
		pins = append(pins, Pin{Name: NormalizeDist(name), Spec: strings.TrimSpace(spec), Span: keySpan(src, name)})
	}
	return pins, nil
}

// SetupCfg reads setup.cfg's [options] install_requires, one requirement per
// continuation line, with go-ini (setuptools reads it with configparser).
func SetupCfg(src []byte) ([]Pin, error) {
	cfg, err := ini.LoadSources(ini.LoadOptions{AllowPythonMultilineValues: true, SpaceBeforeInlineComment: true}, src)
	if err != nil {
		return nil, &Error{Err: fmt.Errorf("%w", err)}
	}
	sec, err := cfg.GetSection("options")
	if err != nil || !sec.HasKey("install_requires") {
		return nil, nil
	}
	var pins []Pin
	for _, line := range strings.Split(sec.Key("install_requires").String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if p, ok := Parse(line, find(src, line)); ok {
			pins = append(pins, p)
		}
	}
	return pins, nil
}

// keySpan is where a TOML key is written (quoted or bare), or the empty span
// at the file's start when it cannot be found.
func keySpan(src []byte, key string) source.Span {
	for _, k := range []string{`"` + key + `"`, `'` + key + `'`, key} {
		if sp := find(src, k); sp != (source.Span{}) {
			return sp
		}
	}
	return source.Span{}
}

func find(src []byte, s string) source.Span {
	i := strings.Index(string(src), s)
	if i < 0 {
		return source.Span{}
	}
	return source.Span{Start: i, End: i + len(s)}
}
