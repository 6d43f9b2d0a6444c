// Package snippets holds the code that multiprom's fixes insert: Python blocks and modules for
// Flask apps, gunicorn config pieces, the Redis business-metrics module, deploy snippets and the
// Grafana starter dashboard.
//
// Python and YAML text lives in embedded text/templates (templates/*.tmpl); this package only
// chooses values and indentation. Every snippet is proven by tests that run the real programs
// (python3 -m py_compile + pyflakes, gunicorn -w 4, redis-server, prometheus, promtool).
//
// Decisions the tests pin down:
//   - Raw flavour: the inserted block is one call, init_metrics(app), into a generated
//     prom_metrics.py holding module-level metrics (create_app() can run twice) and a metrics
//     view that builds a fresh registry per scrape. Under PROMETHEUS_MULTIPROC_DIR that
//     registry gets a MultiProcessCollector plus Process/Platform/GC collectors; the latter
//     describe only the worker answering the scrape (that is what makes worker counting from
//     process_start_time_seconds possible), they are not aggregates. Without the variable the
//     default registry is served (flask run, pytest).
//   - on_starting deletes every *.db except the master's own: with preload_app the master has
//     already imported the app and written this run's values (app_info) before on_starting.
//   - Import lines each import one name, so callers can merge them by line without
//     importing a name twice.
//   - Business metrics live in Redis; every replica exposes the same totals, so the dashboard
//     aggregates them with max(), not sum().
//   - Gauges use only multiprocess_mode values every prometheus_client accepts (livesum, max):
//     snippets do not know the project's client version (deps.GaugeModes has which needs what).
//
// The package does no I/O and keeps no mutable state: every function is a pure rendering of its
// parameters, so rules and code actions may call it freely.
package snippets
