package bench

import "testing"

// Every app module has the same length whatever its number, so that a
// corpus of 2n modules is twice one of n: the linearity rows of mpbench
// compare the times of the two, and with unpadded numbers the larger
// corpus held 2.018 times the bytes (bench/RESULTS.md, eleventh session).
func TestAppModulesHaveOneLength(t *testing.T) {
	want := len(appModule(1))
	for _, i := range []int{2, 9, 10, 99, 100, 999, 1000, 1999, 9999} {
		if got := len(appModule(i)); got != want {
			t.Errorf("module %d: %d bytes, module 1: %d", i, got, want)
		}
	}
}

// The doubled corpus is twice the bytes of the single one, but for what
// does not scale: the files every corpus has once, and module 0, which
// has no previous module to import. 8 and 16 modules: the numbers 10-15
// have a digit more than 0-9.
func TestDoubledCorpusIsTwiceTheBytes(t *testing.T) {
	one, two := pySize(t, 8), pySize(t, 16)
	moduleZero := int64(len(appModule(1)) - len(appModule(0)))
	if off := two - 2*one; off < 0 || off > moduleZero {
		t.Errorf("8 modules: %d bytes, 16 modules: %d: %d bytes more than twice", one, two, off)
	}
}

func pySize(t *testing.T, modules int) int64 {
	t.Helper()
	dir := t.TempDir()
	if _, err := Generate(dir, Corpus{Modules: modules}); err != nil {
		t.Fatal(err)
	}
	n, err := PythonBytes(dir)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
