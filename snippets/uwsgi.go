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

// UwsgiMarkDead is the code an app module served by uWSGI gets in place of
// gunicorn's child_exit, which uWSGI has no equivalent of (no hook runs in
// the master when a worker dies). The worker uWSGI forks to replace a dead
// one calls mark_process_dead for every pid with live* gauge files that
// uwsgi.workers() no longer lists: at import when the worker loads the app
// itself (lazy-apps), else from uwsgi.post_fork_hook (set at import in the
// master, chained to a hook already there). Outside uWSGI (flask run,
// pytest) or without the variable it does nothing.
func UwsgiMarkDead() string {
	return `# multiprom: uWSGI has no hook in the master when a worker dies (gunicorn's
# child_exit). The worker that replaces it marks the dead pids, so their
# live* gauge files stop counting.
def _multiprom_mark_dead_workers():
    import glob
    import os
    import re

    import uwsgi
    from prometheus_client import multiprocess

    live = {w["pid"] for w in uwsgi.workers()} | {uwsgi.masterpid()}
    pattern = os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "gauge_live*_*.db")
    for path in glob.glob(pattern):
        pid = int(re.search(r"_(\d+)\.db$", path).group(1))
        if pid not in live:
            multiprocess.mark_process_dead(pid)


def _multiprom_setup_uwsgi():
    import os

    try:
        import uwsgi
    except ImportError:  # not under uWSGI: flask run, pytest
        return
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return
    if uwsgi.worker_id() > 0:  # lazy-apps: this worker loads the app itself
        _multiprom_mark_dead_workers()
        return
    previous = getattr(uwsgi, "post_fork_hook", None)

    def post_fork():
        if previous is not None:
            previous()
        _multiprom_mark_dead_workers()

    uwsgi.post_fork_hook = post_fork


_multiprom_setup_uwsgi()
`
}
