package diagnostics

import (
	"fmt"
	"slices"

	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// Rule is one check: its documentation is data on the value so that the CLI
// (`rules`, `explain`), the LSP hover and docs/rules.md share one source.
type Rule struct {
	Code     string // stable, e.g. "MP301"
	Name     string // kebab-case, e.g. "gauge-without-mode"
	Severity Severity
	Title    string // one line
	Doc      string // why it is a bug: the runtime behaviour
	Before   string // example that triggers the rule
	After    string // the same example, fixed
	FixDoc   string // what the fix does ("" when the rule has no automatic fix)
	// Fix says what --fix can do for the rule's findings: FixNone (the
	// zero value) when it has no automatic fix, FixUnsafe when its fix is
	// applied only with --unsafe-fixes (or as an editor action). The rule
	// cases hold it to what the findings carry (TestFixKindMatchesFindings).
	Fix FixKind
	// Frameworks are the web frameworks whose code the rule is written and
	// tested for; nil means any: the rule reads prometheus_client code or
	// the server set-up, whatever framework serves it.
	Frameworks []frameworks.Framework
	// Servers are the servers whose set-up the rule reads and fixes
	// ("gunicorn", "uWSGI"); nil means any: the rule reads app code, under
	// whatever server runs several processes.
	Servers []string

	// Applies, when set, gates the rule on project facts; it is asked once
	// per run so that a rule for multiprocess projects costs nothing elsewhere.
	Applies func(p *project.Project) bool

	// Explicit marks a rule that runs only when a selector names it (at
	// least its code's first three characters), not under the default
	// "all rules" nor ALL.
	Explicit bool

	// Project marks a rule that looks at the whole project once (Run gets a
	// Pass whose File is nil) instead of once per Python file.
	Project bool

	// Run reports diagnostics through pass.Report. It must not do I/O.
	Run func(pass *Pass)
}

// FixKind is what automatic fix a rule's findings carry.
type FixKind int

const (
	FixNone   FixKind = iota // no automatic fix
	FixSafe                  // --fix applies it (where the finding allows one)
	FixUnsafe                // only --unsafe-fixes and the editor apply it
)

func (k FixKind) String() string {
	switch k {
	case FixSafe:
		return "safe"
	case FixUnsafe:
		return "unsafe"
	}
	return "none"
}

// DocURL is where the rule's documentation lives; codeDescription links here.
func (r *Rule) DocURL() string {
	return "https://github.com/multiprom/multiprom/blob/main/docs/rules.md#" + lowerCode(r.Code)
}

func lowerCode(c string) string {
	b := []byte(c)
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return string(b)
}

// Pass is what a rule's Run sees: the project, the file being checked (nil
// for project rules) and a way to report.
type Pass struct {
	Rule    *Rule
	Project *project.Project
	File    *project.File
	pending []*Diagnostic
}

// Report records a finding in pass.File at the given span.
func (p *Pass) Report(span source.Span, format string, args ...any) *Diagnostic {
	return p.ReportIn(p.File, span, format, args...)
}

// ReportIn records a finding in any file of the project (project rules use
// it to point at the line that causes the problem).
func (p *Pass) ReportIn(f *project.File, span source.Span, format string, args ...any) *Diagnostic {
	d := &Diagnostic{
		Path:     f.Path,
		Span:     span,
		Rule:     p.Rule,
		Severity: p.Rule.Severity,
		Message:  fmt.Sprintf(format, args...),
	}
	// The diagnostic is handed over after Run returns fixes attached to it,
	// so collect the pointer and publish at the end of the pass.
	p.pending = append(p.pending, d)
	return d
}

// AddFix attaches alternatives to a reported diagnostic and returns it, so a
// rule reads `pass.Report(...).AddFix(fix)`. Zero fixes are dropped.
func (d *Diagnostic) AddFix(fixes ...Fix) *Diagnostic {
	d.Fixes = slices.Grow(d.Fixes, len(fixes))
	for _, f := range fixes {
		if !f.IsZero() {
			d.Fixes = append(d.Fixes, f)
		}
	}
	return d
}

// SetSeverity overrides the rule's default for this one finding (e.g. MP201
// is an error only when a live* gauge exists).
func (d *Diagnostic) SetSeverity(s Severity) *Diagnostic {
	d.Severity = s
	return d
}
