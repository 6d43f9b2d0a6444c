package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// buildTiny compiles an empty Go program for goos/goarch: a real
// executable of that platform's format, in a second or two.
func buildTiny(t *testing.T, goos, goarch string, cgo bool, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tiny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tiny")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cgoEnabled := "0"
	if cgo {
		cgoEnabled = "1"
	}
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED="+cgoEnabled, "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s/%s: %v\n%s", goos, goarch, err, b)
	}
	return out
}

const emptyMain = "package main\n\nfunc main() {}\n"

func tagOf(t *testing.T, bin, targetName string) string {
	t.Helper()
	facts, err := readFacts(bin)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := findTarget(targetName)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := platformTag(tg, facts)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

// A cgo binary gets manylinux_2_N with N the newest GLIBC_2.N that objdump
// (binutils, there wherever cgo's gcc is) lists among its dynamic symbols.
func TestManylinuxTagIsTheGlibcTheBinaryNeeds(t *testing.T) {
	objdump, err := exec.LookPath("objdump")
	if err != nil {
		t.Skip("objdump (binutils) not installed")
	}
	bin := buildTiny(t, "linux", "amd64", true, "package main\n\n// #include <stdio.h>\n// void hello(void) { printf(\"hi\\n\"); }\nimport \"C\"\n\nfunc main() { C.hello() }\n")
	out, err := exec.Command(objdump, "-T", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	var minors []int
	for _, m := range regexp.MustCompile(`GLIBC_2\.(\d+)`).FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[1])
		minors = append(minors, n)
	}
	if len(minors) == 0 {
		t.Fatalf("objdump -T lists no GLIBC versions:\n%s", out)
	}
	sort.Ints(minors)
	want := "manylinux_2_" + strconv.Itoa(max(minors[len(minors)-1], staticGlibcFloor)) + "_x86_64"
	if got := tagOf(t, bin, "linux-x64"); got != want {
		t.Errorf("tag %s, want %s (objdump)", got, want)
	}
}

func TestPlatformTags(t *testing.T) {
	for _, tc := range []struct {
		target, goos, goarch, want string
	}{
		// A static binary runs on any glibc: the manylinux2014 floor.
		{"linux-x64", "linux", "amd64", "manylinux_2_17_x86_64"},
		{"linux-arm64", "linux", "arm64", "manylinux_2_17_aarch64"},
		// Go 1.25 and later declare macOS 12 (Monterey) as their minimum.
		{"darwin-arm64", "darwin", "arm64", "macosx_12_0_arm64"},
		{"darwin-x64", "darwin", "amd64", "macosx_12_0_x86_64"},
		{"win32-x64", "windows", "amd64", "win_amd64"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			t.Parallel() // a cold cache compiles each platform's runtime
			bin := buildTiny(t, tc.goos, tc.goarch, false, emptyMain)
			if got := tagOf(t, bin, tc.target); got != tc.want {
				t.Errorf("tag %s, want %s", got, tc.want)
			}
			facts, err := readFacts(bin)
			if err != nil {
				t.Fatal(err)
			}
			if tg, err := targetOf(facts); err != nil || tg.Name != tc.target {
				t.Errorf("targetOf = %v, %v; want %s", tg.Name, err, tc.target)
			}
		})
	}
}

func TestTargetMustMatchTheBinary(t *testing.T) {
	bin := buildTiny(t, "linux", "amd64", false, emptyMain)
	_, err := build(bin, "darwin-x64", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "linux/amd64, not darwin-x64") {
		t.Errorf("err = %v, want the mismatch named", err)
	}
	if _, err := build(bin, "solaris-x64", t.TempDir()); err == nil || !strings.Contains(err.Error(), `unknown target "solaris-x64"`) {
		t.Errorf("err = %v, want the unknown target named", err)
	}
	notBinary := filepath.Join(t.TempDir(), "script")
	os.WriteFile(notBinary, []byte("#!/bin/sh\n"), 0o755)
	if _, err := build(notBinary, "", t.TempDir()); err == nil || !strings.Contains(err.Error(), notBinary) {
		t.Errorf("err = %v, want the file named", err)
	}
}

// From macOS 11 on installers match only <major>_0 tags.
func TestMacOSMinorRoundsUp(t *testing.T) {
	tg, _ := findTarget("darwin-arm64")
	got, err := platformTag(tg, binaryFacts{GOOS: "darwin", GOARCH: "arm64", MacOS: [2]int{12, 3}})
	if err != nil || got != "macosx_13_0_arm64" {
		t.Errorf("got %s, %v", got, err)
	}
	tg, _ = findTarget("darwin-x64")
	got, err = platformTag(tg, binaryFacts{GOOS: "darwin", GOARCH: "amd64", MacOS: [2]int{10, 12}})
	if err != nil || got != "macosx_10_12_x86_64" {
		t.Errorf("got %s, %v", got, err)
	}
}
