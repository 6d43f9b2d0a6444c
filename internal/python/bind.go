package python

import (
	"slices"
	"strings"
)

// Bind binds a call's arguments to the function's parameters as Python
// does: positional arguments fill the parameters before * or *args in
// order, keywords go to the parameter of their name, and keywords no
// parameter takes go to the ** parameter. It returns the argument bound to
// each named parameter and, in order, those bound to **. ok is false when
// the binding is not known from the call alone: the call unpacks *args or
// **kwargs, passes positional arguments the function only takes through
// *args, names a parameter twice, or passes what the function cannot take.
func (f *FuncDef) Bind(c *Call) (named map[string]*Arg, rest []*Arg, ok bool) {
	var positional []string // the parameters a positional argument can fill
	keywords := map[string]bool{}
	star, kwargs := false, false
	for _, p := range f.Params {
		switch p.Kind {
		case "/":
		case "*":
			star = true
		case "**":
			kwargs = true
		default:
			keywords[p.Name] = true
			if !star {
				positional = append(positional, p.Name)
			}
		}
	}
	named = map[string]*Arg{}
	next := 0
	for _, a := range c.Arguments() {
		switch {
		case a.Name == "*" || a.Name == "**":
			return nil, nil, false
		case a.Name == "":
			if next >= len(positional) {
				return nil, nil, false
			}
			named[positional[next]] = a
			next++
		case keywords[a.Name]:
			if named[a.Name] != nil {
				return nil, nil, false
			}
			named[a.Name] = a
		case kwargs:
			rest = append(rest, a)
		default:
			return nil, nil, false
		}
	}
	return named, rest, true
}

// HasParam reports whether the function has a parameter of that name and
// kind ("" for a plain one, "*" or "**").
func (f *FuncDef) HasParam(name, kind string) bool {
	return slices.ContainsFunc(f.Params, func(p Param) bool { return p.Kind == kind && p.Name == name })
}

// Touches reports whether code directly in fn may change what name holds:
// a method call on it (kw.setdefault(...), kw.update(...)), or an
// assignment to it or to one of its items or attributes.
func (m *Module) Touches(fn *FuncDef, name string) bool {
	for _, c := range m.Calls {
		if c.Scope == fn && c.Recv == nil && c.BaseName() == name {
			return true
		}
	}
	return m.Rebinds(fn, name)
}

// Rebinds reports whether code directly in fn assigns to name, or to one of
// its items or attributes.
func (m *Module) Rebinds(fn *FuncDef, name string) bool {
	for _, a := range m.Assigns {
		if a.Scope == fn && (a.Target == name || strings.HasPrefix(a.Target, name+"[") || strings.HasPrefix(a.Target, name+".")) {
			return true
		}
	}
	return false
}
