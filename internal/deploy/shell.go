package deploy

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/google/shlex"
	"github.com/multiprom/multiprom/internal/source"
	"mvdan.cc/sh/v3/syntax"
)

// maxShellDepth bounds `sh -c` bodies within bodies and calls of shell
// functions within functions; maxFuncCalls bounds the function calls one
// file makes in all, since a function that calls itself several times would
// otherwise run exponentially often. A call past either bound is skipped.
const (
	maxShellDepth = 8
	maxFuncCalls  = 1000
)

// shell runs a parsed shell program symbolically: it follows assignments,
// cd, exec and `sh -c`, and records every command, assignment, clean-up and
// sourced file into a Model. Both branches of an if and one pass of a loop
// are taken: the question is what can run at start-up, not what does.
type shell struct {
	m     *Model
	vars  map[string]string // variables with known values
	phase Phase
	dir   string
	unit  string
	how   string // Assign.How for plain assignments
	funcs map[string]*syntax.Stmt
	depth int
	calls *int // function calls made so far, shared with nested shells
	// literal says, for each word of the command being called (callExpr
	// sets it), whether its glob characters are quoted: rm "$DIR/*" removes
	// a file named *. Empty for a command no shell reads (an exec form,
	// compose, systemd), whose glob characters are all literal.
	literal []bool
	// spanOf maps a node of the parsed text to a span of the file. For a
	// script it is exact; for a command string embedded in another format
	// (a Dockerfile line, a compose value) it is the string's own span.
	spanOf func(syntax.Node) source.Span
}

func newShell(m *Model, phase Phase, vars map[string]string, how, unit, dir string, spanOf func(syntax.Node) source.Span) *shell {
	v := make(map[string]string, len(vars))
	for k, x := range vars {
		v[k] = x
	}
	return &shell{m: m, vars: v, phase: phase, how: how, unit: unit, dir: dir, funcs: map[string]*syntax.Stmt{}, calls: new(int), spanOf: spanOf}
}

// parseShell parses a shell program; a syntax error is returned with its
// line (1-based, within src).
func parseShell(src string) (*syntax.File, int, error) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		var pe syntax.ParseError
		if errors.As(err, &pe) {
			return nil, int(pe.Pos.Line()), fmt.Errorf("shell: %s", pe.Text)
		}
		return nil, 0, fmt.Errorf("shell: %w", err)
	}
	return f, 0, nil
}

// run interprets src; a parse error becomes a Problem at line base+line.
func (s *shell) run(src string, lineBase int) {
	f, line, err := parseShell(src)
	if err != nil {
		if line > 0 {
			line += lineBase
		}
		s.m.Problems = append(s.m.Problems, Problem{Line: line, Msg: err.Error()})
		return
	}
	s.stmts(f.Stmts)
}

func (s *shell) stmts(ss []*syntax.Stmt) {
	for _, st := range ss {
		s.stmt(st)
	}
}

func (s *shell) stmt(st *syntax.Stmt) {
	if st == nil {
		return
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		s.callExpr(st, c)
	case *syntax.DeclClause:
		for _, a := range c.Args {
			if a.Name != nil && a.Value != nil {
				s.assign(a, st)
			}
		}
	case *syntax.BinaryCmd:
		s.stmt(c.X)
		s.stmt(c.Y)
	case *syntax.Block:
		s.stmts(c.Stmts)
	case *syntax.Subshell:
		saved, dir := s.vars, s.dir
		s.vars = copyVars(s.vars)
		s.stmts(c.Stmts)
		s.vars, s.dir = saved, dir
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			s.stmts(ic.Cond)
			s.stmts(ic.Then)
		}
	case *syntax.WhileClause:
		s.stmts(c.Cond)
		s.stmts(c.Do)
	case *syntax.ForClause:
		s.stmts(c.Do)
	case *syntax.CaseClause:
		for _, it := range c.Items {
			s.stmts(it.Stmts)
		}
	case *syntax.FuncDecl:
		if c.Name != nil {
			s.funcs[c.Name.Value] = c.Body
		}
	case *syntax.TimeClause:
		s.stmt(c.Stmt)
	}
}

func copyVars(v map[string]string) map[string]string {
	out := make(map[string]string, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// assign records NAME=value as a variable of the rest of the program.
func (s *shell) assign(a *syntax.Assign, st *syntax.Stmt) {
	val, known := s.word(a.Value)
	s.vars[a.Name.Value] = val
	if !known {
		delete(s.vars, a.Name.Value)
	}
	s.m.Assigns = append(s.m.Assigns, Assign{Name: a.Name.Value, Value: val, Span: s.spanOf(st), Phase: s.phase, How: s.how, Known: known})
	if makesTempDir(a.Value) {
		// DIR="$(mktemp -d)": a new, empty folder at every start.
		s.m.Cleanups = append(s.m.Cleanups, Cleanup{Target: "${" + a.Name.Value + "}", Span: s.spanOf(st), Phase: s.phase, How: "mktemp", Unit: s.unit})
	}
}

// makesTempDir reports a word that is only `$(mktemp -d ...)`, quoted or
// not.
func makesTempDir(w *syntax.Word) bool {
	if w == nil || len(w.Parts) != 1 {
		return false
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	cs, ok := part.(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return false
	}
	call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) < 2 || call.Args[0].Lit() != "mktemp" {
		return false
	}
	for _, a := range call.Args[1:] {
		if l := a.Lit(); l == "-d" || l == "--directory" || strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "--") && strings.Contains(l, "d") {
			return true
		}
	}
	return false
}

func (s *shell) callExpr(st *syntax.Stmt, c *syntax.CallExpr) {
	if len(c.Args) == 0 {
		for _, a := range c.Assigns {
			if a.Name != nil && a.Value != nil {
				s.assign(a, st)
			}
		}
		return
	}
	var env []Assign
	for _, a := range c.Assigns {
		if a.Name == nil || a.Value == nil {
			continue
		}
		val, known := s.word(a.Value)
		env = append(env, Assign{Name: a.Name.Value, Value: val, Span: s.spanOf(st), Phase: s.phase, How: s.how, Known: known})
	}
	args := make([]string, 0, len(c.Args))
	s.literal = s.literal[:0]
	for _, w := range c.Args {
		v, _ := s.word(w)
		args = append(args, v)
		s.literal = append(s.literal, quotedGlob(w))
	}
	s.call(args, env, s.spanOf(st))
	s.literal = s.literal[:0]
}

// call records one command and follows what it does to the program's
// state: cd, sourcing, clean-ups, and commands that run other commands.
func (s *shell) call(args []string, env []Assign, sp source.Span) {
	n := len(args)
	args, env = unwrap(args, env)
	var literal []bool // see shell.literal, aligned with args
	if len(s.literal) == n {
		literal = s.literal[n-len(args):]
	}
	if len(args) == 0 {
		return
	}
	name := path.Base(args[0])
	switch {
	case name == "cd" && len(args) > 1:
		s.dir = joinDir(s.dir, args[1])
		return
	case name == "export" || name == ":" || name == "true" || name == "set":
		return
	case (name == "." || name == "source") && len(args) > 1:
		s.m.EnvFiles = append(s.m.EnvFiles, Ref{Path: args[1], Dir: s.dir, Span: sp, Phase: s.phase, Unit: s.unit})
		return
	case isShell(name):
		if body, ok := shellBody(args); ok {
			if s.depth < maxShellDepth {
				inner := *s
				inner.depth++
				inner.spanOf = func(syntax.Node) source.Span { return sp }
				inner.env(env)
				inner.run(body, 0)
				s.dir = inner.dir
			}
			return
		}
	case name == "rm":
		var lit []bool
		if literal != nil {
			lit = literal[1:]
		}
		s.rm(args[1:], lit, sp)
	case name == "find":
		s.find(args[1:], sp)
	case name == "docker" && len(args) > 1:
		s.docker(args[1:], sp)
	case name == "uwsgi" || name == "uwsgi-core":
		s.uwsgiEnv(args[1:], sp)
	}
	if body, ok := s.funcs[args[0]]; ok {
		if s.depth < maxShellDepth && s.calls != nil && *s.calls < maxFuncCalls {
			*s.calls++
			s.depth++
			s.stmt(body)
			s.depth--
		}
		return
	}
	s.m.Commands = append(s.m.Commands, Command{Args: args, Span: sp, Phase: s.phase, Dir: s.dir, Env: env, Unit: s.unit})
}

// env makes a command's own assignments variables of an `sh -c` body.
func (s *shell) env(env []Assign) {
	if len(env) == 0 {
		return
	}
	s.vars = copyVars(s.vars)
	for _, a := range env {
		if a.Known {
			s.vars[a.Name] = a.Value
		}
	}
}

// unwrap strips the commands that only run another: exec, env, nohup,
// init shims and user switchers. env's NAME=value words become the
// command's assignments.
func unwrap(args []string, env []Assign) ([]string, []Assign) {
	for len(args) > 0 {
		switch path.Base(args[0]) {
		case "exec", "nohup", "command", "builtin":
			args = args[1:]
		case "dumb-init", "tini", "catatonit":
			args = args[1:]
			for len(args) > 0 && strings.HasPrefix(args[0], "-") {
				args = args[1:]
			}
		case "gosu", "su-exec", "chpst":
			if len(args) < 2 {
				return nil, env
			}
			args = args[2:]
		case "env":
			args = args[1:]
			for len(args) > 0 {
				if strings.HasPrefix(args[0], "-") {
					args = args[1:]
					continue
				}
				k, v, ok := strings.Cut(args[0], "=")
				if !ok || !isEnvName(k) {
					break
				}
				env = append(env, Assign{Name: k, Value: v, Known: !strings.Contains(v, "${")})
				args = args[1:]
			}
		default:
			return args, env
		}
	}
	return args, env
}

func isShell(name string) bool {
	switch name {
	case "sh", "bash", "dash", "ash", "zsh", "ksh":
		return true
	}
	return false
}

// shellBody returns the program of `sh [flags] -c BODY`.
func shellBody(args []string) (string, bool) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			return "", false
		}
		if strings.Contains(a[1:], "c") && !strings.HasPrefix(a, "--") && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// rm records the paths rm removes (a glob such as dir/*.db is kept as written).
// literal, when not nil, says which arguments have quoted glob characters;
// nil means no shell expands them (an exec form, compose, systemd).
func (s *shell) rm(args []string, literal []bool, sp source.Span) {
	var targets []string
	opts := true
	for i, a := range args {
		switch {
		case opts && a == "--":
			opts = false
		case opts && strings.HasPrefix(a, "-") && len(a) > 1:
		default:
			if strings.ContainsAny(a, "*?[") && (literal == nil || literal[i]) {
				continue // the pattern reaches rm unexpanded: it names one odd file
			}
			targets = append(targets, a)
		}
	}
	for _, t := range targets {
		if !path.IsAbs(t) && !strings.HasPrefix(t, "${") && s.dir != "" {
			t = joinDir(s.dir, t)
		}
		s.m.Cleanups = append(s.m.Cleanups, Cleanup{Target: t, Span: sp, Phase: s.phase, How: "rm"})
	}
}

// quotedGlob reports a word whose glob characters are quoted.
func quotedGlob(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch x := p.(type) {
		case *syntax.SglQuoted:
			if strings.ContainsAny(x.Value, "*?[") {
				return true
			}
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				if l, ok := q.(*syntax.Lit); ok && strings.ContainsAny(l.Value, "*?[") {
					return true
				}
			}
		}
	}
	return false
}

// find records `find DIR ... -delete` (or -exec rm) as emptying DIR: what it
// deletes lies in DIR. A -name pattern narrows it to DIR/PATTERN: *.db is
// a multiprocess clean-up, gauge_live*.db removes the live gauges only and
// keeps the counters' files.
func (s *shell) find(args []string, sp source.Span) {
	var dirs, names []string
	deletes := false
	for i, a := range args {
		switch {
		case a == "-delete":
			deletes = true
		case a == "-exec" && i+1 < len(args) && path.Base(args[i+1]) == "rm":
			deletes = true
		case (a == "-name" || a == "-iname") && i+1 < len(args):
			names = append(names, args[i+1])
		case !strings.HasPrefix(a, "-") && len(dirs) == i && a != "(" && a != "!":
			dirs = append(dirs, a)
		}
	}
	if !deletes {
		return
	}
	if len(names) == 0 {
		names = []string{"*"}
	}
	for _, d := range dirs {
		if !path.IsAbs(d) && !strings.HasPrefix(d, "${") && s.dir != "" {
			d = joinDir(s.dir, d)
		}
		for _, n := range names {
			s.m.Cleanups = append(s.m.Cleanups, Cleanup{Target: strings.TrimSuffix(d, "/") + "/" + n, Span: sp, Phase: s.phase, How: "find"})
		}
	}
}

// docker records the Dockerfiles `docker build -f X` names and the env
// files `docker run --env-file X` loads.
func (s *shell) docker(args []string, sp source.Span) {
	sub := args[0]
	for i := 1; i < len(args); i++ {
		a := args[i]
		val := ""
		flag, v, hasEq := strings.Cut(a, "=")
		if hasEq {
			val = v
		} else if i+1 < len(args) {
			val = args[i+1]
		}
		switch {
		case sub == "build" && (flag == "-f" || flag == "--file"):
			s.m.Dockerfiles = append(s.m.Dockerfiles, Ref{Path: val, Dir: s.dir, Span: sp, Phase: s.phase, Unit: s.unit})
		case sub == "run" && flag == "--env-file":
			s.m.EnvFiles = append(s.m.EnvFiles, Ref{Path: val, Dir: s.dir, Span: sp, Phase: s.phase, Unit: s.unit})
		}
	}
}

func joinDir(dir, p string) string {
	if path.IsAbs(p) || dir == "" {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

func isEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// word evaluates a word: quotes removed, known variables expanded, the
// default of ${X:-d} taken and ${X:=d} assigned when X is unknown. known is
// false when an unknown variable or a substitution remains.
func (s *shell) word(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	known := s.parts(&b, w.Parts, false)
	return b.String(), known
}

func (s *shell) parts(b *strings.Builder, parts []syntax.WordPart, quoted bool) bool {
	known := true
	for _, p := range parts {
		switch x := p.(type) {
		case *syntax.Lit:
			b.WriteString(unescape(x.Value, quoted))
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			known = s.parts(b, x.Parts, true) && known
		case *syntax.ParamExp:
			v, ok := s.param(x)
			b.WriteString(v)
			known = known && ok
		case *syntax.CmdSubst:
			if isPwd(x.Stmts) {
				b.WriteString(s.cwd())
				continue
			}
			b.WriteString("$(...)")
			known = false
		default:
			b.WriteString("${?}")
			known = false
		}
	}
	return known
}

func (s *shell) param(x *syntax.ParamExp) (string, bool) {
	if x.Param == nil {
		return "${?}", false
	}
	name := x.Param.Value
	val, set := s.vars[name]
	if name == "PWD" && !set {
		val, set = s.cwd(), true
	}
	if x.Length || x.Excl || x.Slice != nil || x.Repl != nil || x.Index != nil || x.Names != 0 {
		return "${" + name + "}", false
	}
	if x.Exp == nil {
		if set {
			return val, true
		}
		return "${" + name + "}", false
	}
	switch x.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull:
		if set && (val != "" || x.Exp.Op == syntax.DefaultUnset || x.Exp.Op == syntax.AssignUnset) {
			return val, true
		}
		// The variable may come from the environment the program is
		// started with; without it the default applies. The default is
		// what the file itself says, so it is what is reported.
		def, ok := s.word(x.Exp.Word)
		if x.Exp.Op == syntax.AssignUnset || x.Exp.Op == syntax.AssignUnsetOrNull {
			if ok {
				s.vars[name] = def
			}
			s.m.Assigns = append(s.m.Assigns, Assign{Name: name, Value: def, Span: s.spanOf(x), Phase: s.phase, How: s.how, Known: ok})
		}
		return def, ok
	}
	if set {
		return val, true
	}
	return "${" + name + "}", false
}

// cwd is the working directory: the one a cd or WORKDIR named, else "."
// (where the file is run from, which relative paths of the same file share).
func (s *shell) cwd() string {
	if s.dir == "" {
		return "."
	}
	return s.dir
}

// isPwd reports a command substitution that only runs pwd: $(pwd), `pwd`.
func isPwd(stmts []*syntax.Stmt) bool {
	if len(stmts) != 1 {
		return false
	}
	c, ok := stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) != 1 || len(c.Assigns) != 0 {
		return false
	}
	lit := c.Args[0].Lit()
	return lit == "pwd"
}

// unescape removes the backslashes of an unquoted (or double-quoted) literal.
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if s[i+1] == '\n' {
				i++
				continue
			}
			if !quoted || strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
				i++
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Words splits a command line that no shell reads (a compose command
// string, a systemd Exec line, a supervisord command, GUNICORN_CMD_ARGS)
// the way those programs do: POSIX shlex rules, quotes and backslashes, and
// every other character, parentheses included, part of a word. Variables
// stay as written.
func Words(s string) ([]string, error) {
	words, err := shlex.Split(s)
	if err != nil {
		return nil, fmt.Errorf("split %q: %w", s, err)
	}
	return words, nil
}

// argv runs a command line that no shell reads: its words are split as
// Words does, variables the program expands (systemd, compose) are
// expanded, and the command is recorded; a `sh -c` among them is followed.
func (s *shell) argv(line string, sp source.Span, line0 int) {
	words, err := Words(line)
	if err != nil {
		s.m.Problems = append(s.m.Problems, Problem{Line: line0 + 1, Msg: err.Error()})
		return
	}
	for i, w := range words {
		words[i] = s.expand(w)
	}
	s.call(words, nil, sp)
}

// expand substitutes known variables in one word ($X, ${X}, ${X:-d}).
func (s *shell) expand(w string) string {
	if !strings.Contains(w, "$") {
		return w
	}
	doc, err := syntax.NewParser().Document(strings.NewReader(w))
	if err != nil {
		return w
	}
	v, _ := s.word(doc)
	return v
}
