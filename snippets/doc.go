// Package snippets holds the code that multiprom's fixes insert: Python blocks and modules for
// Flask apps, gunicorn config pieces, the Redis business-metrics module, deploy snippets and the
// Grafana starter dashboard.
//
// Python and YAML text lives in embedded text/templates (templates/*.tmpl); this package only
// chooses values and indentation. Every snippet is proven by tests that run the real programs
// (python3 -m py_compile, gunicorn -w 4, redis-server, prometheus/promtool).
//
// The package does no I/O at run time and keeps no mutable state: every function is a pure
// rendering of its parameters, so rules and code actions may call it freely.
package snippets
