package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Settings is the one list of options, read from `[tool.multiprom]` in
// pyproject.toml and from the editor (whose values win).
type Settings struct {
	Select         []string          `toml:"select" json:"select,omitempty"`
	Ignore         []string          `toml:"ignore" json:"ignore,omitempty"`
	Severity       map[string]string `toml:"severity" json:"severity,omitempty"`
	ApplicationTag string            `toml:"applicationTag" json:"applicationTag,omitempty"`
	Workers        *int              `toml:"workers" json:"workers,omitempty"`
	MetricsPath    string            `toml:"metricsPath" json:"metricsPath,omitempty"`
	Flavour        string            `toml:"flavour" json:"flavour,omitempty"`
	Redis          *bool             `toml:"redis" json:"redis,omitempty"`
	Run            string            `toml:"run" json:"run,omitempty"` // editor only: onType | onSave
	// ExtendSelect adds rules to Select (or to the default, all rules).
	ExtendSelect []string `toml:"extend-select" json:"extendSelect,omitempty"`
	// Exclude replaces the default exclusions (none) and ExtendExclude
	// adds to them: gitignore-style patterns, relative to the project
	// root, of files that are neither checked nor reported.
	Exclude       []string `toml:"exclude" json:"exclude,omitempty"`
	ExtendExclude []string `toml:"extend-exclude" json:"extendExclude,omitempty"`
	// PerFileIgnores maps a gitignore-style pattern to the rule selectors
	// ignored in the files it matches.
	PerFileIgnores map[string][]string `toml:"per-file-ignores" json:"perFileIgnores,omitempty"`
	// FixAll is editor only: what a bare source.fixAll may edit.
	FixAll *FixAllSettings `toml:"-" json:"fixAll,omitempty"`
	Extra  map[string]any  `toml:"-" json:"-"`
}

// Merge returns s with every field that o sets taken from o.
func (s Settings) Merge(o Settings) Settings {
	if o.Select != nil {
		s.Select = o.Select
	}
	if o.Ignore != nil {
		s.Ignore = o.Ignore
	}
	if o.Severity != nil {
		m := map[string]string{}
		for k, v := range s.Severity {
			m[k] = v
		}
		for k, v := range o.Severity {
			m[k] = v
		}
		s.Severity = m
	}
	if o.ApplicationTag != "" {
		s.ApplicationTag = o.ApplicationTag
	}
	if o.Workers != nil {
		s.Workers = o.Workers
	}
	if o.MetricsPath != "" {
		s.MetricsPath = o.MetricsPath
	}
	if o.Flavour != "" {
		s.Flavour = o.Flavour
	}
	if o.Redis != nil {
		s.Redis = o.Redis
	}
	if o.Run != "" {
		s.Run = o.Run
	}
	if o.FixAll != nil {
		s.FixAll = o.FixAll
	}
	if o.ExtendSelect != nil {
		s.ExtendSelect = append(append([]string{}, s.ExtendSelect...), o.ExtendSelect...)
	}
	if o.Exclude != nil {
		s.Exclude = o.Exclude
	}
	if o.ExtendExclude != nil {
		s.ExtendExclude = append(append([]string{}, s.ExtendExclude...), o.ExtendExclude...)
	}
	if o.PerFileIgnores != nil {
		m := map[string][]string{}
		for k, v := range s.PerFileIgnores {
			m[k] = v
		}
		for k, v := range o.PerFileIgnores {
			m[k] = v
		}
		s.PerFileIgnores = m
	}
	return s
}

// SettingError is one setting that cannot be honoured: Key is its name
// as written in [tool.multiprom] ("severity", "per-file-ignores").
type SettingError struct {
	Key     string
	Message string
}

// Validate reports settings that cannot be honoured. known tells a rule
// code from an unknown one and severity checks a severity name: both belong
// to the rule framework, which the settings do not import.
func (s Settings) Validate(known func(code string) bool, severity func(name string) error) error {
	errs := s.Problems(known, severity)
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Message
	}
	return fmt.Errorf("settings: %s", strings.Join(msgs, "; "))
}

// Problems is Validate, one error per setting.
func (s Settings) Problems(known func(code string) bool, severity func(name string) error) []SettingError {
	var errs []SettingError
	selectors := func(key string, sels []string) {
		for _, sel := range sels {
			if !selectorValid(sel, known) {
				errs = append(errs, SettingError{key, fmt.Sprintf("unknown rule selector %q", sel)})
			}
		}
	}
	selectors("select", s.Select)
	selectors("ignore", s.Ignore)
	selectors("extend-select", s.ExtendSelect)
	codes := make([]string, 0, len(s.Severity))
	for c := range s.Severity {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if !known(c) {
			errs = append(errs, SettingError{"severity", fmt.Sprintf("severity for unknown rule %q", c)})
		}
		if err := severity(s.Severity[c]); err != nil {
			errs = append(errs, SettingError{"severity", err.Error()})
		}
	}
	pats := make([]string, 0, len(s.PerFileIgnores))
	for p := range s.PerFileIgnores {
		pats = append(pats, p)
	}
	sort.Strings(pats)
	for _, p := range pats {
		selectors("per-file-ignores", s.PerFileIgnores[p])
	}
	if s.Flavour != "" && s.Flavour != "exporter" && s.Flavour != "raw" {
		errs = append(errs, SettingError{"flavour", fmt.Sprintf("flavour %q: want exporter or raw", s.Flavour)})
	}
	if s.Run != "" && s.Run != "onType" && s.Run != "onSave" {
		errs = append(errs, SettingError{"run", fmt.Sprintf("run %q: want onType or onSave", s.Run)})
	}
	if s.FixAll != nil && s.FixAll.Scope != "" && s.FixAll.Scope != FixAllFile && s.FixAll.Scope != FixAllProject {
		errs = append(errs, SettingError{"fixAll", fmt.Sprintf("fixAll.scope %q: want file or project", s.FixAll.Scope)})
	}
	return errs
}

// FixAllScope is the scope of a bare source.fixAll: FixAllFile unless
// the editor opted in to FixAllProject.
func (s Settings) FixAllScope() string {
	if s.FixAll != nil && s.FixAll.Scope == FixAllProject {
		return FixAllProject
	}
	return FixAllFile
}

func selectorValid(sel string, known func(string) bool) bool {
	sel = strings.ToUpper(strings.TrimSpace(sel))
	if sel == "ALL" || sel == "MP" {
		return true
	}
	if known(sel) {
		return true
	}
	// A prefix such as MP3 or MP30 selects a group.
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"} {
		if strings.HasPrefix(sel, "MP") && (known(sel+d) || known(sel+d+"1") || known(sel+"0"+d)) {
			return true
		}
	}
	return false
}

// Enabled applies select/ignore to a rule code. The longest matching
// selector wins, as in ruff; an empty select means all rules.
func (s Settings) Enabled(code string) bool {
	best, on := -1, len(s.Select) == 0
	match := func(sel string) int {
		sel = strings.ToUpper(strings.TrimSpace(sel))
		if sel == "ALL" || sel == "MP" {
			return 0
		}
		if strings.HasPrefix(code, sel) {
			return len(sel)
		}
		return -1
	}
	for _, sel := range append(s.Select[:len(s.Select):len(s.Select)], s.ExtendSelect...) {
		if n := match(sel); n > best {
			best, on = n, true
		}
	}
	for _, sel := range s.Ignore {
		if n := match(sel); n >= best && n >= 0 {
			best, on = n, false
		}
	}
	return on
}

// ParsePyprojectSettings reads [tool.multiprom] and [project].name.
func ParsePyprojectSettings(src []byte) (Settings, PyprojectInfo, error) {
	var doc struct {
		Project struct {
			Name         string   `toml:"name"`
			Dependencies []string `toml:"dependencies"`
		} `toml:"project"`
		Tool struct {
			Multiprom Settings `toml:"multiprom"`
			Poetry    struct {
				Name         string         `toml:"name"`
				Dependencies map[string]any `toml:"dependencies"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if err := toml.Unmarshal(src, &doc); err != nil {
		return Settings{}, PyprojectInfo{}, TypeError(err, multipromTable)
	}
	var strict struct {
		Tool struct {
			Multiprom Settings `toml:"multiprom"`
		} `toml:"tool"`
	}
	if err := strictSettings(src, multipromTable, &strict); err != nil {
		return Settings{}, PyprojectInfo{}, err
	}
	info := PyprojectInfo{Name: doc.Project.Name, Dependencies: doc.Project.Dependencies}
	if info.Name == "" {
		info.Name = doc.Tool.Poetry.Name
	}
	for name, v := range doc.Tool.Poetry.Dependencies {
		spec := ""
		if s, ok := v.(string); ok {
			spec = s
		}
		info.Dependencies = append(info.Dependencies, name+poetrySpec(spec))
	}
	sort.Strings(info.Dependencies)
	return doc.Tool.Multiprom, info, nil
}

// poetrySpec turns a Poetry constraint ("^0.16.0", "0.16.0") into PEP 440 text
// good enough for the version facts.
func poetrySpec(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "*":
		return ""
	case strings.HasPrefix(s, "^") || strings.HasPrefix(s, "~"):
		return ">=" + strings.TrimLeft(s, "^~")
	case s[0] >= '0' && s[0] <= '9':
		return "==" + s
	}
	return s
}

// PyprojectInfo is what the project model needs from pyproject.toml besides settings.
type PyprojectInfo struct {
	Name         string
	Dependencies []string
}
