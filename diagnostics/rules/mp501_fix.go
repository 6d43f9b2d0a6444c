package rules

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
	"github.com/multiprom/multiprom/internal/source"
	"github.com/multiprom/multiprom/snippets"
)

// businessProject is what every MP501 fix of one project reads from the
// whole project, computed on the first fix that needs it and then shared:
// asked per fix, walking every import, source and call of the project made
// the rule quadratic in the project's size. It lives for one run of the rule
// over one project (no state outlives the Check), and is safe for
// concurrent use.
type businessProject struct {
	p *project.Project
	// params are the snippet parameters of the project, without a package.
	params func() snippets.Params
	// importsByName are the project's imports by imported name, in file
	// and source order: a fix looks up the imports of its metric's name.
	importsByName func() map[string][]fileImport
	// wired reports whether a handler already exposes the business module.
	wired func() bool
	// wiring is where to register the module when it is not wired.
	wiring func() wiringSite
}

// fileImport is an import statement's name and the file that holds it.
type fileImport struct {
	file *project.File
	im   *python.Import
}

// wiringSite is an insertion registering the business module (ok is false
// when the project offers no place for it).
type wiringSite struct {
	file *project.File
	at   int
	text string
	ok   bool
}

func newBusinessProject(p *project.Project) *businessProject {
	return &businessProject{
		p:             p,
		params:        sync.OnceValue(func() snippets.Params { return snippetParams(p, nil, "") }),
		importsByName: sync.OnceValue(func() map[string][]fileImport { return importsByName(p) }),
		wired:         sync.OnceValue(func() bool { return businessWired(p) }),
		wiring: sync.OnceValue(func() wiringSite {
			f, at, text, ok := businessWiringSite(p)
			return wiringSite{f, at, text, ok}
		}),
	}
}

// importsByName indexes the imports of the project's Python files by the
// name they import, keeping file and source order.
func importsByName(p *project.Project) map[string][]fileImport {
	out := map[string][]fileImport{}
	for _, f := range p.PythonFiles() {
		for _, im := range f.Py.Imports {
			out[im.Name] = append(out[im.Name], fileImport{f, im})
		}
	}
	return out
}

// businessFix routes a metric through the Redis business-metrics module. It
// returns the zero fix unless every reference to the metric is understood.
func businessFix(bp *businessProject, decl *project.MetricDecl, full, kind string) diagnostics.Fix {
	p := bp.p
	ix := p.Metrics()
	f := decl.File
	help := decl.Param("documentation")
	if help == nil || !help.IsStr() || decl.Call.HasSplat() || decl.Factory != nil {
		return diagnostics.Fix{}
	}
	var labels []string
	if decl.Param("labelnames") != nil {
		ls, ok := decl.LabelNames()
		if !ok {
			return diagnostics.Fix{}
		}
		for _, l := range ls {
			labels = append(labels, l.Str())
		}
	}
	stmt := assignStatement(f, decl)
	if stmt == nil {
		return diagnostics.Fix{}
	}

	// Where the module goes and how it is imported: the top package of the
	// declaring module, else the project root.
	pkgDir, pkgMod := "", ""
	if parts := strings.Split(f.ModuleName(), "."); len(parts) > 1 || strings.HasSuffix(f.Path, "/__init__.py") {
		pkgMod = parts[0]
		pkgDir = pkgMod
		if strings.HasPrefix(f.Path, "src/") {
			pkgDir = "src/" + pkgMod
		}
	}
	modPath := "business_metrics.py"
	importLine := "import business_metrics"
	if pkgMod != "" {
		modPath = pkgDir + "/business_metrics.py"
		importLine = "from " + pkgMod + " import business_metrics"
	}

	fix := diagnostics.Fix{Title: "Keep " + declLabel(decl) + " in Redis (route it through " + modPath + ")", Unsafe: true}
	imports := map[*project.File][]string{}
	var files []*project.File
	need := func(uf *project.File, line string) {
		if _, ok := imports[uf]; !ok {
			files = append(files, uf)
		}
		if !contains(imports[uf], line) {
			imports[uf] = append(imports[uf], line)
		}
	}

	// 1. The module: declare the metric in the existing one, or create it
	// (written last: rendering it is most of a fix's time, wasted on the
	// fixes that the checks below drop).
	existing := p.File(modPath)
	if existing != nil {
		e, ok := addToBusinessModule(existing, full, kind, help.Str(), labels)
		if !ok {
			return diagnostics.Fix{}
		}
		fix.Edits = append(fix.Edits, e)
	}

	// 2. Every use becomes a business_metrics call.
	uses := ix.Uses(decl)
	consumed := map[*python.Call]bool{}
	// expected counts, per file and name, the mentions this fix accounts
	// for; any other mention (passed to a function, re-exported) is code the
	// fix would break, so it is not offered.
	expected := map[*project.File]map[string]int{}
	expect := func(uf *project.File, name string) {
		if expected[uf] == nil {
			expected[uf] = map[string]int{}
		}
		expected[uf][name]++
	}
	for _, mu := range uses {
		u, uf := mu.Call, mu.File
		if u.MethodName() == "labels" {
			continue
		}
		call, ok := businessCall(uf, u, kind, full, labels)
		if !ok {
			return diagnostics.Fix{}
		}
		if u.Recv != nil {
			consumed[u.Recv] = true
		}
		fix.Edits = append(fix.Edits, diagnostics.Replace(uf, u.Span(), call))
		need(uf, importLine)
		if !strings.Contains(u.BaseName(), ".") {
			expect(uf, u.BaseName())
		}
	}
	for _, mu := range uses {
		if u := mu.Call; u.MethodName() == "labels" && !consumed[u] {
			return diagnostics.Fix{} // a labelled child kept in a variable: not followed
		}
	}

	// 3. The declaration goes; imports of the name go with it.
	fix.Edits = append(fix.Edits, diagnostics.Replace(f, source.Span{Start: f.LineStartOf(stmt.Span.Start), End: f.LineEndOf(stmt.Span.End - 1)}, ""))
	expect(f, decl.Var)
	replacedImport := map[*project.File]bool{}
	for _, fi := range bp.importsByName()[decl.Var] {
		uf, im := fi.file, fi.im
		if uf == f || resolveTarget(p, uf, im) != f {
			continue
		}
		expect(uf, im.Name)
		if im.Alias != "" {
			expect(uf, im.Alias)
		}
		newText := ""
		if siblings := importSiblings(uf, im); len(siblings) > 1 {
			newText = rebuildFromImport(uf, im, siblings)
		} else if lines := imports[uf]; len(lines) > 0 && !replacedImport[uf] {
			newText = strings.Join(lines, "\n")
			replacedImport[uf] = true
		}
		span := im.Span
		if newText == "" {
			span = source.Span{Start: uf.LineStartOf(im.Span.Start), End: uf.LineEndOf(im.Span.End - 1)}
		}
		fix.Edits = append(fix.Edits, diagnostics.Replace(uf, span, newText))
	}
	for uf, names := range expected {
		for name, n := range names {
			if countWord(uf, name) != n {
				return diagnostics.Fix{}
			}
		}
	}

	// 4. Wire the module into the scrape, unless it already is.
	if !bp.wired() {
		site := bp.wiring()
		if !site.ok {
			return diagnostics.Fix{}
		}
		fix.Edits = append(fix.Edits, diagnostics.Edit{Path: site.file.Path, Span: source.Span{Start: site.at, End: site.at}, NewText: site.text})
		need(site.file, importLine)
	}
	for _, uf := range files {
		if replacedImport[uf] {
			continue
		}
		fix.Edits = append(fix.Edits, diagnostics.AddImports(uf, imports[uf])...)
	}
	if overlapping(fix.Edits) {
		return diagnostics.Fix{}
	}
	if existing == nil {
		// snippetParams(p, f, "") with the package replaced: only the
		// package depends on f.
		sp := bp.params()
		sp.Package = pkgMod
		content, err := snippets.BusinessMetricsModule(sp, []snippets.BusinessMetric{{Name: full, Kind: kind, Help: help.Str(), Labels: labels}})
		if err != nil {
			return diagnostics.Fix{}
		}
		fix.Creates = append(fix.Creates, diagnostics.Create{Path: modPath, Content: content})
	}
	return fix
}

// assignStatement is the top-level `NAME = Counter(...)` statement.
func assignStatement(f *project.File, decl *project.MetricDecl) *python.Assign {
	for _, a := range f.Py.Assigns {
		if a.Scope == nil && a.Class == "" && a.Target == decl.Var && a.Op == "=" && a.Span.Contains(decl.Call.Span()) && a.TopLevel {
			return a
		}
	}
	return nil
}

// businessCall turns one use (X.inc(2), X.labels("a").set(v), ...) into the
// business_metrics call.
func businessCall(f *project.File, u *python.Call, kind, name string, labels []string) (string, bool) {
	var kw []string
	if u.Recv != nil {
		lc := u.Recv
		if lc.MethodName() != "labels" || lc.Recv != nil || lc.HasSplat() {
			return "", false
		}
		pos := 0
		for _, a := range lc.Arguments() {
			switch {
			case a.Name == "":
				if pos >= len(labels) {
					return "", false
				}
				kw = append(kw, labels[pos]+"="+a.Value.Text)
				pos++
			case contains(labels, a.Name):
				kw = append(kw, a.Name+"="+a.Value.Text)
			default:
				return "", false
			}
		}
		if len(kw) != len(labels) {
			return "", false
		}
	} else if len(labels) > 0 {
		return "", false
	}
	if u.HasSplat() || len(u.Arguments()) > 1 || (len(u.Arguments()) == 1 && u.Arguments()[0].Name != "" && u.Arguments()[0].Name != "amount" && u.Arguments()[0].Name != "value") {
		return "", false
	}
	amount := ""
	if len(u.Arguments()) == 1 {
		amount = u.Arguments()[0].Value.Text
	}
	var fn string
	switch {
	case kind == "counter" && u.MethodName() == "inc":
		fn = "inc"
	case kind == "gauge" && u.MethodName() == "inc":
		fn = "inc_gauge"
	case kind == "gauge" && u.MethodName() == "dec":
		fn = "inc_gauge"
		if amount == "" {
			amount = "-1"
		} else {
			amount = "-(" + amount + ")"
		}
	case kind == "gauge" && u.MethodName() == "set":
		if amount == "" {
			return "", false
		}
		fn = "set_gauge"
	default:
		return "", false
	}
	args := []string{strconv.Quote(name)}
	if amount != "" {
		args = append(args, amount)
	}
	args = append(args, kw...)
	return "business_metrics." + fn + "(" + strings.Join(args, ", ") + ")", true
}

var metricsDictRe = regexp.MustCompile(`(?m)^METRICS = \{`)

// addToBusinessModule declares one more metric in an existing module's
// METRICS dict.
func addToBusinessModule(mod *project.File, name, kind, help string, labels []string) (diagnostics.Edit, bool) {
	src := string(mod.Src)
	loc := metricsDictRe.FindStringIndex(src)
	if loc == nil || strings.Contains(src, "    "+strconv.Quote(name)+": (") {
		return diagnostics.Edit{}, false
	}
	end := strings.Index(src[loc[1]:], "\n}")
	if end < 0 {
		return diagnostics.Edit{}, false
	}
	at := loc[1] + end + 1
	quoted := make([]string, len(labels))
	for i, l := range labels {
		quoted[i] = strconv.Quote(l)
	}
	line := "    " + strconv.Quote(name) + ": (" + strconv.Quote(kind) + ", " + strconv.Quote(help) + ", [" + strings.Join(quoted, ", ") + "]),\n"
	return diagnostics.Edit{Path: mod.Path, Span: source.Span{Start: at, End: at}, NewText: line}, true
}

// importSiblings are the imports made by the same statement.
func importSiblings(f *project.File, im *python.Import) []*python.Import {
	var out []*python.Import
	for _, o := range f.Py.Imports {
		if o.Span == im.Span {
			out = append(out, o)
		}
	}
	return out
}

// resolveTarget is the file a from-import reads the name from.
func resolveTarget(p *project.Project, f *project.File, im *python.Import) *project.File {
	mod := im.Module
	if im.Level > 0 {
		pkg := f.ModuleName()
		if !strings.HasSuffix(f.Path, "__init__.py") {
			pkg = parentMod(pkg)
		}
		for i := 1; i < im.Level; i++ {
			pkg = parentMod(pkg)
		}
		if mod == "" {
			mod = pkg
		} else if pkg != "" {
			mod = pkg + "." + mod
		}
	}
	return p.ModuleFile(mod)
}

func parentMod(m string) string {
	if i := strings.LastIndexByte(m, '.'); i >= 0 {
		return m[:i]
	}
	return ""
}

// rebuildFromImport writes the from-import statement without im.
func rebuildFromImport(f *project.File, im *python.Import, all []*python.Import) string {
	var names []string
	for _, o := range all {
		if o == im {
			continue
		}
		n := o.Name
		if o.Alias != "" {
			n += " as " + o.Alias
		}
		names = append(names, n)
	}
	return "from " + strings.Repeat(".", im.Level) + im.Module + " import " + strings.Join(names, ", ")
}

// countWord counts whole-word occurrences of name outside comments.
func countWord(f *project.File, name string) int {
	n := 0
	for _, id := range identifiers(string(f.Src)) {
		if id == name {
			n++
		}
	}
	return n
}

// businessWired reports whether some handler already exposes the module.
func businessWired(p *project.Project) bool {
	for _, f := range p.PythonFiles() {
		s := string(f.Src)
		if strings.Contains(s, "business_metrics.register(") || strings.Contains(s, "business_metrics.attach_to_exporter(") {
			if !strings.HasSuffix(f.Path, "business_metrics.py") {
				return true
			}
		}
	}
	return false
}

// businessWiringSite finds where to register the module: after the
// statement that adds a MultiProcessCollector to a per-request registry
// (raw), or after the exporter's construction (exporter).
func businessWiringSite(p *project.Project) (*project.File, int, string, bool) {
	for _, f := range p.PythonFiles() {
		for _, c := range f.Py.Calls {
			q := c.Qualified()
			if c.Scope != nil && strings.HasSuffix(q, "MultiProcessCollector") {
				if a := c.Positional(0); a != nil && a.Kind() == "identifier" {
					at := f.LineEndOf(c.StatementSpan().End - 1)
					return f, at, f.IndentOf(c.StatementSpan().Start) + "business_metrics.register(" + a.Text + ")  # Redis-backed business metrics\n", true
				}
			}
		}
	}
	for _, f := range p.PythonFiles() {
		for _, c := range f.Py.Calls {
			if c.TargetName() != "" && strings.Contains(c.Func, "PrometheusMetrics") && !strings.Contains(c.Func, ".") {
				at := f.LineEndOf(c.StatementSpan().End - 1)
				return f, at, f.IndentOf(c.StatementSpan().Start) + "business_metrics.attach_to_exporter(" + c.TargetName() + ")  # Redis-backed business metrics\n", true
			}
		}
	}
	return nil, 0, "", false
}

// overlapping reports edits of one file that overlap (the fix is dropped
// rather than offered broken).
func overlapping(es []diagnostics.Edit) bool {
	sorted := append([]diagnostics.Edit(nil), es...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Path != sorted[j].Path {
			return sorted[i].Path < sorted[j].Path
		}
		return sorted[i].Span.Start < sorted[j].Span.Start
	})
	for i := 1; i < len(sorted); i++ {
		a, b := sorted[i-1], sorted[i]
		if a.Path == b.Path && b.Span.Start < a.Span.End {
			return true
		}
	}
	return false
}
