// Package factkey fingerprints what per-file rules read besides their own
// file, so that a caller keeping per-file findings knows when to check
// again.
package factkey

import (
	"sort"
	"strconv"
	"strings"

	"github.com/multiprom/multiprom/internal/project"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/django"
	"github.com/multiprom/multiprom/internal/python"
)

// Context fingerprints what per-file rules read besides their own file:
// the facts (Facts) and the settings that select and grade rules
// (Settings). A caller that keeps per-file findings (the language
// server) keeps them while the key holds and checks every file again when
// it changes.
func Context(p *project.Project) string {
	var k keyWriter
	k.str("facts", Facts(p.Facts))
	k.str("settings", Settings(p.Settings))
	return k.String()
}

// Facts fingerprints the facts as rules read them. Every fact is in it,
// written field by field, with two exceptions, so that an edit above a
// fact (which moves it without changing it) keeps the key:
//   - byte spans are left out;
//   - files are named by path, calls by callee and functions by name:
//     the parsed summaries themselves are the files' own business.
//
// A field added to project.Facts (or to a type it holds) must be added here:
// TestFactsKeyCoversEveryField fails until it is.
func Facts(fs *project.Facts) string {
	if fs == nil {
		return "nil"
	}
	var k keyWriter
	k.flag("gunicorn", fs.Gunicorn)
	k.str("evidence", fs.GunicornEvidence)
	w := fs.Workers
	k.flag("workers.known", w.Known)
	k.num("workers.max", w.Max)
	k.flag("workers.expr", w.Expr)
	k.loc("workers.where", w.Where)
	k.str("workers.from", w.From)
	k.flag("multiworker", fs.MultiWorker)
	k.flag("multiprocess", fs.Multiprocess)
	k.flag("prometheus", fs.Prometheus)
	k.str("flavour", fs.Flavour)
	k.str("client.version", fs.ClientVersion)
	k.str("client.max", fs.ClientMax)
	k.str("client.min", fs.ClientMin)
	k.flag("redis", fs.Redis)
	k.str("apptag", fs.AppTag)
	k.num("configs", len(fs.Configs))
	for _, c := range fs.Configs {
		k.file("config.file", c.File)
		k.flag("config.loaded", c.Loaded)
		k.str("config.why", c.Why)
	}
	k.commands("commands", fs.Commands)
	k.commands("uvicorn", fs.Uvicorn)
	k.commands("uvicorn.multi", fs.UvicornMulti)
	k.commands("cmdargs", fs.CmdArgs)
	k.num("standalone", len(fs.Standalone))
	for _, name := range sortedKeys(fs.Standalone) {
		k.str("standalone.name", name)
		k.flag("standalone.is", fs.Standalone[name])
	}
	k.num("envsets", len(fs.EnvSets))
	for _, e := range fs.EnvSets {
		k.loc("envset.loc", &e.Loc)
		k.str("envset.name", e.Name)
		k.str("envset.how", e.How)
		k.str("envset.value", e.Value)
		k.flag("envset.master", e.ReachesMaster)
	}
	k.num("cleanups", len(fs.Cleanups))
	for _, c := range fs.Cleanups {
		k.loc("cleanup.loc", &c.Loc)
		k.str("cleanup.target", c.Target)
		k.str("cleanup.how", c.How)
	}
	k.num("uwsgi", len(fs.Uwsgi))
	for _, u := range fs.Uwsgi {
		k.file("uwsgi.file", u.File)
		k.str("uwsgi.server", u.Fingerprint())
	}
	k.loc("workerid", fs.FilesByWorkerID)
	k.num("apps", len(fs.Apps))
	for _, a := range fs.Apps {
		k.file("app.file", a.File)
		if a.Call != nil {
			k.str("app.call", a.Call.Func)
		}
		if a.Factory != nil {
			k.str("app.factory", a.Factory.Name)
		}
		k.str("app.framework", string(a.Framework))
	}
	k.num("django", len(fs.Django))
	for _, d := range fs.Django {
		k.file("django.file", d.File)
		k.djangoSettings(&d.Settings)
	}
	k.num("djangoready", len(fs.DjangoReady))
	for _, r := range fs.DjangoReady {
		k.file("djangoready.file", r.File)
		k.str("djangoready.class", r.Func.Class)
	}
	k.num("requirements", len(fs.Requirements))
	for _, name := range sortedKeys(fs.Requirements) {
		r := fs.Requirements[name]
		k.str("req.key", name)
		k.str("req.name", r.Name)
		k.str("req.spec", r.Spec)
		k.loc("req.loc", &r.Loc)
	}
	return k.String()
}

// settingsKey fingerprints the settings rules see: the rule selection, severities
// and the facts the settings override. Run (when the editor checks), FixAll (what fix on save edits) and
// Extra (unknown keys, reported once) change no finding and are left out.
//
// A field added to Settings must be added here or to the exceptions:
// TestSettingsKeyCoversEveryField fails until it is.
func Settings(s config.Settings) string {
	var k keyWriter
	k.list("select", s.Select)
	k.list("ignore", s.Ignore)
	k.num("severity", len(s.Severity))
	for _, code := range sortedKeys(s.Severity) {
		k.str("severity.code", code)
		k.str("severity.level", s.Severity[code])
	}
	k.str("apptag", s.ApplicationTag)
	k.flag("workers.set", s.Workers != nil)
	if s.Workers != nil {
		k.num("workers", *s.Workers)
	}
	k.str("metricspath", s.MetricsPath)
	k.str("flavour", s.Flavour)
	k.list("extend-select", s.ExtendSelect)
	k.list("exclude", s.Exclude)
	k.list("extend-exclude", s.ExtendExclude)
	k.num("per-file-ignores", len(s.PerFileIgnores))
	for _, pat := range sortedKeys(s.PerFileIgnores) {
		k.list(pat, s.PerFileIgnores[pat])
	}
	k.flag("redis.set", s.Redis != nil)
	if s.Redis != nil {
		k.flag("redis", *s.Redis)
	}
	return k.String()
}

// keyWriter writes name=value fields, strings quoted, so that no two
// different sequences of fields read the same.
type keyWriter struct{ strings.Builder }

func (k *keyWriter) str(name, v string) {
	k.WriteString(name)
	k.WriteByte('=')
	k.WriteString(strconv.Quote(v))
	k.WriteByte(';')
}

func (k *keyWriter) num(name string, v int) { k.str(name, strconv.Itoa(v)) }

func (k *keyWriter) flag(name string, v bool) { k.str(name, strconv.FormatBool(v)) }

func (k *keyWriter) list(name string, vs []string) {
	k.num(name, len(vs))
	for _, v := range vs {
		k.str(name+".item", v)
	}
}

func (k *keyWriter) file(name string, f *project.File) {
	if f == nil {
		k.str(name, "")
		return
	}
	k.str(name, "/"+f.Path) // "/" tells a file from no file
}

// loc writes a place without its span (see Facts).
func (k *keyWriter) loc(name string, l *project.Loc) {
	k.flag(name+".set", l != nil)
	if l != nil {
		k.file(name, l.File)
	}
}

func (k *keyWriter) commands(name string, cs []*project.CommandLine) {
	k.num(name, len(cs))
	for _, c := range cs {
		k.file(name+".file", c.File)
		k.list(name+".args", c.Args)
		k.flag(name+".fromenv", c.FromEnv)
		k.str(name+".dir", c.Dir)
		k.str(name+".unit", c.Unit)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

func (k *keyWriter) djangoSettings(s *django.Settings) {
	k.list("django.apps", s.InstalledApps)
	k.flag("django.fullapps", s.FullApps)
	k.list("django.middleware", s.Middleware)
	for _, a := range []*python.Assign{s.ExportPort, s.ExportPortRange} {
		k.flag("django.port", a != nil)
		if a != nil {
			k.str("django.port.value", a.Value.Text)
		}
	}
	k.num("django.rangesize", s.RangeSize)
}
