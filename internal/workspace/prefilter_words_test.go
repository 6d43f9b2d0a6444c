package workspace

import (
	"math/rand"
	"testing"
)

// TestWordMatcherMatchesSearch: the one-pass matcher finds a word exactly
// when searching for it with boundary checks does, on random sources and
// words (identifiers, non-ASCII, dashes, dots and the empty word).
func TestWordMatcherMatchesSearch(t *testing.T) {
	alphabet := []string{"a", "b", "_", "1", " ", ".", "-", "(", "\n", "é", "G"}
	rnd := rand.New(rand.NewSource(7))
	gen := func(n int) string {
		s := ""
		for i := 0; i < n; i++ {
			s += alphabet[rnd.Intn(len(alphabet))]
		}
		return s
	}
	for i := 0; i < 20000; i++ {
		src := []byte(gen(rnd.Intn(30)))
		var words []string
		for k := rnd.Intn(4); k >= 0; k-- {
			words = append(words, gen(rnd.Intn(4)))
		}
		if got, want := newWordMatcher(words).in(src), searchWords(src, words); got != want {
			t.Fatalf("words %q in %q: matcher %v, search %v", words, src, got, want)
		}
	}
}
