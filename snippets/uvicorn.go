package snippets

import "strings"

// UvicornExport is the start-script line that gives the process running
// `uvicorn --workers N` the multiprocess directory: uvicorn spawns its
// workers (multiprocessing spawn), and each inherits that environment. A
// directory the script is already given wins, as os.environ.setdefault
// does in the gunicorn preamble.
func UvicornExport(p Params) string {
	dir := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p.withDefaults().MultiprocDir)
	return `export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-` + dir + `}"`
}

// UvicornCleanup is the start-script line that empties the directory before
// uvicorn starts: uvicorn has no hook in its parent process, and app code
// runs in every worker, where it would delete the live workers' files. It
// creates the directory and removes the previous run's *.db files (rm -f of
// a glob that matches nothing succeeds, and a directory that is a mount
// point is kept, so `set -e` scripts go on). name is the variable the
// environment holds (the lowercase legacy name where only that is set).
func UvicornCleanup(name string) string {
	return `mkdir -p "$` + name + `" && rm -f "$` + name + `"/*.db`
}

// DockerfileEnv is the Dockerfile instruction that sets the directory for
// the command the image runs.
func DockerfileEnv(p Params) string {
	return "ENV PROMETHEUS_MULTIPROC_DIR=" + shellWord(p.withDefaults().MultiprocDir)
}

// shellWord quotes s for sh (and Dockerfile ENV, which follows the same
// quoting) when it holds more than safe path characters.
func shellWord(s string) string {
	if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:,@%=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
