package rules

import (
	"hash/maphash"
	"slices"
	"sync"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
)

// MP307 compares every default-registry declaration of the project, and
// the language server runs it on every keystroke. Almost no declaration
// collides with another, so the rule first narrows the project down to
// the declarations that share a sample-name hash with another one, and
// runs the exact comparison (nameClaims) over those alone: declarations
// that share no name with any other are never reported and never block
// one, so leaving them out changes nothing.
//
// Each file's hashes are a per-file answer (diagnostics.PerFile), kept
// with the file: a keystroke hashes the edited file again and only counts
// the others' hashes.

// claimSeed hashes sample names for the whole process, so that hashes kept
// with files stay comparable.
var claimSeed = maphash.MakeSeed()

// claimFile is one file's claimants: its default-registry declarations
// whose full name is a literal, in source order, with the hashes of the
// sample names each claims.
type claimFile struct {
	at []int32 // the claimants' positions among the file's declarations
	// hashes are the claimants' sample-name hashes, one per suffix, in
	// one array: claimant i's start at starts[i].
	hashes []uint64
	starts []int32
}

// hashesOf returns claimant i's hashes.
func (cf *claimFile) hashesOf(i int) []uint64 {
	end := len(cf.hashes)
	if i+1 < len(cf.starts) {
		end = int(cf.starts[i+1])
	}
	return cf.hashes[cf.starts[i]:end]
}

// claimsOf lists a file's claimants and hashes their sample names.
var claimsOf = diagnostics.NewPerFile(func(f *project.File) *claimFile {
	cf := &claimFile{}
	if project.IsTestFile(f) || f.Py == nil {
		return cf
	}
	for i, decl := range f.MetricDecls() {
		// A metric made through a helper is left out: the helper may
		// return the metric already registered (get-or-create helpers
		// catch the ValueError), and its body is not read that far.
		if decl.Exporter || decl.Factory != nil || !decl.OnDefaultRegistry() {
			continue
		}
		full, ok := decl.FullName()
		if !ok {
			continue
		}
		cf.starts = append(cf.starts, int32(len(cf.hashes)))
		for _, sfx := range decl.SampleSuffixes() {
			cf.hashes = append(cf.hashes, sampleHash(claimSeed, full, sfx))
		}
		cf.at = append(cf.at, int32(i))
	}
	return cf
})

// involved returns the claimants that share a sample-name hash with
// another claimant, in the project's order (path, then source). The hashes
// are counted in two bitmaps (seen once, seen again) indexed by the hash's
// low bits: a slot seen twice may be two different hashes, which only adds
// a claimant to the exact comparison, never drops one.
func involved(p *project.Project) []family {
	files := p.PythonFiles()
	claims := make([]*claimFile, len(files))
	for i, f := range files {
		claims[i] = claimsOf.Get(f)
	}
	bm := bitmapPool.Get().(*seenBitmaps)
	defer bm.release(claims)
	for _, cf := range claims {
		for _, h := range cf.hashes {
			bm.add(h)
		}
	}
	var out []family
	for i, cf := range claims {
		if len(cf.at) == 0 || !slices.ContainsFunc(cf.hashes, bm.again) {
			continue
		}
		decls := files[i].MetricDecls()
		for j, at := range cf.at {
			if slices.ContainsFunc(cf.hashesOf(j), bm.again) {
				full, _ := decls[at].FullName()
				out = append(out, family{full, decls[at]})
			}
		}
	}
	return out
}

// seenBits is the size of each bitmap: with ten thousand claimants of a
// few names each, a few percent of slots are shared by chance.
const seenBits = 1 << 21

type seenBitmaps struct{ once, twice []uint64 }

var bitmapPool = sync.Pool{New: func() any {
	return &seenBitmaps{once: make([]uint64, seenBits/64), twice: make([]uint64, seenBits/64)}
}}

func slot(h uint64) (word int, bit uint64) {
	i := h & (seenBits - 1)
	return int(i / 64), 1 << (i % 64)
}

func (b *seenBitmaps) add(h uint64) {
	w, bit := slot(h)
	if b.once[w]&bit != 0 {
		b.twice[w] |= bit
	}
	b.once[w] |= bit
}

func (b *seenBitmaps) again(h uint64) bool {
	w, bit := slot(h)
	return b.twice[w]&bit != 0
}

// release clears the slots the claims set and returns the bitmaps.
func (b *seenBitmaps) release(claims []*claimFile) {
	for _, cf := range claims {
		for _, h := range cf.hashes {
			w, _ := slot(h)
			b.once[w], b.twice[w] = 0, 0
		}
	}
	bitmapPool.Put(b)
}
