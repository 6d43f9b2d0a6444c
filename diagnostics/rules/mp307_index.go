package rules

import (
	"hash/maphash"
	"slices"
	"strings"
	"weak"

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
// The narrowing is kept from one project to the next (Project.Carry): a
// base counts the hashes of every file of an earlier project, and a
// project derived from it recounts only the files that differ from the
// base. Once more than a few files differ, the base is rebuilt.

// claimsKey is MP307's Carry key.
type claimsKey struct{}

// claimFile is one file's claimants: its default-registry declarations
// whose full name is a literal, in source order, with the hashes of the
// sample names each claims. It points at the file weakly and names its
// claimants by position: a base outlives the files it was counted from,
// and holding on to them kept every edited module's earlier versions.
type claimFile struct {
	path string
	file weak.Pointer[project.File]
	at   []int32 // the claimants' positions among the file's declarations
	// hashes are the claimants' sample-name hashes, one per suffix, in
	// one array: claimant i's start at starts[i].
	hashes []uint64
	starts []int32
}

// is reports whether cf was made from f.
func (cf *claimFile) is(f *project.File) bool { return cf.file.Value() == f }

// hashesOf returns claimant i's hashes.
func (cf *claimFile) hashesOf(i int) []uint64 {
	end := len(cf.hashes)
	if i+1 < len(cf.starts) {
		end = int(cf.starts[i+1])
	}
	return cf.hashes[cf.starts[i]:end]
}

// claimBase counts the sample-name hashes of the claimants of every
// file of a project.
type claimBase struct {
	seed  maphash.Seed
	files map[string]*claimFile // by path; files without claimants too
	held  map[uint64]holding
	more  map[uint64][]*claimFile // hash -> the files after the first that hold it
	// colliding are the hashes held by more than one claimant.
	colliding []uint64
}

// holding is how many claimants hold a hash, and the first file that does.
type holding struct {
	first *claimFile
	n     int32
}

// claimIndex is a project's claimants: a base, and the files that differ
// from it (nil for a file of the base that is gone).
type claimIndex struct {
	base    *claimBase
	overlay map[string]*claimFile
}

// maxOverlay is how many files may differ from the base before it is
// rebuilt: the overlay is recounted on every check.
func maxOverlay(files int) int { return max(16, files/32) }

// claimIndexOf returns p's claim index, derived from prev (the previous
// project's, or nil).
func claimIndexOf(p *project.Project, prev *claimIndex) *claimIndex {
	files := p.PythonFiles()
	if prev == nil {
		return &claimIndex{base: newClaimBase(files)}
	}
	base := prev.base
	overlay := map[string]*claimFile{}
	matched := 0
	for _, f := range files {
		bf := base.files[f.Path]
		if bf != nil {
			matched++
			if bf.is(f) {
				continue
			}
		}
		if cf := prev.overlay[f.Path]; cf != nil && cf.is(f) {
			overlay[f.Path] = cf
		} else {
			overlay[f.Path] = base.claimFileOf(f)
		}
		if len(overlay) > maxOverlay(len(files)) {
			return &claimIndex{base: newClaimBase(files)}
		}
	}
	if matched < len(base.files) {
		for path := range base.files {
			// Gone, or no longer a parsed Python file.
			if f := p.File(path); f == nil || f.Kind != project.KindPython || f.Py == nil {
				overlay[path] = nil
			}
		}
		if len(overlay) > maxOverlay(len(files)) {
			return &claimIndex{base: newClaimBase(files)}
		}
	}
	return &claimIndex{base: base, overlay: overlay}
}

func newClaimBase(files []*project.File) *claimBase {
	b := &claimBase{seed: maphash.MakeSeed(), files: make(map[string]*claimFile, len(files))}
	n := 0
	for _, f := range files {
		cf := b.claimFileOf(f)
		b.files[f.Path] = cf
		n += len(cf.hashes)
	}
	b.held = make(map[uint64]holding, n)
	for _, f := range files {
		cf := b.files[f.Path]
		for _, h := range cf.hashes {
			hd := b.held[h]
			switch {
			case hd.first == nil:
				hd.first = cf
			case hd.first != cf && !slices.Contains(b.more[h], cf):
				if b.more == nil {
					b.more = map[uint64][]*claimFile{}
				}
				b.more[h] = append(b.more[h], cf)
			}
			hd.n++
			b.held[h] = hd
			if hd.n == 2 {
				b.colliding = append(b.colliding, h)
			}
		}
	}
	return b
}

// claimFileOf lists a file's claimants and hashes their sample names.
func (b *claimBase) claimFileOf(f *project.File) *claimFile {
	cf := &claimFile{path: f.Path, file: weak.Make(f)}
	if project.IsTestFile(f) || f.Py == nil {
		return cf
	}
	for i, decl := range f.MetricDecls() {
		if decl.Exporter || !decl.OnDefaultRegistry() {
			continue
		}
		full, ok := decl.FullName()
		if !ok {
			continue
		}
		cf.starts = append(cf.starts, int32(len(cf.hashes)))
		for _, sfx := range decl.SampleSuffixes() {
			cf.hashes = append(cf.hashes, b.hash(full, sfx))
		}
		cf.at = append(cf.at, int32(i))
	}
	return cf
}

func (b *claimBase) hash(full, suffix string) uint64 { return sampleHash(b.seed, full, suffix) }

// involved returns the claimants that share a sample-name hash with
// another claimant, in the project's order (path, then source).
func (ix *claimIndex) involved() []family {
	b := ix.base
	// The overlay's change to the counts.
	delta := map[uint64]int32{}
	for path, cf := range ix.overlay {
		if old := b.files[path]; old != nil {
			for _, h := range old.hashes {
				delta[h]--
			}
		}
		if cf != nil {
			for _, h := range cf.hashes {
				delta[h]++
			}
		}
	}
	var colliding []uint64
	for h, dl := range delta {
		if b.held[h].n+dl >= 2 {
			colliding = append(colliding, h)
		}
	}
	for _, h := range b.colliding { // the base's own, unless the overlay recounted them
		if _, seen := delta[h]; !seen {
			colliding = append(colliding, h)
		}
	}
	if len(colliding) == 0 {
		return nil
	}
	// The files that hold a colliding hash, as they are in this project.
	holders := map[*claimFile]bool{}
	for _, h := range colliding {
		for _, cf := range append([]*claimFile{b.held[h].first}, b.more[h]...) {
			if cf == nil {
				continue
			}
			if _, changed := ix.overlay[cf.path]; !changed {
				holders[cf] = true
			}
		}
	}
	for _, cf := range ix.overlay {
		if cf != nil && len(cf.at) > 0 {
			holders[cf] = true
		}
	}
	hot := make(map[uint64]bool, len(colliding))
	for _, h := range colliding {
		hot[h] = true
	}
	files := make([]*claimFile, 0, len(holders))
	for cf := range holders {
		files = append(files, cf)
	}
	slices.SortFunc(files, func(a, b *claimFile) int { return strings.Compare(a.path, b.path) })
	var out []family
	for _, cf := range files {
		// The file is the project's (unchanged since the base, or in the
		// overlay), so the project holds it.
		f := cf.file.Value()
		if f == nil {
			continue
		}
		decls := f.MetricDecls()
		for i, at := range cf.at {
			if slices.ContainsFunc(cf.hashesOf(i), func(h uint64) bool { return hot[h] }) {
				full, _ := decls[at].FullName()
				out = append(out, family{full, decls[at]})
			}
		}
	}
	return out
}
