package project

import "strings"

// envSetIndex is Facts.EnvSets as per-file rules ask for it. Built once per
// project: a rule that scanned all the sets for each file (and again for
// each finding) was quadratic in files × sets.
type envSetIndex struct {
	byFile map[*File][]*EnvSet // each file's sets, in Facts.EnvSets order
	// reachesMaster is Facts.EnvVarSet().
	reachesMaster bool
	// masterValues are the first two distinct literal values that reach
	// the master: enough to tell whether some value differs from a given
	// one.
	masterValues []string
}

// envSetKey keys the project's envSetIndex (Project.Memo).
type envSetKey struct{}

func (p *Project) envSetIndex() *envSetIndex {
	return p.Memo(envSetKey{}, func() any { return buildEnvSetIndex(p.Facts.EnvSets) }).(*envSetIndex)
}

func buildEnvSetIndex(sets []*EnvSet) *envSetIndex {
	x := &envSetIndex{byFile: map[*File][]*EnvSet{}}
	for _, e := range sets {
		x.byFile[e.File] = append(x.byFile[e.File], e)
		if !e.ReachesMaster {
			continue
		}
		x.reachesMaster = true
		if isLiteralMasterValue(e.Value) && len(x.masterValues) < 2 && (len(x.masterValues) == 0 || x.masterValues[0] != e.Value) {
			x.masterValues = append(x.masterValues, e.Value)
		}
	}
	return x
}

// isLiteralMasterValue reports whether v is a value the master gets as
// written: a "$" is expanded by a shell, compose or systemd first.
func isLiteralMasterValue(v string) bool {
	return v != "" && !strings.Contains(v, "$")
}

// EnvSetsIn returns the places in f that set the multiprocess dir, in
// Facts.EnvSets order.
func (p *Project) EnvSetsIn(f *File) []*EnvSet { return p.envSetIndex().byFile[f] }

// EnvVarReachesMaster is Facts.EnvVarSet, computed once per project.
func (p *Project) EnvVarReachesMaster() bool { return p.envSetIndex().reachesMaster }

// MasterValueDiffers reports whether a set that reaches the gunicorn
// master has a literal value (non-empty, without "$") other than v.
func (p *Project) MasterValueDiffers(v string) bool {
	for _, m := range p.envSetIndex().masterValues {
		if m != v {
			return true
		}
	}
	return false
}
