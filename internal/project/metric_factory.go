package project

import (
	"cmp"
	"slices"
	"strings"

	"github.com/multiprom/multiprom/internal/python"
)

// metricFactory is a module-level function that makes a metric of the class
// it is passed (`def make(cls, name, doc, **kw): return cls(name, doc,
// **kw)`): a call `make(Gauge, "g", "help")` of its module declares a Gauge.
type metricFactory struct {
	fn         *python.FuncDef
	classParam string
	slots      []factorySlot // the constructor's arguments as the body passes them
	forwards   bool          // the body passes its ** parameter on whole
	calls      int           // the calls of the class parameter merged
}

// factorySlot is one constructor argument: slot is the constructor's
// parameter (clientParams' name for a positional one), param the factory's
// parameter passed there ("" for an expression of the body's own), arg the
// argument.
type factorySlot struct {
	slot, param string
	arg         *python.Arg
}

// metricFactories finds the module's metric factories by name. Only a
// module that imports a metric class can pass one, so others are not read.
func metricFactories(m *python.Module) map[string]*metricFactory {
	if !slices.ContainsFunc(m.Imports, func(im *python.Import) bool { return strings.HasPrefix(im.Qualified(), "prometheus_") }) {
		return nil
	}
	out := map[string]*metricFactory{}
	bad := map[*python.FuncDef]bool{}
	for _, c := range m.Calls {
		fn := c.Scope
		if fn == nil || !fn.IsModuleLevel() || c.Recv != nil || bad[fn] || !fn.HasParam(c.Func, "") {
			continue
		}
		fa := cmp.Or(out[fn.Name], &metricFactory{fn: fn, classParam: c.Func})
		if !fa.add(m, c) || fa.classParam != c.Func || redefined(m, fn) {
			bad[fn] = true
			delete(out, fn.Name)
			continue
		}
		out[fn.Name] = fa
	}
	return out
}

func redefined(m *python.Module, fn *python.FuncDef) bool {
	return slices.ContainsFunc(m.Funcs, func(g *python.FuncDef) bool { return g != fn && g.IsModuleLevel() && g.Name == fn.Name })
}

// add merges one call of the class parameter into the factory's slots. It
// reports false when the mapping is not clear: splats other than the
// factory's own ** parameter, more positional arguments than the client
// takes, a name/documentation/labelnames the body makes up itself, or two
// calls that pass different things in one slot.
func (fa *metricFactory) add(m *python.Module, c *python.Call) bool {
	forwards, pos := false, 0
	for _, a := range c.Arguments() {
		slot := a.Name
		switch {
		case a.Name == "**" && a.Value != nil && fa.fn.HasParam(strings.TrimPrefix(a.Value.Text, "**"), "**"):
			// As the caller gave it, unless changed (kw.setdefault(...)).
			if forwards = true; m.Touches(fa.fn, strings.TrimPrefix(a.Value.Text, "**")) {
				return false
			}
			continue
		case a.Value == nil || a.Name == "*" || a.Name == "**":
			return false
		case a.Name == "":
			if pos >= len(clientParams) {
				return false
			}
			slot = clientParams[pos]
			pos++
		}
		s := factorySlot{slot: slot, arg: a}
		if fa.fn.HasParam(a.Value.Text, "") && !m.Rebinds(fa.fn, a.Value.Text) {
			s.param = a.Value.Text
		} else if slot == "name" || slot == "documentation" || slot == "labelnames" {
			return false
		}
		if i := slices.IndexFunc(fa.slots, func(o factorySlot) bool { return o.slot == slot }); i >= 0 {
			if o := fa.slots[i]; o.param != s.param || o.param == "" && o.arg.Value.Text != s.arg.Value.Text {
				return false
			}
			continue
		}
		fa.slots = append(fa.slots, s)
	}
	if fa.calls > 0 && fa.forwards != forwards {
		return false
	}
	fa.forwards = forwards
	fa.calls++
	return true
}

// declare makes the declaration of call c of the factory, or nil when its
// class argument is not a client metric class or its arguments cannot be
// mapped onto the constructor's.
func (fa *metricFactory) declare(m *python.Module, f *File, c *python.Call) *MetricDecl {
	named, rest, ok := fa.fn.Bind(c)
	cls := named[fa.classParam]
	if !ok || cls == nil || cls.Value == nil {
		return nil
	}
	t, ok := ClientMetricType(m.Qualify(cls.Value.Text))
	if !ok {
		return nil
	}
	args := make([]factorySlot, 0, len(fa.slots)+len(rest))
	for _, s := range fa.slots {
		if a := named[s.param]; a != nil {
			s.arg = a
		}
		args = append(args, s)
	}
	if fa.forwards {
		for _, a := range rest {
			if slices.ContainsFunc(args, func(s factorySlot) bool { return s.slot == a.Name }) {
				return nil // passed twice: a TypeError, not a metric
			}
			args = append(args, factorySlot{slot: a.Name, arg: a})
		}
	}
	return &MetricDecl{File: f, Call: c, Type: t, Var: c.TargetName(), Factory: fa.fn, args: args, forwards: fa.forwards}
}
