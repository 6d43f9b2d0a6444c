package rules

import (
	"strings"

	d "github.com/multiprom/multiprom/diagnostics"
)

// DeprecatedMultiprocEnv reports the lowercase prometheus_multiproc_dir.
var DeprecatedMultiprocEnv = &d.Rule{
	Code:     "MP109",
	Name:     "deprecated-multiproc-env",
	Severity: d.Warning,
	Title:    "prometheus_multiproc_dir is the deprecated spelling of PROMETHEUS_MULTIPROC_DIR",
	Doc: "prometheus_client still honours the lowercase prometheus_multiproc_dir, but MultiProcessCollector " +
		"emits a DeprecationWarning and copies it into PROMETHEUS_MULTIPROC_DIR at run time; code and tools " +
		"that read only the upper-case name (the exporter checks it first, mark_process_dead prefers it) can " +
		"see a different directory when both are set. Use PROMETHEUS_MULTIPROC_DIR everywhere. Code that reads " +
		"both names on one line for compatibility is not reported.",
	Before:  `ENV prometheus_multiproc_dir=/tmp/metrics`,
	After:   `ENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics`,
	FixDoc:  "Renames the variable to PROMETHEUS_MULTIPROC_DIR at that place.",
	Project: true,
	Run: func(pass *d.Pass) {
		p := pass.Project
		for _, f := range p.Files {
			switch f.Kind {
			case d.KindPython, d.KindDockerfile, d.KindCompose, d.KindSystemd, d.KindShell, d.KindProcfile, d.KindDotenv:
			default:
				continue
			}
			at := f.LegacyEnvVarAt()
			if len(at) == 0 {
				continue
			}
			src := string(f.Src)
			for _, at := range at {
				if !legacyNameAt(f, src, at) {
					continue
				}
				line := f.Text(d.Span{Start: f.LineStartOf(at), End: lineEndNoNL(f, at)})
				if strings.Contains(line, d.EnvVar) {
					continue // reads both names for compatibility
				}
				if strings.HasPrefix(strings.TrimSpace(line), "#") {
					continue
				}
				sp := d.Span{Start: at, End: at + len(d.LegacyEnvVar)}
				pass.ReportIn(f, sp, "prometheus_multiproc_dir is deprecated; use PROMETHEUS_MULTIPROC_DIR").
					AddFix(d.Fix{Title: "Rename to PROMETHEUS_MULTIPROC_DIR", Edits: []d.Edit{d.Replace(f, sp, d.EnvVar)}})
			}
		}
	},
}

// legacyNameAt reports whether the name at offset is the variable itself
// (not part of a longer identifier): in Python it must be a whole string
// literal; in deploy files a whole word.
func legacyNameAt(f *d.File, src string, at int) bool {
	end := at + len(d.LegacyEnvVar)
	before, after := byte(' '), byte(' ')
	if at > 0 {
		before = src[at-1]
	}
	if end < len(src) {
		after = src[end]
	}
	if f.Kind == d.KindPython {
		return (before == '"' || before == '\'') && after == before
	}
	word := func(b byte) bool {
		return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	return !word(before) && !word(after)
}
