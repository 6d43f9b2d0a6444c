package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
)

// finding is a diagnostic with what output needs to place it.
type finding struct {
	diag *diagnostics.Diagnostic
	file *project.File
	root string
	// proj holds the files the diagnostic's fix edits (its spans are in
	// proj's text, which after --fix is the fixed text).
	proj *project.Project
}

// location is a 1-based row and a column in Unicode code points, as ruff
// writes them.
type location struct {
	Row    int `json:"row"`
	Column int `json:"column"`
}

// jsonEdit is one edit of a fix: replace [location, end_location) of file
// with content, or (create) make the file with content.
type jsonEdit struct {
	File        string   `json:"file"`
	Content     string   `json:"content"`
	Location    location `json:"location"`
	EndLocation location `json:"end_location"`
	Create      bool     `json:"create,omitempty"`
}

// jsonFix is a finding's preferred fix, as ruff's JSON has it:
// applicability "safe" (--fix applies it) or "unsafe" (only with
// --unsafe-fixes, or as an editor action).
type jsonFix struct {
	Applicability string     `json:"applicability"`
	Message       string     `json:"message"`
	Edits         []jsonEdit `json:"edits"`
}

// jsonFinding is the --output-format json record: 1-based lines, columns
// in Unicode code points (as ruff), paths relative to the current
// directory.
type jsonFinding struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Severity  string   `json:"severity"`
	Message   string   `json:"message"`
	Fixable   bool     `json:"fixable"`
	Fix       *jsonFix `json:"fix"`
	URL       string   `json:"url"`
	// AlsoOn are the places in other files the finding affects, where
	// the editor shows it too (a Procfile's finding on the app's
	// Flask(...) call); absent when there are none.
	AlsoOn []jsonLocation `json:"also_on,omitempty"`
}

// jsonLocation is a span of a file: 1-based lines, columns in code points.
type jsonLocation struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

func toJSON(cwd string, f finding) jsonFinding {
	idx := f.file.Lines()
	start := idx.Position(f.diag.Span.Start, source.UTF32)
	end := idx.Position(f.diag.Span.End, source.UTF32)
	return jsonFinding{
		File:      displayPath(cwd, f.root, f.diag.Path),
		Line:      start.Line + 1,
		Column:    start.Col + 1,
		EndLine:   end.Line + 1,
		EndColumn: end.Col + 1,
		Code:      f.diag.Rule.Code,
		Name:      f.diag.Rule.Name,
		Severity:  f.diag.Severity.String(),
		Message:   f.diag.Message,
		Fixable:   f.diag.Fixable(),
		Fix:       fixJSON(cwd, f),
		URL:       f.diag.Rule.DocURL(),
		AlsoOn:    alsoOnJSON(cwd, f),
	}
}

// alsoOnJSON places the finding's AlsoOn locations in their files.
func alsoOnJSON(cwd string, f finding) []jsonLocation {
	var out []jsonLocation
	for _, at := range f.diag.AlsoOn {
		file := f.proj.File(at.Path)
		if file == nil {
			continue
		}
		idx := file.Lines()
		s, e := idx.Position(at.Span.Start, source.UTF32), idx.Position(at.Span.End, source.UTF32)
		out = append(out, jsonLocation{File: displayPath(cwd, f.root, at.Path), Line: s.Line + 1, Column: s.Col + 1, EndLine: e.Line + 1, EndColumn: e.Col + 1})
	}
	return out
}

func fixJSON(cwd string, f finding) *jsonFix {
	if len(f.diag.Fixes) == 0 {
		return nil
	}
	fx := f.diag.Fixes[0]
	out := &jsonFix{Applicability: "safe", Message: fx.Title, Edits: []jsonEdit{}}
	if fx.Unsafe {
		out.Applicability = "unsafe"
	}
	for _, e := range fx.Edits {
		file := f.file
		if f.proj != nil {
			file = f.proj.File(e.Path)
		}
		if file == nil {
			continue
		}
		idx := file.Lines()
		s, en := idx.Position(e.Span.Start, source.UTF32), idx.Position(e.Span.End, source.UTF32)
		out.Edits = append(out.Edits, jsonEdit{
			File:        displayPath(cwd, f.root, e.Path),
			Content:     e.NewText,
			Location:    location{s.Line + 1, s.Col + 1},
			EndLocation: location{en.Line + 1, en.Col + 1},
		})
	}
	for _, c := range fx.Creates {
		out.Edits = append(out.Edits, jsonEdit{
			File: displayPath(cwd, f.root, c.Path), Content: c.Content,
			Location: location{1, 1}, EndLocation: location{1, 1}, Create: true,
		})
	}
	return out
}

// formats are the --output-format names; text is full's old name, auto
// is github under GitHub Actions, else full.
var formats = []string{"full", "concise", "json", "json-lines", "github", "gitlab", "sarif", "junit", "text", "auto"}

func resolveFormat(name string) (string, error) {
	for _, f := range formats {
		if f == name {
			switch name {
			case "auto":
				if os.Getenv("GITHUB_ACTIONS") == "true" {
					return "github", nil
				}
				return "full", nil
			case "text":
				return "full", nil
			}
			return name, nil
		}
	}
	return "", fmt.Errorf("unknown --output-format %q (want %s)", name, strings.Join(formats[:len(formats)-2], ", "))
}

// report is what a check prints after the findings are known.
type report struct {
	cwd      string
	format   string
	findings []finding
	fixed    int  // findings resolved by --fix
	fixing   bool // --fix ran: the summary says what was fixed and what was not, and why
	quiet    bool
	unsafe   bool // --unsafe-fixes: unsafe fixes count as fixable
	color    bool
	stats    bool // --statistics: a table of counts instead of the findings
}

func (r *report) write(w io.Writer) error {
	if r.stats {
		return r.writeStatistics(w)
	}
	recs := make([]jsonFinding, len(r.findings))
	for i, f := range r.findings {
		recs[i] = toJSON(r.cwd, f)
	}
	switch r.format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if recs == nil {
			recs = []jsonFinding{}
		}
		return enc.Encode(recs)
	case "json-lines":
		enc := json.NewEncoder(w)
		for _, rec := range recs {
			if err := enc.Encode(rec); err != nil {
				return err
			}
		}
		return nil
	case "github":
		for _, rec := range recs {
			level := "warning"
			switch rec.Severity {
			case "error":
				level = "error"
			case "info", "hint":
				level = "notice"
			}
			fmt.Fprintf(w, "::%s title=%s,file=%s,line=%d,col=%d,endLine=%d,endColumn=%d::%s\n", level,
				ghProperty(rec.Code+" "+rec.Name), ghProperty(rec.File), rec.Line, rec.Column, rec.EndLine, rec.EndColumn,
				ghData(rec.Code+" "+rec.Message))
		}
		return nil
	case "gitlab":
		return writeGitLab(w, r.findings, recs)
	case "sarif":
		return writeSARIF(w, r.cwd, r.findings)
	case "junit":
		return writeJUnit(w, recs)
	}
	return r.writeText(w, recs)
}

// GitHub workflow command escaping: data escapes %, CR, LF; properties
// also escape ':' and ','.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
