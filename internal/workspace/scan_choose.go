package workspace

import (
	"path"
	"strings"
)

// This file holds the indexes that let choosePython decide in time linear
// in the project's bytes. Its two questions were answered by rescanning
// sources: each round of relevance spreading searched every pending file
// (a keyword-free import chain of 3,000 modules made 3,000 rounds), and
// every Python file searched every non-Python file for its name (3,000 of
// each: 9 million searches). The answers must stay exactly those of the
// searches: the tests compare them with the searches on tricky cases.

// spreader finds, round by round, the pending Python files that mention a
// word spread by the files made relevant in the previous round, as
// wordMatcher.in would on each pending source.
type spreader struct {
	srcs  [][]byte // the pending files' sources
	taken []bool   // made relevant in some round
	// index maps each identifier of a pending file to the files holding
	// it as a whole identifier (a maximal run of identifier bytes, which
	// is what wordMatcher matches). It is built on the second round: a
	// project that needs one round pays one scan, as before.
	index map[string]int32 // identifier → its list in files
	files [][]int32
	// seen are the words already spread: every pending file holding one
	// was taken in that round, so searching again can find nothing new.
	seen   map[string]bool
	rounds int
	left   int // files not taken
}

func newSpreader(srcs [][]byte) *spreader {
	return &spreader{srcs: srcs, taken: make([]bool, len(srcs)), seen: map[string]bool{}, left: len(srcs)}
}

// take marks the untaken files that hold one of words as a whole
// identifier and returns their positions in srcs.
func (s *spreader) take(words []string) []int {
	var fresh []string
	for _, w := range words {
		if w != "" && !s.seen[w] {
			s.seen[w] = true
			fresh = append(fresh, w)
		}
	}
	defer func() { s.rounds++ }()
	m := newWordMatcher(fresh)
	if s.rounds == 0 {
		return s.scan(m.in)
	}
	if s.index == nil {
		s.index, s.files = identIndex(s.srcs, s.taken)
	}
	var got []int
	for w := range m.idents {
		l, ok := s.index[w]
		if !ok {
			continue
		}
		for _, k := range s.files[l] {
			if !s.taken[k] {
				s.taken[k] = true
				s.left--
				got = append(got, int(k))
			}
		}
		s.files[l] = nil // all its files are taken now
	}
	if len(m.others) > 0 {
		// A word with other bytes (a module file named my-jobs.py) is
		// not one identifier: search the untaken sources for it, as
		// wordMatcher does. No import chain can pass through such names.
		got = append(got, s.scan(func(src []byte) bool { return searchWords(src, m.others) })...)
	}
	return got
}

// scan takes the untaken files on which match holds.
func (s *spreader) scan(match func(src []byte) bool) []int {
	var got []int
	for k, src := range s.srcs {
		if !s.taken[k] && match(src) {
			s.taken[k] = true
			s.left--
			got = append(got, k)
		}
	}
	return got
}

// identIndex maps each identifier of the untaken sources to a list in
// files of the positions of the sources that hold it, each position once
// and in order. Lists are found through the map without allocating: only
// a new identifier allocates its key.
func identIndex(srcs [][]byte, taken []bool) (index map[string]int32, files [][]int32) {
	index = map[string]int32{}
	for k, src := range srcs {
		if taken[k] {
			continue
		}
		eachIdent(src, func(id []byte) {
			l, ok := index[string(id)]
			if !ok {
				l = int32(len(files))
				index[string(id)] = l
				files = append(files, nil)
			}
			// Positions are appended in order: a repeat of the
			// identifier in the same file ends the list.
			if n := len(files[l]); n == 0 || files[l][n-1] != int32(k) {
				files[l] = append(files[l], int32(k))
			}
		})
	}
	return index, files
}

// eachIdent calls fn with each maximal run of identifier bytes of src, the
// units wordMatcher.in compares.
func eachIdent(src []byte, fn func(id []byte)) {
	for i, j := nextIdent(src, 0); i < j; i, j = nextIdent(src, j) {
		fn(src[i:j])
	}
}

// mentionNames are the names by which a deploy file may run the Python
// file at p: its base name (worker.py, gunicorn -c conf/prod.py), found as
// any substring, and its module stem (python -m pkg.tasks, -c
// python:pkg.conf; a package's directory for __init__.py), found as a
// whole word.
func mentionNames(p string) (base, stem string) {
	base = path.Base(p)
	stem = strings.TrimSuffix(base, ".py")
	if stem == "__init__" {
		stem = path.Base(path.Dir(p))
	}
	return base, stem
}

// deployMentions reports, for each Python path, whether a non-Python file
// in others names it (mentionNames): one pass over others for all the base
// names (substringSet) and one for all the stems that are identifiers,
// instead of searching every non-Python file for every Python file.
func deployMentions(others [][]byte, paths []string) []bool {
	if len(others) == 0 {
		return make([]bool, len(paths))
	}
	bases := make([]string, len(paths))
	stems := make([]string, len(paths))
	idents := map[string]bool{} // the identifiers stems are made of; true once found
	for k, p := range paths {
		bases[k], stems[k] = mentionNames(p)
		for _, part := range identRuns(stems[k]) {
			idents[part] = false
		}
	}
	foundBase := substringSet(others, bases)
	for _, src := range others {
		eachIdent(src, func(id []byte) {
			if found, ok := idents[string(id)]; ok && !found {
				idents[string(id)] = true
			}
		})
	}
	otherStems := map[string]bool{} // stems that are not one identifier: searched exactly, once each
	out := make([]bool, len(paths))
	for k, stem := range stems {
		switch {
		case foundBase[bases[k]]:
			out[k] = true
		case isIdentWord(stem):
			out[k] = idents[stem]
		case stem == "":
		default:
			found, ok := otherStems[stem]
			if !ok {
				found = allFound(idents, identRuns(stem)) && mentionedWordIn(others, stem)
				otherStems[stem] = found
			}
			out[k] = found
		}
	}
	return out
}

// identRuns are the maximal runs of identifier bytes of s. Where s occurs
// as a whole word each of them is a whole identifier of the source (the
// bytes around a run are non-identifier bytes of s or the word's
// boundaries), so a stem whose runs are not all found cannot occur.
func identRuns(s string) []string {
	var runs []string
	eachIdent([]byte(s), func(id []byte) { runs = append(runs, string(id)) })
	return runs
}

func allFound(found map[string]bool, words []string) bool {
	for _, w := range words {
		if !found[w] {
			return false
		}
	}
	return true
}

// mentionedWordIn reports whether one of srcs holds w as a whole word.
func mentionedWordIn(srcs [][]byte, w string) bool {
	for _, src := range srcs {
		if mentionsWord(src, []string{w}) {
			return true
		}
	}
	return false
}

// substringSet returns the patterns that occur as a substring of one of
// the texts (bytes.Contains), by an Aho–Corasick automaton: one pass over
// the texts whatever the number of patterns, where a search per pattern
// cost patterns × bytes.
func substringSet(texts [][]byte, patterns []string) map[string]bool {
	ac := newAhoCorasick(patterns)
	found := make([]bool, len(ac.fail))
	for _, t := range texts {
		ac.mark(t, found)
	}
	out := map[string]bool{}
	for _, p := range patterns {
		if p == "" {
			out[p] = len(texts) > 0 // bytes.Contains finds it anywhere
		} else if n, ok := ac.nodeOf(p); ok && found[n] {
			out[p] = true
		}
	}
	return out
}

// ahoCorasick is a trie of patterns with failure links. Edges are one map
// keyed by node and byte, not a map per node: a project's base names make
// tens of thousands of nodes.
type ahoCorasick struct {
	next     map[uint64]int32 // node<<8 | byte → child
	fail     []int32          // longest proper suffix of the node's string that is a trie node
	terminal []bool           // a pattern ends here
	dict     []int32          // nearest terminal node on the fail chain, or -1
}

func edgeKey(node int32, c byte) uint64 { return uint64(node)<<8 | uint64(c) }

func newAhoCorasick(patterns []string) *ahoCorasick {
	ac := &ahoCorasick{next: map[uint64]int32{}, fail: []int32{0}, terminal: []bool{false}}
	children := [][]int32{nil} // per node, for the breadth-first pass
	edgeByte := []byte{0}
	for _, p := range patterns {
		n := int32(0)
		for i := 0; i < len(p); i++ {
			c, ok := ac.next[edgeKey(n, p[i])]
			if !ok {
				c = int32(len(ac.fail))
				ac.next[edgeKey(n, p[i])] = c
				ac.fail = append(ac.fail, 0)
				ac.terminal = append(ac.terminal, false)
				children = append(children, nil)
				edgeByte = append(edgeByte, p[i])
				children[n] = append(children[n], c)
			}
			n = c
		}
		ac.terminal[n] = true
	}
	ac.dict = make([]int32, len(ac.fail))
	ac.dict[0] = -1
	queue := append([]int32(nil), children[0]...)
	for _, c := range children[0] {
		ac.dict[c] = -1 // fail is the root
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, c := range children[n] {
			ac.fail[c] = ac.step(ac.fail[n], edgeByte[c])
			if f := ac.fail[c]; ac.terminal[f] {
				ac.dict[c] = f
			} else {
				ac.dict[c] = ac.dict[f]
			}
			queue = append(queue, c)
		}
	}
	return ac
}

// step is the automaton's transition from node n on byte c.
func (ac *ahoCorasick) step(n int32, c byte) int32 {
	for {
		if m, ok := ac.next[edgeKey(n, c)]; ok {
			return m
		}
		if n == 0 {
			return 0
		}
		n = ac.fail[n]
	}
}

// mark sets found for the terminal nodes of the patterns occurring in t.
// A found node's dict chain was marked when it was found, so the walk
// stops there: each node is marked once, and the pass stays linear.
func (ac *ahoCorasick) mark(t []byte, found []bool) {
	n := int32(0)
	for _, c := range t {
		n = ac.step(n, c)
		d := n
		if !ac.terminal[d] {
			d = ac.dict[d]
		}
		for d >= 0 && !found[d] {
			found[d] = true
			d = ac.dict[d]
		}
	}
}

// nodeOf is the node a pattern ends at.
func (ac *ahoCorasick) nodeOf(p string) (int32, bool) {
	n := int32(0)
	for i := 0; i < len(p); i++ {
		c, ok := ac.next[edgeKey(n, p[i])]
		if !ok {
			return 0, false
		}
		n = c
	}
	return n, true
}
