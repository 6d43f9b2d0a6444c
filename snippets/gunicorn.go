package snippets

import "strings"

// GunicornPreamble is the text for the VERY TOP of a gunicorn config, before any other import:
// os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", dir) and os.makedirs(dir, exist_ok=True).
// setdefault lets the shell, Dockerfile or systemd unit still choose the directory.
func GunicornPreamble(p Params) string {
	return mustRender("gunicorn_preamble", p.withDefaults())
}

// OnStartingHook is an on_starting(server) hook that deletes the *.db files a previous run left,
// keeping those the master itself wrote during preload_app. It imports what it uses.
func OnStartingHook(p Params) string {
	return mustRender("on_starting", p.withDefaults())
}

// ChildExitHook is a child_exit(server, worker) hook that marks the worker dead: mark_process_dead
// (raw) or GunicornPrometheusMetrics.mark_process_dead_on_child_exit (exporter), imported inside
// the body so the config never imports prometheus_client at module level.
func ChildExitHook(p Params) string {
	return mustRender("child_exit", p.withDefaults())
}

// GunicornConfig is a complete new gunicorn.conf.py: preamble, `workers = <workers>` (a Python
// expression; "" means the value of WEB_CONCURRENCY or 2 x CPUs + 1) and both hooks.
func GunicornConfig(p Params, workers string) string {
	if strings.TrimSpace(workers) == "" {
		workers = `int(os.environ.get("WEB_CONCURRENCY", 2 * os.cpu_count() + 1))`
	}
	return mustRender("gunicorn_conf", struct {
		P       Params
		Workers string
	}{p.withDefaults(), workers})
}
