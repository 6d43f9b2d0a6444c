package codeactions

import (
	"fmt"
	"io"

	"github.com/hexops/gotextdiff"
	"github.com/hexops/gotextdiff/myers"
	"github.com/hexops/gotextdiff/span"
)

// WriteDiff prints a unified diff of every changed and created file, with
// display paths produced by name (e.g. relative to the current directory).
func WriteDiff(w io.Writer, read map[string][]byte, res *Result, name func(rel string) string) error {
	for _, rel := range sortedKeys(res.Changed) {
		if err := unified(w, name(rel), name(rel), string(read[rel]), string(res.Changed[rel])); err != nil {
			return err
		}
	}
	for _, rel := range sortedKeys(res.Created) {
		if err := unified(w, "/dev/null", name(rel), "", string(res.Created[rel])); err != nil {
			return err
		}
	}
	return nil
}

func unified(w io.Writer, from, to, before, after string) error {
	edits := myers.ComputeEdits(span.URIFromPath(to), before, after)
	if len(edits) == 0 {
		return nil
	}
	if from != "/dev/null" {
		from = "a/" + from
	}
	_, err := fmt.Fprint(w, gotextdiff.ToUnified(from, "b/"+to, before, edits))
	if err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}
