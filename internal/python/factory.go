package python

import (
	"cmp"
	"slices"
	"strings"
)

// Factory is a module-level function that calls one of its own parameters
// to make what it returns (`def make(cls, name, doc, **kw): return cls(name,
// doc, **kw)`): a call `make(Gauge, "g", "help")` makes a Gauge.
type Factory struct {
	Fn         *FuncDef
	ClassParam string
	Slots      []FactorySlot // the constructor's arguments as the body passes them
	Forwards   bool          // the body passes its ** parameter on whole
	calls      int           // the calls of the class parameter merged
}

// FactorySlot is one constructor argument: Slot is the constructor's
// parameter (the name of its positional parameter for a positional one),
// Param the factory's parameter passed there ("" for an expression of the
// body's own), Arg the argument.
type FactorySlot struct {
	Slot, Param string
	Arg         *Arg
}

// Factories finds the module's factories by name. positional names the
// constructor's positional parameters in order; name, documentation and
// labelnames must come from the factory's parameters.
func (m *Module) Factories(positional []string) map[string]*Factory {
	out := map[string]*Factory{}
	bad := map[*FuncDef]bool{}
	for _, c := range m.Calls {
		fn := c.Scope
		if fn == nil || !fn.IsModuleLevel() || c.Recv != nil || bad[fn] || !fn.HasParam(c.Func, "") {
			continue
		}
		fa := cmp.Or(out[fn.Name], &Factory{Fn: fn, ClassParam: c.Func})
		if !fa.add(m, c, positional) || fa.ClassParam != c.Func || redefined(m, fn) {
			bad[fn] = true
			delete(out, fn.Name)
			continue
		}
		out[fn.Name] = fa
	}
	return out
}

func redefined(m *Module, fn *FuncDef) bool {
	return slices.ContainsFunc(m.Funcs, func(g *FuncDef) bool { return g != fn && g.IsModuleLevel() && g.Name == fn.Name })
}

// add merges one call of the class parameter into the factory's slots. It
// reports false when the mapping is not clear: splats other than the
// factory's own ** parameter, more positional arguments than the client
// takes, a name/documentation/labelnames the body makes up itself, or two
// calls that pass different things in one slot.
func (fa *Factory) add(m *Module, c *Call, positional []string) bool {
	forwards, pos := false, 0
	for _, a := range c.Arguments() {
		slot := a.Name
		switch {
		case a.Name == "**" && a.Value != nil && fa.Fn.HasParam(strings.TrimPrefix(a.Value.Text, "**"), "**"):
			// As the caller gave it, unless changed (kw.setdefault(...)).
			if forwards = true; m.Touches(fa.Fn, strings.TrimPrefix(a.Value.Text, "**")) {
				return false
			}
			continue
		case a.Value == nil || a.Name == "*" || a.Name == "**":
			return false
		case a.Name == "":
			if pos >= len(positional) {
				return false
			}
			slot = positional[pos]
			pos++
		}
		s := FactorySlot{Slot: slot, Arg: a}
		if fa.Fn.HasParam(a.Value.Text, "") && !m.Rebinds(fa.Fn, a.Value.Text) {
			s.Param = a.Value.Text
		} else if slot == "name" || slot == "documentation" || slot == "labelnames" {
			return false
		}
		if i := slices.IndexFunc(fa.Slots, func(o FactorySlot) bool { return o.Slot == slot }); i >= 0 {
			if o := fa.Slots[i]; o.Param != s.Param || o.Param == "" && o.Arg.Value.Text != s.Arg.Value.Text {
				return false
			}
			continue
		}
		fa.Slots = append(fa.Slots, s)
	}
	if fa.calls > 0 && fa.Forwards != forwards {
		return false
	}
	fa.Forwards = forwards
	fa.calls++
	return true
}
