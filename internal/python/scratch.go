package python

import (
	"sync"

	"github.com/multiprom/multiprom/internal/source"
)

// summaryScratch is the memory a summary is built in: the lists a walk
// appends to, its maps and its walker. A batch scan summarises thousands of
// modules one after another; growing each module's lists from empty by
// appending, then copying them to their exact size, left the grown arrays
// behind as garbage, and with the maps that was a fifth of a corpus scan's
// allocations (bench/RESULTS.md). Built in a scratch that the next module
// reuses, a summary allocates its lists once, at their exact size.
//
// A scratch belongs to one summary at a time (getSummaryScratch and
// putSummaryScratch); nothing of the finished Module points into it.
type summaryScratch struct {
	calls      []*Call
	funcs      []*FuncDef
	classes    []*ClassDef
	imports    []*Import
	assigns    []*Assign
	statements []source.Span
	chunks     []chunk
	visitErrs  []source.Span
	synErrs    []source.Span
	rightCall  map[source.Span]string
	contexts   map[ctxKey]*CallContext
	resolved   map[string]resolvedCallee // indexImports's memo
	walker     walker
}

var summaryScratchPool = sync.Pool{New: func() any {
	return &summaryScratch{rightCall: map[source.Span]string{}, contexts: map[ctxKey]*CallContext{},
		resolved: map[string]resolvedCallee{}}
}}

func getSummaryScratch() *summaryScratch { return summaryScratchPool.Get().(*summaryScratch) }

// putSummaryScratch empties s, dropping what it points to (so a pooled
// scratch keeps no summary alive), and returns it to the pool.
func putSummaryScratch(s *summaryScratch) {
	s.calls, s.funcs, s.classes = emptied(s.calls), emptied(s.funcs), emptied(s.classes)
	s.imports, s.assigns = emptied(s.imports), emptied(s.assigns)
	s.statements, s.chunks = emptied(s.statements), emptied(s.chunks)
	s.visitErrs, s.synErrs = emptied(s.visitErrs), emptied(s.synErrs)
	clear(s.rightCall)
	clear(s.contexts)
	clear(s.resolved)
	s.walker = walker{}
	summaryScratchPool.Put(s)
}

// newModule returns an empty Module whose lists grow in s's arrays; finish
// moves them out (detach) before the Module is returned.
func (s *summaryScratch) newModule() *Module {
	m := &Module{Calls: s.calls[:0], Funcs: s.funcs[:0], Classes: s.classes[:0],
		Imports: s.imports[:0], Assigns: s.assigns[:0], Statements: s.statements[:0]}
	m.chunks = s.chunks[:0]
	return m
}

// keep takes back the (possibly grown) arrays of a Module built in s
// before they are detached, so that the next summary starts with them.
func (s *summaryScratch) keep(m *Module) {
	s.calls, s.funcs, s.classes = m.Calls, m.Funcs, m.Classes
	s.imports, s.assigns = m.Imports, m.Assigns
	s.statements, s.chunks = m.Statements, m.chunks
}

// detach returns a copy of s at its exact size (nil when empty): the
// scratch array s stays with the scratch.
func detach[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// emptied clears s's elements (dropping their pointers) and returns it
// with length 0 and its capacity.
func emptied[T any](s []T) []T {
	clear(s)
	return s[:0]
}
