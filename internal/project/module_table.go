package project

// moduleTable resolves dotted module names to the project's Python files.
// It holds positions in the path-ordered file list rather than files, so
// that a project derived from an earlier one with the same paths (an edit
// changes contents, not paths) takes the table over and resolves to its
// own files.
type moduleTable struct {
	byName map[string]int32
	// bySuffix maps every proper dotted suffix of a module name ("b.c" and
	// "c" for "a.b.c") to its file, or to -1 when several files share it.
	bySuffix map[string]int32
}

func newModuleTable(files []*File) *moduleTable {
	// Sized up front: growing maps of a large project by rehashing showed
	// in the model's profile.
	t := &moduleTable{byName: make(map[string]int32, len(files)), bySuffix: make(map[string]int32, 2*len(files))}
	for i, f := range files {
		at := int32(i)
		name := f.ModuleName()
		t.byName[name] = at
		for j := 0; j < len(name); j++ {
			if name[j] != '.' {
				continue
			}
			suffix := name[j+1:]
			if prev, seen := t.bySuffix[suffix]; seen && prev != at {
				t.bySuffix[suffix] = -1 // ambiguous
			} else {
				t.bySuffix[suffix] = at
			}
		}
	}
	return t
}

// resolve finds the file, among the files the table was made from (or
// files with the same paths), of a dotted module name: exact, or the one
// file whose module name ends with ".name" (the project root may sit above
// the directory Python runs from, e.g. src/ or a service folder).
func (t *moduleTable) resolve(files []*File, name string) *File {
	if name == "" {
		return nil
	}
	at, ok := t.byName[name]
	if !ok {
		at, ok = t.bySuffix[name]
	}
	if !ok || at < 0 {
		return nil
	}
	return files[at]
}
