package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// distribution is the Python distribution name: the command's own name,
// free on PyPI (see README.md, "Install").
const distribution = "multiprom"

// wheelTime stamps every entry, so one binary always makes the same wheel.
var wheelTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// A wheel is the spec's zip (packaging.python.org, "Binary distribution
// format"): the binary under <dist>-<version>.data/scripts/, which
// installers copy onto the PATH, and the .dist-info metadata, last.
type wheel struct {
	Version  string // PEP 440
	Platform string // e.g. manylinux_2_34_x86_64
	Exe      string // file name of the binary in scripts/
	Binary   []byte
}

func (w wheel) fileName() string {
	return fmt.Sprintf("%s-%s-py3-none-%s.whl", distribution, w.Version, w.Platform)
}

type entry struct {
	name string
	mode fs.FileMode
	data []byte
}

func (w wheel) entries() []entry {
	data := fmt.Sprintf("%s-%s.data", distribution, w.Version)
	info := fmt.Sprintf("%s-%s.dist-info", distribution, w.Version)
	metadata := fmt.Sprintf(`Metadata-Version: 2.1
Name: %s
Version: %s
Summary: Finds and fixes Prometheus client bugs in Python apps served by multi-worker gunicorn (linter and language server)
Home-page: https://github.com/multiprom/multiprom
License: MIT
Requires-Python: >=3.7
Classifier: Programming Language :: Python :: 3
Classifier: Topic :: Software Development :: Quality Assurance

`, distribution, w.Version)
	wheelFile := fmt.Sprintf(`Wheel-Version: 1.0
Generator: multiprom scripts/mkwheel
Root-Is-Purelib: false
Tag: py3-none-%s
`, w.Platform)
	return []entry{
		{data + "/scripts/" + w.Exe, 0o755, w.Binary},
		{info + "/METADATA", 0o644, []byte(metadata)},
		{info + "/WHEEL", 0o644, []byte(wheelFile)},
	}
}

// recordLine is one RECORD row: path, sha256=<urlsafe base64, no padding>, size.
func recordLine(e entry) string {
	sum := sha256.Sum256(e.data)
	return fmt.Sprintf("%s,sha256=%s,%d\n", e.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(e.data))
}

// bytes renders the wheel's zip.
func (w wheel) bytes() ([]byte, error) {
	entries := w.entries()
	var record strings.Builder
	for _, e := range entries {
		record.WriteString(recordLine(e))
	}
	recordName := fmt.Sprintf("%s-%s.dist-info/RECORD", distribution, w.Version)
	record.WriteString(recordName + ",,\n")
	entries = append(entries, entry{recordName, 0o644, []byte(record.String())})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: wheelTime}
		h.SetMode(e.mode) // unix mode in the external attributes: pip keeps the x bit
		f, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write puts the wheel in dir and returns its path.
func (w wheel) write(dir string) (string, error) {
	b, err := w.bytes()
	if err != nil {
		return "", fmt.Errorf("zipping the wheel: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, w.fileName())
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

var (
	releaseVersion = regexp.MustCompile(`^\d+(\.\d+)*$`)
	preRelease     = regexp.MustCompile(`^(\d+(?:\.\d+)*)-(alpha|beta|rc)\.?(\d+)$`)
)

// pep440 turns the extension's semver into the wheel's version: a release
// stays as it is, 1.2.0-rc.1 becomes 1.2.0rc1 (alpha a, beta b); anything
// else is refused rather than guessed.
func pep440(semver string) (string, error) {
	if releaseVersion.MatchString(semver) {
		return semver, nil
	}
	if m := preRelease.FindStringSubmatch(semver); m != nil {
		short := map[string]string{"alpha": "a", "beta": "b", "rc": "rc"}[m[2]]
		return m[1] + short + m[3], nil
	}
	return "", fmt.Errorf("version %q has no PEP 440 form: use X.Y.Z or X.Y.Z-alpha.N, -beta.N, -rc.N", semver)
}
