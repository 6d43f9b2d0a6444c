// Package workspace finds the services of a workspace and checks each one
// as a project of its own, so that a repository holding several services
// is judged the way each service runs: with its own gunicorn command,
// config, requirements and deploy files.
package workspace

import (
	"path"
	"sort"
	"strings"

	"github.com/multiprom/multiprom/internal/deploy"
	"github.com/multiprom/multiprom/internal/frameworks"
	"github.com/multiprom/multiprom/internal/project"
)

// Service is one deployable app of a workspace.
type Service struct {
	// Dir is the service's folder, slash-separated and relative to the
	// workspace root; "" is the root itself.
	Dir string
	// Why says what makes Dir a service (for --show-services and tests).
	Why string
	// Files are the service's files with paths relative to Dir: its own
	// (under Dir and under no nested service) and the shared files outside
	// it that name it (a root compose file building it, the env files
	// that file loads), as ../ paths.
	Files []*project.File
}

// Find returns the services of a workspace, ordered by Dir, given its files
// (paths relative to the workspace root). A service is where a server is
// started: the build context of a Dockerfile or compose service that runs
// gunicorn, the folder of a Procfile, script, unit or supervisord program
// that does, or of a gunicorn.conf.py. A workspace with none is one service
// at its root, as a single project always was.
func Find(files []*project.File) []*Service {
	byPath := make(map[string]*project.File, len(files))
	for _, f := range files {
		byPath[f.Path] = f
	}
	dirs := map[string]string{} // service dir -> why
	add := func(dir, why string) {
		if _, ok := dirs[dir]; !ok {
			dirs[dir] = why
		}
	}
	// Compose builds name contexts; a Dockerfile in a context's folder, or
	// named by the build, belongs to that context. Another Dockerfile's
	// context is where its COPY sources are (project.InferBuildContext).
	contextOf := map[string]string{} // Dockerfile path -> build context dir
	for _, f := range files {
		if f.Kind != project.KindCompose {
			continue
		}
		for _, b := range f.Deploy().Builds {
			ctx := clean(path.Join(dirOf(f.Path), b.Context))
			contextOf[clean(path.Join(ctx, b.Dockerfile))] = ctx
		}
	}
	exists := pathSet(files)
	for _, f := range files {
		if _, ok := contextOf[f.Path]; f.Kind == project.KindDockerfile && !ok {
			contextOf[f.Path] = deploy.BuildContext(f.Path, f.Deploy(), exists)
		}
	}
	var scripts []*project.File
	// weak are the services that only a gunicorn config, or a script, unit
	// or program, makes: the file that makes each one.
	weak := map[string]string{}
	for _, f := range files {
		switch f.Kind {
		case project.KindDockerfile:
			if runsGunicorn(f) {
				ctx, ok := contextOf[f.Path]
				if !ok {
					ctx = dirOf(f.Path)
				}
				add(imageAppFolder(f, ctx, byPath), "gunicorn in "+f.Path)
			}
		case project.KindCompose:
			for _, c := range f.Deploy().Commands {
				if c.Phase == deploy.AtStart && (isGunicorn(c.Args) || isUwsgi(c.Args)) {
					add(composeServiceDir(f, c.Unit), "gunicorn in "+f.Path+" service "+c.Unit)
				}
			}
		case project.KindProcfile:
			if runsGunicorn(f) {
				add(dirOf(f.Path), "gunicorn in "+f.Path)
			}
		case project.KindShell, project.KindSystemd, project.KindSupervisord:
			if runsGunicorn(f) {
				scripts = append(scripts, f)
			}
		case project.KindPython:
			if path.Base(f.Path) == "gunicorn.conf.py" && !project.IsTestFile(f) {
				if _, ok := dirs[dirOf(f.Path)]; !ok {
					weak[dirOf(f.Path)] = f.Path
				}
				add(dirOf(f.Path), "gunicorn config "+f.Path)
			}
		case project.KindUwsgi:
			// A uWSGI configuration is a server's start, as gunicorn.conf.py is.
			if m := f.Deploy(); m != nil && len(m.Options) > 0 {
				d := uwsgiAppFolder(f, byPath)
				if _, ok := dirs[d]; !ok {
					weak[d] = f.Path
				}
				add(d, "uWSGI config "+f.Path)
			}
		}
	}
	// A script, unit or program that starts gunicorn belongs to the service
	// around it (an entrypoint in docker/ is the service's own); only where
	// none is around does it start one, in the folder of its app (appFolder).
	for _, f := range scripts {
		if _, ok := enclosing(dirs, dirOf(f.Path)); !ok {
			d := appFolder(f, byPath)
			weak[d] = f.Path
			add(d, "gunicorn in "+f.Path)
		}
	}
	assembleImages(files, contextOf, dirs, weak)
	if len(dirs) == 0 {
		dirs[""] = "the workspace root (no server start found)"
	}
	services := make(map[string]*Service, len(dirs))
	var order []string
	for d, why := range dirs {
		services[d] = &Service{Dir: d, Why: why}
		order = append(order, d)
	}
	sort.Strings(order)
	// Own files: each file belongs to the innermost service around it.
	var outside []*project.File
	for _, f := range files {
		if d, ok := enclosing(dirs, dirOf(f.Path)); ok {
			services[d].Files = append(services[d].Files, Rebase(f, d))
		} else {
			outside = append(outside, f)
		}
	}
	// Shared files: a compose file outside a service goes to the services
	// it builds (with the env files and Dockerfiles it names); another
	// deploy file outside every service goes to the only service, if there
	// is one; requirements outside go to the services that declare none;
	// Python outside every service is none's.
	shared := map[*Service]map[string]bool{}
	attach := func(s *Service, f *project.File) {
		if shared[s] == nil {
			shared[s] = map[string]bool{}
		}
		if !shared[s][f.Path] && !within(f.Path, s.Dir) {
			shared[s][f.Path] = true
			s.Files = append(s.Files, Rebase(f, s.Dir))
		}
	}
	named := map[string]bool{}
	for _, f := range outside {
		if f.Kind != project.KindCompose {
			continue
		}
		m := f.Deploy()
		envFiles := map[string][]deploy.Ref{} // by unit
		for _, r := range m.EnvFiles {
			envFiles[r.Unit] = append(envFiles[r.Unit], r)
		}
		units := map[*Service][]string{} // the compose services that build each service
		var order2 []*Service
		for _, b := range m.Builds {
			ctx := clean(path.Join(dirOf(f.Path), b.Context))
			s, ok := services[ctx]
			if !ok {
				continue
			}
			if units[s] == nil {
				order2 = append(order2, s)
			}
			units[s] = append(units[s], b.Unit)
			for _, r := range envFiles[b.Unit] {
				if ef := byPath[clean(path.Join(dirOf(f.Path), r.Path))]; ef != nil {
					named[ef.Path] = true
					attach(s, ef)
				}
			}
			if df := byPath[clean(path.Join(ctx, b.Dockerfile))]; df != nil {
				named[df.Path] = true
				attach(s, df)
			}
		}
		// Each service sees only its own compose services of the file.
		for _, s := range order2 {
			named[f.Path] = true
			if shared[s] == nil {
				shared[s] = map[string]bool{}
			}
			if !shared[s][f.Path] {
				shared[s][f.Path] = true
				s.Files = append(s.Files, f.AtUnits(relTo(s.Dir, f.Path), units[s]))
			}
		}
	}
	// Which kinds each service declares itself (before any file is shared).
	own := map[*Service]map[project.Kind]bool{}
	for _, svc := range services {
		own[svc] = map[project.Kind]bool{}
		for _, f := range svc.Files {
			own[svc][f.Kind] = true
		}
	}
	has := func(s *Service, k project.Kind) bool { return own[s][k] }
	for _, f := range outside {
		if named[f.Path] {
			continue
		}
		switch f.Kind {
		case project.KindPython, project.KindOther:
			// Code outside every service is no service's app code.
			continue
		case project.KindRequirements, project.KindPyproject, project.KindPipfile, project.KindSetupCfg:
			// Dependencies above a service that declares none are its own.
			for _, d := range order {
				if !has(services[d], f.Kind) {
					attach(services[d], f)
				}
			}
		default:
			// A deploy file outside every service that names none (a
			// manifest, a .env) configures the one service there is; among
			// several, nothing says which.
			// One that does not parse names nothing either, but its problem
			// must be reported: it goes to every service.
			if m := f.Deploy(); len(order) == 1 || m != nil && len(m.Problems) > 0 {
				for _, d := range order {
					attach(services[d], f)
				}
			} else if d, ok := nearestService(order, dirOf(f.Path)); ok {
				// Among several, the one service in the deepest folder it
				// shares with the file (facilitator/devops/.../compose.yml
				// runs facilitator/app's image) is the one it configures.
				attach(services[d], f)
			}
		}
	}
	out := make([]*Service, 0, len(order))
	for _, d := range order {
		out = append(out, services[d])
	}
	return out
}

// assembleImages joins the weak services (a gunicorn config's folder, a
// script's or supervisord program's) that a Dockerfile COPYs by name from
// inside its build context into one service at that context: the image
// runs the program with the config beside it, whatever folders they came
// from. A COPY of the whole context (COPY . /app) names no service.
func assembleImages(files []*project.File, contextOf map[string]string, dirs map[string]string, weak map[string]string) {
	for _, f := range files {
		if f.Kind != project.KindDockerfile {
			continue
		}
		ctx, ok := contextOf[f.Path]
		if !ok {
			ctx = dirOf(f.Path)
		}
		var joined []string
		for _, c := range f.Deploy().Copies {
			for _, src := range c.Sources {
				src = clean(path.Join(ctx, src))
				if src == ctx || strings.HasPrefix(src, "..") {
					continue
				}
				for d, made := range weak {
					if d != ctx && within(d, ctx) && (made == src || d == src || within(made, src) && within(src, ctx) && src != ctx) {
						joined = append(joined, d)
					}
				}
			}
		}
		if len(joined) == 0 {
			continue
		}
		sort.Strings(joined)
		for _, d := range joined {
			delete(dirs, d)
			delete(weak, d)
		}
		if _, ok := dirs[ctx]; !ok {
			dirs[ctx] = "the image " + f.Path + " assembles " + strings.Join(joined, ", ")
		}
	}
}

// nearestService returns the only service in the deepest folder, other
// than the root, that holds both it and dir; false when there is none or
// several services share that folder.
func nearestService(order []string, dir string) (string, bool) {
	best, depth, n := "", 0, 0
	for _, d := range order {
		c := commonDir(d, dir+"/x")
		if c == "" {
			continue
		}
		switch k := strings.Count(c, "/") + 1; {
		case k > depth:
			best, depth, n = d, k, 1
		case k == depth:
			n++
		}
	}
	return best, n == 1
}

// composeServiceDir is the folder a compose service runs from: its build
// context, else the compose file's folder.
func composeServiceDir(f *project.File, unit string) string {
	for _, b := range f.Deploy().Builds {
		if b.Unit == unit {
			return clean(path.Join(dirOf(f.Path), b.Context))
		}
	}
	return dirOf(f.Path)
}

func runsGunicorn(f *project.File) bool {
	m := f.Deploy()
	if m == nil {
		return false
	}
	for _, c := range m.Commands {
		if c.Phase == deploy.AtStart && (isGunicorn(c.Args) || isUwsgi(c.Args)) {
			return true
		}
	}
	return false
}

// isUwsgi reports a command that starts uWSGI (a server as gunicorn is:
// the file that runs it starts a service).
func isUwsgi(args []string) bool { return deploy.RunsUwsgi(args) }

// pathSet reports the files and the folders that hold them.
func pathSet(files []*project.File) func(string) bool {
	set := map[string]bool{"": true}
	for _, f := range files {
		set[f.Path] = true
		for d := dirOf(f.Path); d != "" && !set[d]; d = parent(d) {
			set[d] = true
		}
	}
	return func(p string) bool { return set[p] }
}

// appFolder is the folder a script, unit or program that starts gunicorn
// serves from when no service is around it: the nearest folder, its own or
// above, that holds an app module its command names (`gunicorn app:app`
// in contrib/app.service serves the root's app.py; a deploy folder ships
// the unit, not the code). Its own folder when none does.
func appFolder(f *project.File, byPath map[string]*project.File) string {
	var mods []string
	for _, c := range f.Deploy().Commands {
		if args := serverArgs(c.Args); c.Phase == deploy.AtStart && args != nil {
			for _, a := range args[1:] {
				if !strings.HasPrefix(a, "-") {
					mods = append(mods, a)
				}
			}
		}
	}
	return moduleFolder(dirOf(f.Path), mods, byPath)
}

// uwsgiAppFolder is appFolder for a uWSGI configuration: the modules its
// module, wsgi and mount options name.
func uwsgiAppFolder(f *project.File, byPath map[string]*project.File) string {
	var mods []string
	for _, u := range deploy.UwsgiServers(f.Deploy()) {
		mods = append(mods, u.AppModules()...)
	}
	return moduleFolder(dirOf(f.Path), mods, byPath)
}

// moduleFolder is the nearest folder, own or above, that holds one of the
// app modules (module[:callable]); failing that, the folder holding both
// own and the module wherever it lies (--pythonpath, --chdir or uWSGI's
// chdir put its folder on the path: netbox.wsgi is netbox/netbox/wsgi.py);
// own when no module is found.
func moduleFolder(own string, mods []string, byPath map[string]*project.File) string {
	for _, a := range mods {
		mod, _, _ := strings.Cut(a, ":")
		if !isDottedName(mod) {
			continue
		}
		rel := strings.ReplaceAll(mod, ".", "/")
		cands := []string{rel + ".py", rel + "/__init__.py"}
		for d := own; ; d = parent(d) {
			for _, cand := range cands {
				if byPath[clean(path.Join(d, cand))] != nil {
					return d
				}
			}
			if d == "" {
				break
			}
		}
		var found []string
		for p := range byPath {
			for _, cand := range cands {
				if strings.HasSuffix(p, "/"+cand) {
					found = append(found, p)
				}
			}
		}
		if len(found) > 0 {
			sort.Strings(found)
			return commonFolder(own, dirOf(found[0]))
		}
	}
	return own
}

// imageAppFolder is the service folder of an image that starts a server:
// the folder of the module its command serves, followed back through the
// image's COPY steps, when that lies inside the build context. An image
// built from the repository root that copies one example in
// (examples/gunicorn/server.py to /var/flask for `gunicorn server:app` in
// WORKDIR /var/flask) serves that example, not the repository. The build
// context when the module is not found.
func imageAppFolder(f *project.File, ctx string, byPath map[string]*project.File) string {
	m := f.Deploy()
	for _, c := range m.Commands {
		if c.Phase != deploy.AtStart {
			continue
		}
		dir := c.Dir
		if dir == "" {
			dir = m.Workdir
		}
		for _, a := range servedModules(c.Args) {
			mod, _, _ := strings.Cut(a, ":")
			if !isDottedName(mod) {
				continue
			}
			rel := strings.ReplaceAll(mod, ".", "/")
			for _, cand := range []string{rel + ".py", rel + "/__init__.py"} {
				for _, src := range m.ImageSources(path.Join("/", dir, cand), ctx) {
					src = clean(src)
					if byPath[src] == nil {
						continue
					}
					root := clean(strings.TrimSuffix(strings.TrimSuffix(src, cand), "/"))
					if src == cand {
						root = ""
					}
					if root == ctx || within(root, ctx) {
						return root
					}
				}
			}
		}
	}
	return ctx
}

// servedModules are the app modules (module[:callable]) a command that
// starts a server names: gunicorn's and uvicorn's positional arguments,
// uWSGI's --module/--wsgi/-w values.
func servedModules(args []string) []string {
	var out []string
	if sa := serverArgs(args); sa != nil {
		for _, a := range sa[1:] {
			if !strings.HasPrefix(a, "-") {
				out = append(out, a)
			}
		}
		return out
	}
	if !isUwsgi(args) {
		return nil
	}
	for i, a := range args {
		switch {
		case (a == "--module" || a == "--wsgi" || a == "-w") && i+1 < len(args):
			out = append(out, args[i+1])
		case strings.HasPrefix(a, "--module="), strings.HasPrefix(a, "--wsgi="):
			_, v, _ := strings.Cut(a, "=")
			out = append(out, v)
		}
	}
	return out
}

// commonFolder is the deepest folder holding both a and b.
func commonFolder(a, b string) string {
	for d := a; ; d = parent(d) {
		if b == d || within(b, d) || d == "" {
			return d
		}
	}
}

// isDottedName reports a Python dotted module name (pkg.wsgi).
func isDottedName(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || !(part[0] == '_' || 'a' <= part[0]|0x20 && part[0]|0x20 <= 'z') {
			return false
		}
		for _, r := range part {
			if !(r == '_' || 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9') {
				return false
			}
		}
	}
	return true
}

// isGunicorn reports a command that starts gunicorn, or uvicorn as a server
// of its own, directly or through a runner (poetry run gunicorn, python -m
// uvicorn).
func isGunicorn(args []string) bool { return serverArgs(args) != nil }

// serverArgs returns the arguments of a command that starts gunicorn or
// uvicorn (see frameworks.ServerArgs), the server's name first, or nil.
func serverArgs(args []string) []string {
	if a := frameworks.ServerArgs(args, "gunicorn"); a != nil {
		return a
	}
	return frameworks.ServerArgs(args, "uvicorn")
}

// enclosing returns the innermost service dir that holds dir.
func enclosing(dirs map[string]string, dir string) (string, bool) {
	for d := dir; ; d = parent(d) {
		if _, ok := dirs[d]; ok {
			return d, true
		}
		if d == "" {
			return "", false
		}
	}
}

// Rebase returns f with its path relative to dir ("../x" outside it). The
// content, the parsed summary and the deploy model are shared, not copied
// (project.File.At).
func Rebase(f *project.File, dir string) *project.File {
	if dir == "" {
		return f
	}
	return f.At(relTo(dir, f.Path))
}

// relTo is p relative to dir, both slash paths relative to one root.
func relTo(dir, p string) string {
	if dir == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, dir+"/"); ok {
		return rest
	}
	up := ""
	for d := dir; d != "" && !within(p, d); d = parent(d) {
		up += "../"
	}
	common := commonDir(dir, p)
	return up + strings.TrimPrefix(strings.TrimPrefix(p, common), "/")
}

func commonDir(dir, p string) string {
	for d := dir; ; d = parent(d) {
		if d == "" || within(p, d) {
			return d
		}
	}
}

// Join maps a path relative to a service dir back to the workspace root.
func Join(dir, rel string) string { return clean(path.Join(dir, rel)) }

func within(p, dir string) bool { return dir == "" || strings.HasPrefix(p, dir+"/") }

func dirOf(p string) string { return clean(path.Dir(p)) }

func parent(d string) string {
	if d == "" {
		return ""
	}
	return clean(path.Dir(d))
}

func clean(p string) string {
	p = path.Clean(p)
	if p == "." {
		return ""
	}
	return p
}
