package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"

	"github.com/multiprom/multiprom/diagnostics"
)

// useColor says whether w gets ANSI colours: never with NO_COLOR set (to
// anything, as no-color.org says), always with FORCE_COLOR set, else only
// when w is a terminal.
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	if v := os.Getenv("FORCE_COLOR"); v != "" && v != "0" {
		return true
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// palette is the text output's colours; every one prints plain text when
// colour is off.
type palette struct {
	path, gutter, fixable, help, bold *color.Color
	severity                          map[diagnostics.Severity]*color.Color
}

func newPalette(on bool) *palette {
	p := &palette{
		path:    color.New(color.Bold),
		gutter:  color.New(color.FgBlue, color.Bold),
		fixable: color.New(color.FgCyan),
		help:    color.New(color.FgCyan, color.Bold),
		bold:    color.New(color.Bold),
		severity: map[diagnostics.Severity]*color.Color{
			diagnostics.Error:   color.New(color.FgRed, color.Bold),
			diagnostics.Warning: color.New(color.FgYellow, color.Bold),
			diagnostics.Info:    color.New(color.FgCyan, color.Bold),
			diagnostics.Hint:    color.New(color.FgBlue, color.Bold),
		},
	}
	all := []*color.Color{p.path, p.gutter, p.fixable, p.help, p.bold}
	for _, c := range p.severity {
		all = append(all, c)
	}
	for _, c := range all {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p *palette) sev(s diagnostics.Severity) *color.Color {
	if c, ok := p.severity[s]; ok {
		return c
	}
	return p.bold
}

// fixable says whether this run would apply f's preferred fix: a safe
// fix, or an unsafe one under --unsafe-fixes.
func (r *report) fixable(f finding) bool {
	return len(f.diag.Fixes) > 0 && (!f.diag.Fixes[0].Unsafe || r.unsafe)
}

// writeText prints the full (ruff's default) or concise text output and
// the summary.
func (r *report) writeText(w io.Writer, recs []jsonFinding) error {
	p := newPalette(r.color)
	for i, rec := range recs {
		f := r.findings[i]
		mark := ""
		if r.fixable(f) {
			mark = p.fixable.Sprint("[*]") + " "
		}
		fmt.Fprintf(w, "%s:%d:%d: %s %s%s\n", p.path.Sprint(rec.File), rec.Line, rec.Column,
			p.sev(f.diag.Severity).Sprint(rec.Code), mark, rec.Message)
		if r.format == "full" {
			r.writeSnippet(w, p, f, rec)
		}
	}
	if r.quiet {
		return nil
	}
	r.writeSummary(w, p)
	return nil
}

// maxSnippetLines bounds the source shown for one finding.
const maxSnippetLines = 3

// writeSnippet prints the finding's source line(s) with a caret span under
// the first, and a help line naming the preferred fix:
//
//	  |
//	3 | IN_PROGRESS = Gauge("jobs", "Jobs running")
//	  |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ MP301 (warning)
//	  |
//	  = help: Add multiprocess_mode="livesum"
func (r *report) writeSnippet(w io.Writer, p *palette, f finding, rec jsonFinding) {
	idx := f.file.Lines()
	first, last := rec.Line-1, rec.EndLine-1
	if last > first && rec.EndColumn == 1 {
		last-- // a span that ends at a line break does not show the next line
	}
	shown := min(last, first+maxSnippetLines-1)
	width := len(strconv.Itoa(shown + 1))
	if shown < last {
		width = max(width, 3) // room for the "..." of the lines not shown
	}
	gutter := func(label string) string {
		return p.gutter.Sprint(fmt.Sprintf("%*s |", width, label))
	}
	fmt.Fprintln(w, gutter(""))
	for line := first; line <= shown; line++ {
		text := strings.ReplaceAll(string(f.file.Src[idx.LineStart(line):idx.LineEnd(line)]), "\t", " ")
		text = strings.TrimRight(text, "\r")
		fmt.Fprintf(w, "%s %s\n", gutter(strconv.Itoa(line+1)), text)
		if line != first {
			continue
		}
		from := rec.Column - 1
		to := utf8.RuneCountInString(text)
		if last == first {
			to = rec.EndColumn - 1
		}
		n := max(1, to-from)
		label := fmt.Sprintf("%s (%s)", rec.Code, rec.Severity)
		fmt.Fprintf(w, "%s %s%s\n", gutter(""), strings.Repeat(" ", from), p.sev(f.diag.Severity).Sprint(strings.Repeat("^", n)+" "+label))
	}
	if shown < last {
		fmt.Fprintf(w, "%s\n", p.gutter.Sprint(fmt.Sprintf("%*s |", width, "...")))
	}
	fmt.Fprintln(w, gutter(""))
	if len(f.diag.Fixes) > 0 {
		fx := f.diag.Fixes[0]
		title := fx.Title
		if fx.Unsafe && !r.unsafe {
			title += " (unsafe fix: applied only with --unsafe-fixes)"
		}
		fmt.Fprintf(w, "%s %s %s\n", strings.Repeat(" ", width), p.gutter.Sprint("="), p.help.Sprint("help:")+" "+title)
	}
	for _, at := range rec.AlsoOn {
		// Where the editor shows the finding too: the file it acts on.
		fmt.Fprintf(w, "%s %s %s affects %s:%d\n", strings.Repeat(" ", width), p.gutter.Sprint("="), p.help.Sprint("note:"), at.File, at.Line)
	}
	fmt.Fprintln(w)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// writeSummary prints ruff's closing lines: how many findings, how many
// --fix would fix (and how many more with --unsafe-fixes); after --fix,
// what was fixed and, for what is left, why.
func (r *report) writeSummary(w io.Writer, p *palette) {
	n := len(r.findings)
	if n == 0 {
		if r.fixed > 0 {
			fmt.Fprintf(w, "Found %s (%d fixed, 0 remaining).\n", plural(r.fixed, "error", "errors"), r.fixed)
			return
		}
		fmt.Fprintln(w, p.bold.Sprint("All checks passed!"))
		return
	}
	if r.fixing {
		fmt.Fprintf(w, "Found %s (%d fixed, %d remaining).\n", plural(n+r.fixed, "error", "errors"), r.fixed, n)
		r.writeLeft(w)
		return
	}
	fmt.Fprintf(w, "Found %s.\n", plural(n, "error", "errors"))
	fixable, hidden := 0, 0
	for _, f := range r.findings {
		switch {
		case r.fixable(f):
			fixable++
		case len(f.diag.Fixes) > 0:
			hidden++
		}
	}
	var line string
	if fixable > 0 {
		line = fmt.Sprintf("%s %d fixable with the `--fix` option", p.fixable.Sprint("[*]"), fixable)
		if hidden > 0 {
			line += fmt.Sprintf(" (%s can be enabled with the `--unsafe-fixes` option)", plural(hidden, "hidden fix", "hidden fixes"))
		}
	} else if hidden > 0 {
		line = fmt.Sprintf("No fixes available (%s can be enabled with the `--unsafe-fixes` option)", plural(hidden, "hidden fix", "hidden fixes"))
	}
	if line != "" {
		fmt.Fprintln(w, line+".")
	}
}

// writeLeft says, after --fix, which findings are left and why: the rule
// has no automatic fix, the fix is unsafe, or the fix was not applied
// (its edits conflicted with another's, or its file changed meanwhile).
func (r *report) writeLeft(w io.Writer) {
	reasons := map[string]map[string]int{} // reason -> code -> count
	for _, f := range r.findings {
		reason := "no automatic fix"
		switch {
		case len(f.diag.Fixes) > 0 && f.diag.Fixes[0].Unsafe && !r.unsafe:
			reason = "unsafe fix: apply it with --unsafe-fixes"
		case len(f.diag.Fixes) > 0:
			reason = "fix not applied (it conflicts with another fix or needs a file that was skipped)"
		}
		if reasons[reason] == nil {
			reasons[reason] = map[string]int{}
		}
		reasons[reason][f.diag.Rule.Code]++
	}
	order := make([]string, 0, len(reasons))
	for k := range reasons {
		order = append(order, k)
	}
	sort.Strings(order)
	for _, reason := range order {
		codes := make([]string, 0, len(reasons[reason]))
		for c, k := range reasons[reason] {
			if k > 1 {
				c = fmt.Sprintf("%s ×%d", c, k)
			}
			codes = append(codes, c)
		}
		sort.Strings(codes)
		fmt.Fprintf(w, "  %s: %s\n", strings.Join(codes, ", "), reason)
	}
}
