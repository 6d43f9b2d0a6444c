package project

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// ReserveHeap is asked once, for
// heapPerSourceByte per byte of Python source, and the scan is the same
// with it as without.
func TestScanReserveHeap(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "demo")
	var pyBytes int64
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".py") {
			info, err := e.Info()
			if err != nil {
				return err
			}
			pyBytes += info.Size()
		}
		return err
	})
	if err != nil || pyBytes == 0 {
		t.Fatalf("demo: %d bytes of Python, %v", pyBytes, err)
	}
	var asked []int64
	ctx := context.Background()
	with, err := ScanWith(ctx, root, ScanOptions{ReserveHeap: func(n int64) { asked = append(asked, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != heapPerSourceByte*pyBytes {
		t.Errorf("ReserveHeap asked for %v, want once for %d bytes", asked, heapPerSourceByte*pyBytes)
	}
	without, err := ScanWith(ctx, root, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(with)
	b, _ := json.Marshal(without)
	if string(a) != string(b) {
		t.Error("the scan differs with ReserveHeap set")
	}
}
