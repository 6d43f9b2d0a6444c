package rules

import (
	"regexp"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// Exporter classes of prometheus_flask_exporter. The multiprocess ones raise
// ValueError at construction when PROMETHEUS_MULTIPROC_DIR does not name a
// directory (multiprocess.py _check_multiproc_env_var).
var (
	singleProcessExporters = map[string]bool{"PrometheusMetrics": true, "RESTfulPrometheusMetrics": true}
	multiprocExporters     = map[string]bool{
		"GunicornPrometheusMetrics": true, "GunicornInternalPrometheusMetrics": true,
		"MultiprocessPrometheusMetrics": true, "MultiprocessInternalPrometheusMetrics": true,
	}
	internalExporters = map[string]bool{"GunicornInternalPrometheusMetrics": true, "MultiprocessInternalPrometheusMetrics": true}
)

// exporterCtor recognises an exporter construction: Cls(...) or
// Cls.for_app_factory(...), returning the class name.
func exporterCtor(m *python.Module, c *python.Call) (class string, factory bool, ok bool) {
	q := c.Qualified()
	if !strings.HasPrefix(q, "prometheus_flask_exporter.") {
		return "", false, false
	}
	if rest, cut := strings.CutSuffix(q, ".for_app_factory"); cut {
		q, factory = rest, true
	}
	class = q[strings.LastIndexByte(q, '.')+1:]
	if singleProcessExporters[class] || multiprocExporters[class] {
		return class, factory, true
	}
	return "", false, false
}

// exporterCalls returns the exporter constructions of a module.
func exporterCalls(m *python.Module) []*python.Call {
	var out []*python.Call
	for _, c := range m.Select(exporterModuleCalls) {
		if _, _, ok := exporterCtor(m, c); ok {
			out = append(out, c)
		}
	}
	return out
}

// simpleAssignment reports whether the call is the whole right side of a
// `name = call(...)` statement that is alone on its lines.
func simpleAssignment(f *project.File, c *python.Call) bool {
	if c.TargetName() == "" || !isIdentifier(c.TargetName()) {
		return false
	}
	st := f.Text(c.StatementSpan())
	if !strings.HasPrefix(st, c.TargetName()) || !strings.HasSuffix(st, f.Text(c.Span())) {
		return false
	}
	before := f.Text(source.Span{Start: f.LineStartOf(c.StatementSpan().Start), End: c.StatementSpan().Start})
	if strings.TrimSpace(before) != "" {
		return false
	}
	after := strings.TrimSpace(f.Text(source.Span{Start: c.StatementSpan().End, End: lineEndNoNL(f, c.StatementSpan().End)}))
	return after == "" || strings.HasPrefix(after, "#")
}

func lineEndNoNL(f *project.File, off int) int {
	e := f.LineEndOf(off)
	if e > off && e <= len(f.Src) && e > 0 && f.Src[e-1] == '\n' {
		return e - 1
	}
	return e
}

func isIdentifier(s string) bool { return allBytes(s, "") }

// appArg is the Flask app the exporter is constructed with, if it is a name.
func appArg(c *python.Call) string {
	e := c.Positional(0)
	if a := c.Keyword("app"); a != nil {
		e = a.Value
	}
	if e == nil || !isIdentifier(e.Text) || e.Text == "None" {
		return ""
	}
	return e.Text
}

// snippetFriendly reports whether the exporter call passes nothing that the
// gated snippet would drop or change: the app, path, registry, and
// group_by/defaults_prefix with the snippet's own values.
func snippetFriendly(c *python.Call) bool {
	if c.HasSplat() {
		return false
	}
	for i, a := range c.Arguments() {
		switch a.Name {
		case "":
			if i != 0 {
				return false
			}
		case "app", "registry":
		case "path":
			if !a.Value.IsStr() || !strings.HasPrefix(a.Value.Str(), "/") {
				return false
			}
		case "group_by":
			if !a.Value.IsStr() || (a.Value.Str() != "endpoint" && a.Value.Str() != "path") {
				return false
			}
		case "defaults_prefix":
			if !a.Value.IsStr() || a.Value.Str() != "flask" {
				return false
			}
		default:
			return false
		}
	}
	return true
}

var metricsVarRe = regexp.MustCompile(`(?m)^(\s*)metrics(\s*=\s|\.)`)

// gatedExporterFix replaces `x = <Exporter>(...)` with the gated shape of
// MP103's After (docs/rules.md#mp103): the multiprocess class when
// PROMETHEUS_MULTIPROC_DIR is set, PrometheusMetrics otherwise. With only snippet-compatible arguments it
// inserts snippets.AppBlock; otherwise it keeps the user's arguments.
func gatedExporterFix(pass *diagnostics.Pass, c *python.Call, class string, factory bool) diagnostics.Fix {
	f := pass.File
	if !simpleAssignment(f, c) {
		return diagnostics.Fix{}
	}
	indent := f.IndentOf(c.StatementSpan().Start)
	app := appArg(c)
	useSnippet := !factory && app != "" && snippetFriendly(c) && (singleProcessExporters[class] || internalExporters[class]) && class != "RESTfulPrometheusMetrics"
	var imports []string
	var block string
	if useSnippet {
		sp := snippetParams(pass.Project, f, indent)
		sp.Flavour = snippets.Exporter
		sp.AppVar = app
		sp.Redis = false
		if a := c.Keyword("path"); a != nil {
			sp.MetricsPath = a.Value.Str()
		}
		var err error
		imports, block, err = snippets.AppBlock(sp)
		if err != nil {
			return diagnostics.Fix{}
		}
		if strings.Contains(string(f.Src), `"app_info"`) || strings.Contains(string(f.Src), `'app_info'`) {
			block = dropLines(block, "metrics.info(")
		}
		if c.TargetName() != "metrics" {
			block = metricsVarRe.ReplaceAllString(block, "${1}"+c.TargetName()+"${2}")
		}
	} else {
		mpClass := class
		if singleProcessExporters[class] {
			mpClass = "GunicornInternalPrometheusMetrics"
		}
		rest := f.Text(source.Span{Start: c.CalleeSpan().End, End: c.Span().End})
		if factory {
			rest = ".for_app_factory" + f.Text(c.ArgListSpan())
		}
		rest = strings.ReplaceAll(rest, "\n", "\n    ")
		block = "if \"PROMETHEUS_MULTIPROC_DIR\" in os.environ:\n" +
			"    " + c.TargetName() + " = " + mpClass + rest + "\n" +
			"else:\n" +
			"    " + c.TargetName() + " = PrometheusMetrics" + rest + "\n"
		block = indentBlock(block, indent)
		imports = []string{"import os", "from prometheus_flask_exporter import PrometheusMetrics",
			"from prometheus_flask_exporter.multiprocess import " + mpClass}
	}
	text := strings.TrimSuffix(strings.TrimPrefix(block, indent), "\n")
	edits := diagnostics.AddImports(f, imports)
	edits = append(edits, diagnostics.Replace(f, c.StatementSpan(), text))
	return diagnostics.Fix{Title: "Gate the exporter on PROMETHEUS_MULTIPROC_DIR (multiprocess class under gunicorn, PrometheusMetrics otherwise)", Edits: edits}
}

func indentBlock(s, indent string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// dropLines removes the statement starting on a line that contains marker
// (a call spanning lines up to its closing parenthesis).
func dropLines(block, marker string) string {
	lines := strings.Split(block, "\n")
	var out []string
	depth := 0
	dropping := false
	for _, l := range lines {
		if !dropping && strings.Contains(l, marker) {
			dropping = true
			depth = 0
		}
		if dropping {
			depth += strings.Count(l, "(") - strings.Count(l, ")")
			if depth <= 0 {
				dropping = false
			}
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// callsIn returns the calls made inside fn (nested functions included).
func callsIn(m *python.Module, fn *python.FuncDef) []*python.Call {
	var out []*python.Call
	for _, c := range m.Calls {
		for s := c.Scope; s != nil; s = s.Parent {
			if s == fn {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// isMarkDead reports whether a call marks a worker dead: prometheus_client's
// mark_process_dead or the exporter's mark_process_dead_on_child_exit.
func isMarkDead(m *python.Module, c *python.Call) bool {
	q := c.Qualified()
	return strings.HasSuffix(q, "mark_process_dead") || strings.HasSuffix(q, "mark_process_dead_on_child_exit") ||
		c.MethodName() == "mark_process_dead" || c.MethodName() == "mark_process_dead_on_child_exit"
}

// hookMarksDead reports whether the hook calls a mark-dead function, itself
// or through a module-level helper of the same file.
func hookMarksDead(m *python.Module, fn *python.FuncDef) bool {
	seen := map[*python.FuncDef]bool{}
	var visit func(fn *python.FuncDef) bool
	visit = func(fn *python.FuncDef) bool {
		if seen[fn] {
			return false
		}
		seen[fn] = true
		for _, c := range callsIn(m, fn) {
			if isMarkDead(m, c) {
				return true
			}
			if h := m.Func(c.Func); h != nil && visit(h) {
				return true
			}
		}
		return false
	}
	return visit(fn)
}

// gunicornArity counts the parameters gunicorn's util.get_arity counts:
// positional ones, defaults included; *args, **kwargs and keyword-only ones
// are not counted.
func gunicornArity(fn *python.FuncDef) int {
	n := 0
	for _, p := range fn.Params {
		switch p.Kind {
		case "*":
			return n
		case "":
			n++
		}
	}
	return n
}

// deleteLines returns an edit removing the whole lines of span.
// When blank lines surround it, one of them goes too (no double gap).
func deleteLines(f *project.File, s source.Span) diagnostics.Edit {
	start, end := f.LineStartOf(s.Start), f.LineEndOf(s.End-1)
	if start > 0 && end < len(f.Src) {
		prev := f.Text(source.Span{Start: f.LineStartOf(start - 1), End: start})
		next := f.LineEndOf(end)
		if strings.TrimSpace(prev) == "" && strings.TrimSpace(f.Text(source.Span{Start: end, End: next})) == "" {
			end = next
		}
	}
	return diagnostics.Edit{Path: f.Path, Span: source.Span{Start: start, End: end}, NewText: ""}
}

// deleteFunc removes a module-level function with the blank lines before it.
func deleteFunc(f *project.File, fn *python.FuncDef) diagnostics.Edit {
	start := f.LineStartOf(fn.Span.Start)
	for start > 0 {
		prev := f.LineStartOf(start - 1)
		if strings.TrimSpace(f.Text(source.Span{Start: prev, End: start})) != "" {
			break
		}
		start = prev
	}
	end := f.LineEndOf(fn.Span.End - 1)
	if start == 0 {
		// At the top: drop the blank lines after it instead.
		for end < len(f.Src) {
			next := f.LineEndOf(end)
			if strings.TrimSpace(f.Text(source.Span{Start: end, End: next})) != "" {
				break
			}
			end = next
		}
	}
	return diagnostics.Edit{Path: f.Path, Span: source.Span{Start: start, End: end}, NewText: ""}
}

// onlyStatement reports whether, apart from the statement at s, the
// function body holds only imports, a docstring, pass and comments.
func onlyStatement(f *project.File, fn *python.FuncDef, s source.Span) bool {
	body := f.Text(source.Span{Start: fn.BodyBlockSpan().Start, End: f.LineStartOf(s.Start)}) +
		f.Text(source.Span{Start: f.LineEndOf(s.End - 1), End: fn.BodyBlockSpan().End})
	inDoc := false
	for _, l := range strings.Split(body, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, `"""`) || strings.HasPrefix(t, `'''`) {
			if !(len(t) >= 6 && (strings.HasSuffix(t, `"""`) || strings.HasSuffix(t, `'''`))) {
				inDoc = !inDoc
			}
			continue
		}
		if inDoc || t == "" || strings.HasPrefix(t, "#") || t == "pass" || strings.HasPrefix(t, "import ") || strings.HasPrefix(t, "from ") {
			continue
		}
		if strings.HasSuffix(t, `"""`) || strings.HasSuffix(t, `'''`) {
			inDoc = false
			continue
		}
		return false
	}
	return true
}

// standaloneOrTest reports files that are not part of the app gunicorn
// serves: tests and scripts a command line runs as their own process.
func standaloneOrTest(p *project.Project, f *project.File) bool {
	return project.IsTestFile(f) || p.Facts.Standalone[f.Path]
}
