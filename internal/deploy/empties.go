package deploy

import (
	"path"
	"strings"
)

// Empties reports whether removing target (a Cleanup's) empties dir: it
// removes dir itself, its files (dir/*) or its *.db files, or a folder above
// it (rm -rf of a parent or its /*, a tmpfs or emptyDir mounted above it).
// A target written as ${NAME}, for one of the names of the variable that
// holds dir, empties it whatever its value.
func Empties(target, dir string, names ...string) bool {
	t, onlyDB := strings.CutSuffix(strings.TrimSuffix(target, "/"), "/*.db")
	t = strings.TrimSuffix(strings.TrimSuffix(t, "/*"), "/")
	for _, n := range names {
		if t == "${"+n+"}" {
			return true
		}
	}
	if !path.IsAbs(t) || dir == "" || strings.ContainsAny(t, "*?[") {
		return false
	}
	d, t := path.Clean(dir), path.Clean(t)
	if t == d {
		return true
	}
	return !onlyDB && t != "/" && strings.HasPrefix(d, t+"/")
}

// EmptiesRelative is Empties for a relative clean-up target and a relative
// directory written in the same file (`rm -rf ./tmp` and
// `export PROMETHEUS_MULTIPROC_DIR=$(pwd)/tmp`, `rm metrics/*` and
// `gunicorn --env prometheus_multiproc_dir=./metrics`): both are relative to
// the one working directory the file runs in.
func EmptiesRelative(target, dir string) bool {
	rel := func(p string) bool { return p != "" && !path.IsAbs(p) && !strings.HasPrefix(p, "$") }
	if !rel(target) || !rel(dir) {
		return false
	}
	return Empties("/"+target, "/"+dir)
}
