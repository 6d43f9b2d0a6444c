package source

// Span is a half-open byte range [Start, End) in a file's source.
type Span struct {
	Start, End int
}

// Contains reports whether o lies within s.
func (s Span) Contains(o Span) bool { return s.Start <= o.Start && o.End <= s.End }

// Overlaps reports whether the two spans share a byte, or touch when one is empty.
func (s Span) Overlaps(o Span) bool {
	if s.Start == s.End || o.Start == o.End {
		return s.Start <= o.End && o.Start <= s.End
	}
	return s.Start < o.End && o.Start < s.End
}
