package main

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// A target is one release platform, named as VS Code names it (the names
// editors/vscode/scripts/package.sh and the release workflow use).
type target struct {
	Name       string // linux-x64, darwin-arm64, …
	GOOS       string
	GOARCH     string
	WheelArch  string // the arch part of the wheel's platform tag
	Executable string // the binary's file name in the wheel
}

var targets = []target{
	{"linux-x64", "linux", "amd64", "x86_64", "multiprom"},
	{"linux-arm64", "linux", "arm64", "aarch64", "multiprom"},
	{"darwin-x64", "darwin", "amd64", "x86_64", "multiprom"},
	{"darwin-arm64", "darwin", "arm64", "arm64", "multiprom"},
	{"win32-x64", "windows", "amd64", "amd64", "multiprom.exe"},
}

func findTarget(name string) (target, error) {
	var names []string
	for _, t := range targets {
		if t.Name == name {
			return t, nil
		}
		names = append(names, t.Name)
	}
	return target{}, fmt.Errorf("unknown target %q (one of %s)", name, strings.Join(names, ", "))
}

// binaryFacts is what the platform tag depends on, read from the binary.
type binaryFacts struct {
	GOOS, GOARCH string
	// Glibc is the newest GLIBC_2.N symbol version an ELF binary needs
	// (N), or 0 when it needs none (a static binary).
	Glibc int
	// MacOS is the minimum macOS a Mach-O binary declares, as major and
	// minor (LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX).
	MacOS [2]int
}

// staticGlibcFloor is the manylinux level given to a binary that needs no
// glibc symbol at all: 2.17 is manylinux2014, the oldest level pip and uv
// still treat as current, and a static binary runs on any of them.
const staticGlibcFloor = 17

// platformTag is the wheel platform tag for a binary of target t:
// manylinux_2_<glibc>_<arch>, macosx_<major>_<minor>_<arch> or win_<arch>.
func platformTag(t target, f binaryFacts) (string, error) {
	if f.GOOS != t.GOOS || f.GOARCH != t.GOARCH {
		return "", fmt.Errorf("the binary is for %s/%s, not %s (%s/%s)", f.GOOS, f.GOARCH, t.Name, t.GOOS, t.GOARCH)
	}
	switch t.GOOS {
	case "linux":
		glibc := max(f.Glibc, staticGlibcFloor)
		return fmt.Sprintf("manylinux_2_%d_%s", glibc, t.WheelArch), nil
	case "darwin":
		major, minor := f.MacOS[0], f.MacOS[1]
		if major == 0 {
			return "", errors.New("the Mach-O binary declares no minimum macOS version")
		}
		// From macOS 11 on, pip and uv match only <major>_0 tags: a minor
		// above 0 rounds up to the next major, the only tag that is not
		// a promise the binary cannot keep.
		if major >= 11 && minor > 0 {
			major, minor = major+1, 0
		}
		return fmt.Sprintf("macosx_%d_%d_%s", major, minor, t.WheelArch), nil
	case "windows":
		return "win_" + t.WheelArch, nil
	}
	return "", fmt.Errorf("no wheel platform for %s", t.GOOS)
}

// targetOf names the target a binary was built for.
func targetOf(f binaryFacts) (target, error) {
	for _, t := range targets {
		if t.GOOS == f.GOOS && t.GOARCH == f.GOARCH {
			return t, nil
		}
	}
	return target{}, fmt.Errorf("no release target for a %s/%s binary", f.GOOS, f.GOARCH)
}

// readFacts reads the format, architecture and OS requirements of an
// executable: ELF, Mach-O or PE, by their own parsers.
func readFacts(path string) (binaryFacts, error) {
	r, err := os.Open(path)
	if err != nil {
		return binaryFacts{}, err
	}
	defer r.Close()
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil {
		return binaryFacts{}, fmt.Errorf("%s: not an executable: %w", path, err)
	}
	var facts binaryFacts
	switch {
	case string(magic[:]) == elf.ELFMAG:
		facts, err = elfFacts(r)
	case magic[0] == 'M' && magic[1] == 'Z':
		facts, err = peFacts(r)
	default:
		facts, err = machoFacts(r)
	}
	if err != nil {
		return binaryFacts{}, fmt.Errorf("%s: %w", path, err)
	}
	return facts, nil
}

// The GOARCH of each executable format's machine field.
var (
	elfArch   = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}
	machoArch = map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}
	peArch    = map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}
)

func elfFacts(r *os.File) (binaryFacts, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return binaryFacts{}, err
	}
	facts := binaryFacts{GOOS: "linux", GOARCH: elfArch[f.Machine]}
	if facts.GOARCH == "" {
		return binaryFacts{}, fmt.Errorf("ELF machine %v has no release target", f.Machine)
	}
	if f.SectionByType(elf.SHT_DYNSYM) == nil {
		return facts, nil // static: it needs no glibc at all
	}
	if f.SectionByType(elf.SHT_GNU_VERSYM) == nil {
		return binaryFacts{}, errors.New("dynamically linked without symbol versions: not a glibc binary, so no manylinux tag fits")
	}
	needs, err := f.DynamicVersionNeeds()
	if err != nil {
		return binaryFacts{}, fmt.Errorf("reading ELF version needs: %w", err)
	}
	for _, lib := range needs {
		for _, dep := range lib.Needs {
			if n, ok := glibcMinor(dep.Dep); ok {
				facts.Glibc = max(facts.Glibc, n)
			}
		}
	}
	return facts, nil
}

// glibcMinor reads N from a "GLIBC_2.N" or "GLIBC_2.N.M" version name.
func glibcMinor(version string) (int, bool) {
	rest, ok := strings.CutPrefix(version, "GLIBC_2.")
	if !ok {
		return 0, false
	}
	rest, _, _ = strings.Cut(rest, ".")
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

func peFacts(r *os.File) (binaryFacts, error) {
	f, err := pe.NewFile(r)
	if err != nil {
		return binaryFacts{}, err
	}
	facts := binaryFacts{GOOS: "windows", GOARCH: peArch[f.Machine]}
	if facts.GOARCH == "" {
		return binaryFacts{}, fmt.Errorf("PE machine %#x has no release target", f.Machine)
	}
	return facts, nil
}

// Mach-O load commands debug/macho keeps only as raw bytes.
const (
	lcVersionMinMacOSX = 0x24
	lcBuildVersion     = 0x32
	platformMacOS      = 1
)

func machoFacts(r *os.File) (binaryFacts, error) {
	f, err := macho.NewFile(r)
	if err != nil {
		return binaryFacts{}, fmt.Errorf("not an ELF, Mach-O or PE executable: %w", err)
	}
	facts := binaryFacts{GOOS: "darwin", GOARCH: machoArch[f.Cpu]}
	if facts.GOARCH == "" {
		return binaryFacts{}, fmt.Errorf("Mach-O CPU %v has no release target", f.Cpu)
	}
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) < 16 {
			continue
		}
		var minos uint32
		switch f.ByteOrder.Uint32(raw) {
		case lcBuildVersion: // cmd, cmdsize, platform, minos, …
			if f.ByteOrder.Uint32(raw[8:]) != platformMacOS {
				continue
			}
			minos = f.ByteOrder.Uint32(raw[12:])
		case lcVersionMinMacOSX: // cmd, cmdsize, version, sdk
			minos = f.ByteOrder.Uint32(raw[8:])
		default:
			continue
		}
		// Encoded as xxxx.yy.zz in nibbles: major in the top 16 bits.
		facts.MacOS = [2]int{int(minos >> 16), int(minos >> 8 & 0xff)}
	}
	return facts, nil
}
