package snippets

// UwsgiEnv is the uWSGI setting that puts the multiprocess directory in
// uWSGI's own environment. uWSGI applies `env =` while it reads its
// configuration: before the exec-asap commands, before the master loads the
// app (without lazy-apps) and before any fork, so master and workers see it
// (checked with uWSGI 2.0.21).
func UwsgiEnv(p Params) (name, value string) {
	return "env", "PROMETHEUS_MULTIPROC_DIR=" + p.withDefaults().MultiprocDir
}

// UwsgiCleanup is the uWSGI setting that empties the directory once per
// start: exec-asap runs its command with /bin/sh in the master as soon as
// the configuration is read, before the app is loaded and before any worker
// exists, and again at each reload that re-executes the master (when every
// worker is gone). It creates the directory and removes the previous run's
// *.db files; a failure stops uWSGI rather than serving wrong totals. The
// variable is the one the environment holds, wherever it was set.
func UwsgiCleanup() (name, value string) {
	return "exec-asap", `mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db`
}
