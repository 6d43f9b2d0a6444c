package rules

import (
	"hash/maphash"

	"github.com/multiprom/multiprom/internal/project"
)

// nameClaims maps sample names (a family name and one of its declaration's
// suffixes, compared as their concatenation) to the declaration that
// claimed them first. It is keyed by a hash of the name's bytes, so no name
// is built, and a slot holds the claim's index, not the claim: a check of a
// new process faults in every page the map takes, and a map of
// concatenated strings, sized for every declaration, was most of MP307's
// time (bench/RESULTS.md). Names whose hashes collide with another name's
// go to an exact map.
type nameClaims struct {
	seed      maphash.Seed
	families  []family          // the claiming declarations
	byHash    map[uint64]uint32 // family index << 3 | suffix index
	colliding map[string]*project.MetricDecl
}

// family is a declaration with its full name.
type family struct {
	full string
	decl *project.MetricDecl
}

// newNameClaims returns an empty map with room for names names.
func newNameClaims(names int) *nameClaims {
	return &nameClaims{seed: maphash.MakeSeed(), byHash: make(map[uint64]uint32, names)}
}

func (c *nameClaims) hash(full, suffix string) uint64 { return sampleHash(c.seed, full, suffix) }

// sampleHash hashes the sample name full+suffix without building it.
func sampleHash(seed maphash.Seed, full, suffix string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteString(full) // a sequence of writes hashes as their concatenation
	h.WriteString(suffix)
	return h.Sum64()
}

// name returns the parts of the name a slot holds, and its declaration.
func (c *nameClaims) name(slot uint32) (full, suffix string, decl *project.MetricDecl) {
	f := c.families[slot>>3]
	return f.full, f.decl.SampleSuffixes()[slot&7], f.decl
}

// get returns the declaration that claimed full+suffix, or nil.
func (c *nameClaims) get(full, suffix string) *project.MetricDecl {
	slot, ok := c.byHash[c.hash(full, suffix)]
	if !ok {
		return nil
	}
	if f, s, decl := c.name(slot); sameConcat(f, s, full, suffix) {
		return decl
	}
	return c.colliding[full+suffix]
}

// claimAll records decl for each of its sample names not claimed already.
func (c *nameClaims) claimAll(full string, decl *project.MetricDecl) {
	fi := uint32(len(c.families))
	c.families = append(c.families, family{full, decl})
	for si, suffix := range decl.SampleSuffixes() {
		h := c.hash(full, suffix)
		slot, ok := c.byHash[h]
		if !ok {
			c.byHash[h] = fi<<3 | uint32(si)
			continue
		}
		if f, s, _ := c.name(slot); sameConcat(f, s, full, suffix) {
			continue
		}
		if c.colliding == nil {
			c.colliding = map[string]*project.MetricDecl{}
		}
		if _, taken := c.colliding[full+suffix]; !taken {
			c.colliding[full+suffix] = decl
		}
	}
}

// sameConcat reports whether a1+a2 == b1+b2, without building either.
func sameConcat(a1, a2, b1, b2 string) bool {
	if len(a1)+len(a2) != len(b1)+len(b2) {
		return false
	}
	if len(a1) > len(b1) {
		a1, a2, b1, b2 = b1, b2, a1, a2
	}
	// a1 is the shorter head: b1 = a1 + m, and a2 = m + b2.
	m := len(b1) - len(a1)
	return b1[:len(a1)] == a1 && a2[:m] == b1[len(a1):] && a2[m:] == b2
}
