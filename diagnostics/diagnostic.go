package diagnostics

import "github.com/multiprom/multiprom/internal/source"

// Diagnostic is one finding. Path is slash-separated and relative to the
// project root; Span is in bytes of that file's source.
type Diagnostic struct {
	Path     string
	Span     source.Span
	Rule     *Rule
	Severity Severity // the rule's severity after settings were applied
	Message  string
	// Fixes are alternatives: the first is the preferred one, applied by
	// --fix and fix-all; the others are offered as further code actions.
	Fixes []Fix
	// AlsoOn are places in other files of the project that the finding
	// affects, where it is shown too: a finding whose cause is a deploy
	// file (the command line that starts gunicorn) is also shown on the
	// Python file it acts on, so that opening the app shows it. The
	// finding itself stays at Path and Span: the LSP publishes it on each
	// of these files as well, pointing back at the cause; the CLI prints
	// them as notes.
	AlsoOn []Location
}

// Location is a span of a file of the project (slash path, root-relative;
// span in bytes of that file's source).
type Location struct {
	Path string
	Span source.Span
}

// ShowAlsoOn adds a place the finding affects (see AlsoOn) and returns d.
func (d *Diagnostic) ShowAlsoOn(path string, span source.Span) *Diagnostic {
	d.AlsoOn = append(d.AlsoOn, Location{Path: path, Span: span})
	return d
}

// Code is the rule's stable code, e.g. "MP301".
func (d *Diagnostic) Code() string { return d.Rule.Code }

// Fix is one way to resolve a diagnostic: edits to existing files and files
// to create. Edits must not overlap one another within a file.
type Fix struct {
	Title   string
	Edits   []Edit
	Creates []Create
	// Unsafe marks a fix that changes behaviour beyond the finding (ruff's
	// "unsafe fix"): offered as a code action, never applied by --fix or
	// fix-all, never the editor's preferred action.
	Unsafe bool
}

// Fixable reports whether --fix and fix-all would apply a fix for d: its
// preferred fix exists and is safe.
func (d *Diagnostic) Fixable() bool { return len(d.Fixes) > 0 && !d.Fixes[0].Unsafe }

// IsZero reports whether the fix changes nothing.
func (f Fix) IsZero() bool { return len(f.Edits) == 0 && len(f.Creates) == 0 }

// Edit replaces Span of the file at Path (slash, root-relative) with NewText.
// Span is in bytes of the text the diagnostic was computed from.
type Edit struct {
	Path    string
	Span    source.Span
	NewText string
}

// Create makes a new file at Path (slash, root-relative). A create whose
// file already exists is skipped by the appliers: fixes never overwrite.
type Create struct {
	Path    string
	Content string
}
