package project

import (
	"slices"
	"strings"

	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/python"
)

// metricFactories finds the module's metric factories (python.Factory) by
// name. Only a module that imports a metric class can pass one, so others
// are not read.
func metricFactories(m *python.Module) map[string]*python.Factory {
	if !slices.ContainsFunc(m.Imports, func(im *python.Import) bool { return strings.HasPrefix(im.Qualified(), "prometheus_") }) {
		return nil
	}
	return m.Factories(clientParams)
}

// declare makes the declaration of call c of the factory, or nil when its
// class argument is not a client metric class or its arguments cannot be
// mapped onto the constructor's.
func declareFactoryCall(fa *python.Factory, m *python.Module, f *File, c *python.Call) *MetricDecl {
	named, rest, ok := fa.Fn.Bind(c)
	cls := named[fa.ClassParam]
	if !ok || cls == nil || cls.Value == nil {
		return nil
	}
	t, ok := frameworks.ClientMetricType(m.Qualify(cls.Value.Text))
	if !ok {
		return nil
	}
	args := make([]python.FactorySlot, 0, len(fa.Slots)+len(rest))
	for _, s := range fa.Slots {
		if a := named[s.Param]; a != nil {
			s.Arg = a
		}
		args = append(args, s)
	}
	if fa.Forwards {
		for _, a := range rest {
			if slices.ContainsFunc(args, func(s python.FactorySlot) bool { return s.Slot == a.Name }) {
				return nil // passed twice: a TypeError, not a metric
			}
			args = append(args, python.FactorySlot{Slot: a.Name, Arg: a})
		}
	}
	return &MetricDecl{File: f, Call: c, Type: t, Var: c.TargetName(), Factory: fa.Fn, args: args, forwards: fa.Forwards}
}
