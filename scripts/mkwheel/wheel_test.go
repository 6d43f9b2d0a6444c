package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"
)

// The zip holds the binary executable under .data/scripts/, METADATA and
// WHEEL as the spec words them, and a RECORD whose every digest and size
// is that of the bytes stored.
func TestWheelContents(t *testing.T) {
	w := wheel{Version: "1.2.0rc1", Platform: "manylinux_2_34_x86_64", Exe: "multiprom", Binary: []byte("\x7fELF pretend binary")}
	if got := w.fileName(); got != "multiprom-1.2.0rc1-py3-none-manylinux_2_34_x86_64.whl" {
		t.Errorf("file name %s", got)
	}
	b, err := w.bytes()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = data
		names = append(names, fmt.Sprintf("%s %v", f.Name, f.Mode()))
	}
	want := []string{
		"multiprom-1.2.0rc1.data/scripts/multiprom -rwxr-xr-x",
		"multiprom-1.2.0rc1.dist-info/METADATA -rw-r--r--",
		"multiprom-1.2.0rc1.dist-info/WHEEL -rw-r--r--",
		"multiprom-1.2.0rc1.dist-info/RECORD -rw-r--r--",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if !bytes.Equal(files["multiprom-1.2.0rc1.data/scripts/multiprom"], w.Binary) {
		t.Error("the binary is not stored as given")
	}
	wheelFile := string(files["multiprom-1.2.0rc1.dist-info/WHEEL"])
	for _, line := range []string{"Wheel-Version: 1.0\n", "Root-Is-Purelib: false\n", "Tag: py3-none-manylinux_2_34_x86_64\n"} {
		if !strings.Contains(wheelFile, line) {
			t.Errorf("WHEEL lacks %q:\n%s", line, wheelFile)
		}
	}
	metadata := string(files["multiprom-1.2.0rc1.dist-info/METADATA"])
	if !strings.HasPrefix(metadata, "Metadata-Version: 2.1\nName: multiprom\nVersion: 1.2.0rc1\n") {
		t.Errorf("METADATA:\n%s", metadata)
	}

	rows := strings.Split(strings.TrimSuffix(string(files["multiprom-1.2.0rc1.dist-info/RECORD"]), "\n"), "\n")
	if len(rows) != 4 || rows[3] != "multiprom-1.2.0rc1.dist-info/RECORD,," {
		t.Fatalf("RECORD rows: %q", rows)
	}
	for _, row := range rows[:3] {
		parts := strings.Split(row, ",")
		data, ok := files[parts[0]]
		if !ok {
			t.Errorf("RECORD names %s, not in the zip", parts[0])
			continue
		}
		sum := sha256.Sum256(data)
		if want := "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]); parts[1] != want {
			t.Errorf("%s: digest %s, want %s", parts[0], parts[1], want)
		}
		if parts[2] != fmt.Sprint(len(data)) {
			t.Errorf("%s: size %s, want %d", parts[0], parts[2], len(data))
		}
	}
}

func TestPEP440(t *testing.T) {
	for in, want := range map[string]string{"0.1.0": "0.1.0", "1.2.0-rc.1": "1.2.0rc1", "1.2.0-beta.2": "1.2.0b2", "2.0.0-alpha3": "2.0.0a3"} {
		if got, err := pep440(in); err != nil || got != want {
			t.Errorf("pep440(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := pep440("1.2.0-nightly+abc"); err == nil || !strings.Contains(err.Error(), `"1.2.0-nightly+abc"`) {
		t.Errorf("err = %v, want the version named", err)
	}
}
