package project

import "strings"

// metricNames is what the names of one file denote among the project's
// metrics: names bound directly (its own declarations, `from m import G`,
// star imports) and module prefixes (`import pkg.metrics as m` makes m.G
// the metric G of pkg/metrics.py). Prefixes are resolved when asked rather
// than expanded into "m.G" entries: a package __init__ importing a
// thousand modules made thousands of strings and map entries per check.
//
// Bindings happen in import order and a later one wins, as in Python:
// each carries its position, and a name asked for resolves to the latest
// binding that has it.
type metricNames struct {
	direct  map[string]boundDecl
	modules map[string][]boundModule // prefix -> the modules bound to it, in order
	seq     int
}

type boundDecl struct {
	decl *MetricDecl
	seq  int
}

type boundModule struct {
	exports map[string]*MetricDecl // the module's metric exports
	seq     int
}

// bind makes name denote d.
func (n *metricNames) bind(name string, d *MetricDecl) {
	if n.direct == nil {
		n.direct = make(map[string]boundDecl, 8)
	}
	n.seq++
	n.direct[name] = boundDecl{d, n.seq}
}

// bindModule makes prefix.X denote each metric X in exports (a module's).
func (n *metricNames) bindModule(prefix string, exports map[string]*MetricDecl) {
	if len(exports) == 0 {
		return // binds no metric (and so cannot hide one either)
	}
	if n.modules == nil {
		n.modules = make(map[string][]boundModule, 4)
	}
	n.seq++
	n.modules[prefix] = append(n.modules[prefix], boundModule{exports, n.seq})
}

func (n *metricNames) empty() bool { return n == nil || len(n.direct) == 0 && len(n.modules) == 0 }

// lookup returns the metric a (dotted) name denotes, or nil.
func (n *metricNames) lookup(name string) *MetricDecl {
	if n == nil {
		return nil
	}
	best := n.direct[name]
	if i := strings.LastIndexByte(name, '.'); i > 0 && n.modules != nil {
		bound := n.modules[name[:i]]
		for j := len(bound) - 1; j >= 0 && bound[j].seq > best.seq; j-- {
			if d := bound[j].exports[name[i+1:]]; d != nil {
				return d
			}
		}
	}
	return best.decl
}
