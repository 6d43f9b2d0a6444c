package project

import "strconv"

// pythonUvicornRuns returns the uvicorn.run(...) calls of a script's main
// guard as the uvicorn command lines they amount to ("uvicorn", the app,
// then --workers/--reload as the call gives them), so that worker counts
// are read once, by frameworks.UvicornWorkers. What uvicorn 0.17–0.35 does
// (main.py run, checked by running Debian's 0.17):
//   - several workers (or reload) need the app as an import string
//     ("main:app"); given the app object, uvicorn logs "You must pass the
//     application as an import string" and exits with status 1, serving
//     nothing: such a call is no server here;
//   - the workers are spawned, and each re-runs the script as __mp_main__:
//     a uvicorn.run at module level runs again in every worker, where
//     multiprocessing refuses to start processes during bootstrapping
//     (RuntimeError), so no worker ever serves. Only the main guard counts;
//   - without workers=, Config reads WEB_CONCURRENCY (not UVICORN_WORKERS,
//     which only the command line's click reads);
//   - workers= that is not a literal is a count not known here.
func pythonUvicornRuns(p *Project) []*CommandLine {
	var out []*CommandLine
	for _, f := range p.PythonFiles() {
		if IsTestFile(f) {
			continue
		}
		for _, c := range f.Py.CallsTo("uvicorn.run") {
			if !underMainGuard(c.Conds) {
				continue
			}
			app := c.Positional(0)
			if a := c.Keyword("app"); app == nil && a != nil {
				app = a.Value
			}
			if app == nil || !app.IsStr() {
				continue
			}
			args := []string{"uvicorn", app.Str()}
			if a := c.Keyword("workers"); a != nil && a.Value != nil {
				if _, err := strconv.Atoi(a.Value.Text); err == nil {
					args = append(args, "--workers", a.Value.Text)
				} else if a.Value.Text != "None" {
					args = append(args, "--workers", "${"+a.Value.Text+"}")
				}
			}
			if a := c.Keyword("reload"); a != nil && a.Value != nil && a.Value.Text == "True" {
				args = append(args, "--reload")
			}
			out = append(out, &CommandLine{File: f, Span: c.Span(), Args: args})
		}
	}
	return out
}
