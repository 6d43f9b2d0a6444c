package diagnostics

import "github.com/multiprom/multiprom/internal/project"

// Shared is a project-wide answer that several rules, or one rule for many
// files, need: which module gunicorn preloads, where the business module
// goes. It is declared once, as a package variable, and computed once per
// project, the first time any rule asks; declaring it (instead of looking
// a value up by a key) names its type and its one builder.
//
// The value is shared by every goroutine that runs the project's rules: it
// must be read-only, or safe for concurrent use.
type Shared[T any] struct {
	build func(*project.Project) T
}

// NewShared declares a project-wide answer computed by build.
func NewShared[T any](build func(*project.Project) T) *Shared[T] {
	return &Shared[T]{build: build}
}

// Get returns the project's answer.
func (s *Shared[T]) Get(p *project.Project) T {
	return p.Memo(s, func() any { return s.build(p) }).(T)
}

// PerFile is an answer computed from one file alone and kept with the file:
// the language server carries an unchanged file from one project to the
// next, so the answer is computed again only for the files an edit
// changed. That is the engine's incremental reuse; a rule that needs a
// project-wide answer built from per-file parts (MP307's sample names)
// keeps the parts here and combines them, which is linear in the files.
type PerFile[T any] struct {
	build func(*project.File) T
}

// NewPerFile declares a per-file answer computed by build, which must read
// nothing but the file.
func NewPerFile[T any](build func(*project.File) T) *PerFile[T] {
	return &PerFile[T]{build: build}
}

// Get returns the file's answer.
func (pf *PerFile[T]) Get(f *project.File) T {
	return f.Memo(pf, func() any { return pf.build(f) }).(T)
}
