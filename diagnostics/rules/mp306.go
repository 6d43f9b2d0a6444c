package rules

import (
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
)

// MetricCreatedPerCall reports metric constructors that run on every request
// or every app construction.
var MetricCreatedPerCall = &diagnostics.Rule{
	Code:       "MP306",
	Name:       "metric-created-per-call",
	Severity:   diagnostics.Error,
	Title:      "Metric constructed in a request handler, request hook or create_app",
	Frameworks: appFrameworks,
	Doc: "A prometheus_client constructor registers the new metric on the default registry. The second " +
		"call with the same name raises ValueError: Duplicated timeseries in CollectorRegistry — on the " +
		"second request to a handler (a Flask route; a Django view: a function or method taking request), or when tests call create_app() a second time. Metric objects belong " +
		"at module level: created once at import, they are fork-safe (after a fork the client notices the " +
		"new pid and reopens its files). Exporter methods (metrics.counter(...) ...) register on the " +
		"exporter's own registry and are not reported; neither is a constructor with registry=.",
	Before: `@app.route("/buy")
def buy():
    Counter("purchases", "Purchases").inc()`,
	After: `PURCHASES = Counter("purchases", "Purchases")


@app.route("/buy")
def buy():
    PURCHASES.inc()`,
	Fix: diagnostics.FixSafe,
	FixDoc: "Moves the constructor to module level, just above the top-level statement that holds it, under " +
		"an upper-case name, and uses that name in its place. Offered only when every name the constructor " +
		"references is bound at module level (no parameters or locals of the function).",
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		for _, decl := range clientDecls(pass.Project.Metrics().DeclsIn(f)) {
			c := decl.Call
			if c.Scope == nil || !decl.OnDefaultRegistry() || guardedCreation(c) {
				continue
			}
			what := perCallScope(pass.Project, f, c.Scope)
			if what == "" {
				continue
			}
			pass.Report(c.Span(), "%s is constructed in %s: the second call raises ValueError: Duplicated timeseries in CollectorRegistry; declare it once at module level", declLabel(decl), what).
				AddFix(moduleLevelFix(f, decl))
		}
	},
}

// requestDecorators are the Flask decorators whose function runs per request.
var requestDecorators = map[string]string{
	"route": "route handler", "get": "route handler", "post": "route handler", "put": "route handler",
	"delete": "route handler", "patch": "route handler",
	"before_request": "request hook", "after_request": "request hook", "teardown_request": "request hook",
	"before_app_request": "request hook", "after_app_request": "request hook", "teardown_app_request": "request hook",
	"errorhandler": "error handler", "app_errorhandler": "error handler",
}

// perCallScope describes the enclosing function that runs more than once
// per process ("route handler index()", "app factory create_app()"), or "".
// A function under @cache/@lru_cache runs once and stops the search.
func perCallScope(p *project.Project, f *project.File, fn *python.FuncDef) string {
	for ; fn != nil; fn = fn.Parent {
		for _, dec := range fn.Decorators {
			name := dec.Text
			if i := strings.IndexByte(name, '('); i >= 0 {
				name = name[:i]
			}
			name = name[strings.LastIndexByte(name, '.')+1:]
			if name == "cache" || name == "lru_cache" || name == "cached" || name == "cached_property" {
				return ""
			}
			if what, ok := requestDecorators[name]; ok {
				return what + " " + fn.Name + "()"
			}
		}
		if fn.Name == "create_app" || fn.Name == "make_app" {
			return "app factory " + fn.Name + "()"
		}
		if takesDjangoRequest(p, fn) {
			if fn.Class != "" {
				return "Django view " + fn.Class + "." + fn.Name + "()"
			}
			return "Django view " + fn.Name + "()"
		}
		for _, app := range p.Facts.Apps {
			if app.File == f && app.Factory == fn {
				return "app factory " + fn.Name + "()"
			}
		}
	}
	return ""
}

// takesDjangoRequest reports a function or method of a Django project whose
// first parameter (after self) is request: a view, a class-based view's
// get/post, a middleware's __call__ — Django calls it on every request.
func takesDjangoRequest(p *project.Project, fn *python.FuncDef) bool {
	if len(p.Facts.Django) == 0 && len(p.Facts.AppsOf(frameworks.Django)) == 0 {
		return false
	}
	i := 0
	if fn.Class != "" && len(fn.Params) > 0 && (fn.Params[0].Name == "self" || fn.Params[0].Name == "cls") {
		i = 1
	}
	return len(fn.Params) > i && fn.Params[i].Name == "request"
}

// guardedCreation reports lazy singletons (`if X is None: X = Counter(...)`,
// `if name not in cache: ...`), which construct once.
func guardedCreation(c *python.Call) bool {
	for _, cond := range c.Conds {
		t := cond.Text
		if strings.Contains(t, "None") || strings.Contains(t, " in ") || strings.Contains(t, "hasattr") || strings.Contains(t, "get(") {
			return true
		}
	}
	return false
}

// moduleLevelFix moves the constructor above the top-level statement that
// holds it, when all its names are module-level names.
func moduleLevelFix(f *project.File, decl *project.MetricDecl) diagnostics.Fix {
	c := decl.Call
	text := f.Text(c.Span())
	bound := moduleNames(f)
	for _, id := range identifiers(text) {
		if !bound[id] && !pyBuiltins[id] {
			return diagnostics.Fix{}
		}
	}
	var top *source.Span
	for i, st := range f.Py.Statements {
		if st.Contains(c.Span()) {
			top = &f.Py.Statements[i]
			break
		}
	}
	if top == nil {
		return diagnostics.Fix{}
	}
	want := "METRIC"
	if n, ok := decl.NameArg(); ok {
		want = n
	}
	if len(identifiers(c.TargetName())) == 1 && identifiers(c.TargetName())[0] == c.TargetName() {
		want = c.TargetName() // purchases = Counter(...) -> PURCHASES
	}
	name := freeModuleName(f, want)
	// Continuation lines keep their indentation relative to the call's line.
	indent := f.IndentOf(c.Span().Start)
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.TrimPrefix(lines[i], indent)
	}
	at := f.LineStartOf(top.Start)
	return diagnostics.Fix{
		Title: "Declare " + declLabel(decl) + " once at module level as " + name,
		Edits: []diagnostics.Edit{
			{Path: f.Path, Span: source.Span{Start: at, End: at}, NewText: name + " = " + strings.Join(lines, "\n") + "\n\n\n"},
			diagnostics.Replace(f, c.Span(), name),
		},
	}
}
