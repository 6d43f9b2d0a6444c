package rules

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
)

// UnsupportedTypeMultiproc reports Info and Enum metrics, which keep their
// value in process memory only.
var UnsupportedTypeMultiproc = &diagnostics.Rule{
	Code:     "MP304",
	Name:     "unsupported-type-multiproc",
	Severity: diagnostics.Warning,
	Title:    "Info and Enum metrics are not exported in multiprocess mode",
	Doc: "Info and Enum keep their value in a plain attribute of the process that set it; they have no " +
		"multiprocess value file. A MultiProcessCollector exposes only what the workers wrote to " +
		"PROMETHEUS_MULTIPROC_DIR, so these metrics are missing from every multiprocess scrape (and on " +
		"the default registry only the answering worker's value shows). prometheus_client documents " +
		"them as not working in multiprocess mode. A Gauge set to 1 with the info as labels, combined " +
		"with multiprocess_mode=\"max\", exports the same series from every worker's file.",
	Before: `BUILD = Info("build", "Build information")
BUILD.info({"version": VERSION})`,
	After: `BUILD = Gauge("build_info", "Build information", ["version"], multiprocess_mode="max")
BUILD.labels(version=VERSION).set(1)`,
	Fix: diagnostics.FixSafe,
	FixDoc: "For an Info whose every use is .info({...}) with the same literal keys: turns it into a Gauge named " +
		"as the Info was exposed (<name>_info) with those keys as labels and multiprocess_mode=\"max\", and each " +
		".info({...}) into .labels(...).set(1). Enum, and Info used any other way, have no automatic fix.",
	Applies: multiprocess,
	Run: func(pass *diagnostics.Pass) {
		f := pass.File
		for _, decl := range clientDecls(pass.Project.Metrics().DeclsIn(f), "Info", "Enum") {
			diag := pass.Report(decl.Call.Span(), "%s is not exported in multiprocess mode (its value lives in one process's memory, not in the multiprocess files); use a Gauge set to 1 with labels and multiprocess_mode=\"max\"", declLabel(decl))
			if decl.Type == "Info" {
				diag.AddFix(infoToGaugeFix(pass.Project, decl))
			}
		}
	},
}

var labelKeyRe = regexp.MustCompile(`^\s*(?:"([A-Za-z_][A-Za-z0-9_]*)"|'([A-Za-z_][A-Za-z0-9_]*)')\s*:\s*(.+?)\s*$`)

// infoToGaugeFix rewrites an Info and its .info({...}) uses, only when every
// piece is understood: otherwise it returns the zero fix.
func infoToGaugeFix(p *project.Project, decl *project.MetricDecl) diagnostics.Fix {
	f := decl.File
	c := decl.Call
	full, ok := decl.FullName()
	if !ok || decl.Factory != nil || decl.Var == "" || c.Scope != nil || c.HasSplat() || decl.Param("documentation") == nil {
		return diagnostics.Fix{}
	}
	for _, a := range c.Arguments() {
		if a.Name != "" && a.Name != "name" && a.Name != "documentation" {
			return diagnostics.Fix{}
		}
	}
	if len(c.Arguments()) != 2 {
		return diagnostics.Fix{}
	}
	uses := p.Metrics().Uses(decl)
	if len(uses) == 0 {
		return diagnostics.Fix{}
	}
	var keys []string
	var edits []diagnostics.Edit
	for _, mu := range uses {
		u := mu.Call
		if u.MethodName() != "info" || u.Recv != nil || len(u.Arguments()) != 1 || u.Arguments()[0].Name != "" {
			return diagnostics.Fix{}
		}
		v := u.Arguments()[0].Value
		if v.Kind() != "dictionary" {
			return diagnostics.Fix{}
		}
		dict := strings.TrimSpace(v.Text)
		if len(dict) < 2 || dict[len(dict)-1] != '}' {
			return diagnostics.Fix{} // an unclosed "{" would panic on the slice below
		}
		var ks, kw []string
		for _, it := range topLevelItems(dict[1 : len(dict)-1]) {
			m := labelKeyRe.FindStringSubmatch(it.text)
			if m == nil {
				return diagnostics.Fix{}
			}
			k := m[1] + m[2]
			if strings.HasPrefix(k, "__") || pyKeywords[k] {
				return diagnostics.Fix{}
			}
			ks = append(ks, k)
			kw = append(kw, k+"="+m[3])
		}
		if keys == nil {
			keys = ks
		} else if strings.Join(keys, ",") != strings.Join(ks, ",") {
			return diagnostics.Fix{}
		}
		uf := mu.File
		recv := strings.TrimSuffix(uf.Text(u.CalleeSpan()), ".info")
		if recv == uf.Text(u.CalleeSpan()) {
			return diagnostics.Fix{}
		}
		edits = append(edits, diagnostics.Replace(uf, u.Span(), recv+".labels("+strings.Join(kw, ", ")+").set(1)"))
	}
	if len(keys) == 0 {
		return diagnostics.Fix{}
	}
	callee := f.Text(c.CalleeSpan())
	var newCallee string
	var imports []string
	switch {
	case callee == "Info":
		newCallee = "Gauge"
		q := f.Py.Qualify("Gauge")
		switch t, isClass := frameworks.ClientMetricType(q); {
		case isClass && t == "Gauge":
		case q == "Gauge":
			if moduleNames(f)["Gauge"] {
				return diagnostics.Fix{}
			}
			imports = []string{"from prometheus_client import Gauge"}
		default:
			return diagnostics.Fix{}
		}
	case strings.HasSuffix(callee, ".Info"):
		newCallee = strings.TrimSuffix(callee, "Info") + "Gauge"
	default:
		return diagnostics.Fix{}
	}
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	doc := decl.Param("documentation").Text
	ctor := newCallee + "(" + strconv.Quote(full+"_info") + ", " + doc + ", [" + strings.Join(quoted, ", ") + "], multiprocess_mode=\"max\")"
	edits = append(edits, diagnostics.Replace(f, c.Span(), ctor))
	edits = append(edits, diagnostics.AddImports(f, imports)...)
	return diagnostics.Fix{Title: "Replace the Info with a Gauge set to 1 (multiprocess_mode=\"max\")", Edits: edits}
}

var pyKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true, "await": true,
	"break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true, "else": true, "except": true,
	"finally": true, "for": true, "from": true, "global": true, "if": true, "import": true, "in": true, "is": true,
	"lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true, "raise": true, "return": true, "try": true,
	"while": true, "with": true, "yield": true,
}
