package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// DeprecatedMultiprocEnv reports the lowercase prometheus_multiproc_dir.
var DeprecatedMultiprocEnv = &diagnostics.Rule{
	Code:     "MP109",
	Name:     "deprecated-multiproc-env",
	Severity: diagnostics.Warning,
	Title:    "prometheus_multiproc_dir is the deprecated spelling of PROMETHEUS_MULTIPROC_DIR",
	Doc: "prometheus_client still honours the lowercase prometheus_multiproc_dir, but MultiProcessCollector " +
		"emits a DeprecationWarning and copies it into PROMETHEUS_MULTIPROC_DIR at run time; code and tools " +
		"that read only the upper-case name (the exporter checks it first, mark_process_dead prefers it) can " +
		"see a different directory when both are set. Use PROMETHEUS_MULTIPROC_DIR everywhere. Code that reads " +
		"both names on one line for compatibility is not reported, nor is a project whose pins know only the " +
		"lowercase name (prometheus_client before 0.10, prometheus_flask_exporter before 0.18.2): there the " +
		"rename would switch multiprocess mode off. A line that names the variable twice is one finding.",
	Before:  `ENV prometheus_multiproc_dir=/tmp/metrics`,
	After:   `ENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics`,
	Fix:     diagnostics.FixSafe,
	FixDoc:  "Renames the variable to PROMETHEUS_MULTIPROC_DIR at that place.",
	Project: true,
	Run: func(pass *diagnostics.Pass) {
		p := pass.Project
		if p.Facts.LegacyEnvVarOnly() {
			return
		}
		for _, f := range p.Files {
			switch f.Kind {
			case project.KindPython, project.KindDockerfile, project.KindCompose, project.KindSystemd, project.KindShell, project.KindProcfile, project.KindDotenv,
				project.KindSupervisord, project.KindManifest:
			default:
				continue
			}
			at := f.LegacyEnvVarAt()
			if len(at) == 0 {
				continue
			}
			src := string(f.Src)
			reported := -1 // start of the last line reported: one finding a line
			for _, at := range at {
				if !legacyNameAt(f, src, at) {
					continue
				}
				start := f.LineStartOf(at)
				if start == reported {
					continue
				}
				line := f.Text(source.Span{Start: start, End: lineEndNoNL(f, at)})
				if strings.Contains(line, project.EnvVar) {
					continue // reads both names for compatibility
				}
				if strings.HasPrefix(strings.TrimSpace(line), "#") {
					continue
				}
				reported = start
				sp := source.Span{Start: at, End: at + len(project.LegacyEnvVar)}
				var edits []diagnostics.Edit
				for _, other := range f.LegacyEnvVarAt() {
					if f.LineStartOf(other) == start && legacyNameAt(f, src, other) {
						edits = append(edits, diagnostics.Replace(f, source.Span{Start: other, End: other + len(project.LegacyEnvVar)}, project.EnvVar))
					}
				}
				pass.ReportIn(f, sp, "prometheus_multiproc_dir is deprecated; use PROMETHEUS_MULTIPROC_DIR").
					AddFix(diagnostics.Fix{Title: "Rename to PROMETHEUS_MULTIPROC_DIR", Edits: edits})
			}
		}
	},
}

// legacyNameAt reports whether the name at offset is the variable itself
// (not part of a longer identifier): in Python it must be a whole string
// literal; in deploy files a whole word.
func legacyNameAt(f *project.File, src string, at int) bool {
	end := at + len(project.LegacyEnvVar)
	before, after := byte(' '), byte(' ')
	if at > 0 {
		before = src[at-1]
	}
	if end < len(src) {
		after = src[end]
	}
	if f.Kind == project.KindPython {
		return (before == '"' || before == '\'') && after == before
	}
	word := func(b byte) bool {
		return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	return !word(before) && !word(after)
}
