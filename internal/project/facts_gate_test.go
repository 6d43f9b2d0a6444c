package project

import "testing"

func TestIsTestFile(t *testing.T) {
	for path, want := range map[string]bool{
		"tests/helpers.py": true, "app/tests/x.py": true, "app/test/x.py": true, "test_x.py": true,
		"app/x_test.py": true, "conftest.py": true, "app/conftest.py": true,
		"app/testing/x.py": false, "app/views.py": false, "x.py": false, "contest/x.py": false, "app/tests.py": false,
	} {
		if got := IsTestFile(&File{Path: path}); got != want {
			t.Errorf("IsTestFile(%q) = %v, want %v", path, got, want)
		}
	}
}
