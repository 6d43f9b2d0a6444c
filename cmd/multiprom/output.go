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
}

// jsonFinding is the --format json record: 1-based lines, columns in
// Unicode code points (as ruff), paths relative to the current directory.
type jsonFinding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	Fixable   bool   `json:"fixable"`
	URL       string `json:"url"`
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
		URL:       f.diag.Rule.DocURL(),
	}
}

var formats = []string{"text", "json", "json-lines", "github", "sarif", "auto"}

func resolveFormat(name string) (string, error) {
	for _, f := range formats {
		if f == name {
			if name == "auto" {
				if os.Getenv("GITHUB_ACTIONS") == "true" {
					return "github", nil
				}
				return "text", nil
			}
			return name, nil
		}
	}
	return "", fmt.Errorf("unknown --format %q (want %s)", name, strings.Join(formats, ", "))
}

func writeFindings(w io.Writer, format, cwd string, fs []finding, fixed int, quiet bool) error {
	recs := make([]jsonFinding, len(fs))
	for i, f := range fs {
		recs[i] = toJSON(cwd, f)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if recs == nil {
			recs = []jsonFinding{}
		}
		return enc.Encode(recs)
	case "json-lines":
		enc := json.NewEncoder(w)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	case "github":
		for _, r := range recs {
			level := "warning"
			switch r.Severity {
			case "error":
				level = "error"
			case "info", "hint":
				level = "notice"
			}
			fmt.Fprintf(w, "::%s title=%s,file=%s,line=%d,col=%d,endLine=%d,endColumn=%d::%s\n", level,
				ghProperty(r.Code+" "+r.Name), ghProperty(r.File), r.Line, r.Column, r.EndLine, r.EndColumn,
				ghData(r.Code+" "+r.Message))
		}
		return nil
	case "sarif":
		return writeSARIF(w, cwd, fs)
	}
	fixable := 0
	for _, r := range recs {
		fmt.Fprintf(w, "%s:%d:%d: %s %s\n", r.File, r.Line, r.Column, r.Code, r.Message)
		if r.Fixable {
			fixable++
		}
	}
	if quiet {
		return nil
	}
	switch {
	case len(recs) == 0 && fixed > 0:
		fmt.Fprintf(w, "Fixed %d problem(s), none left.\n", fixed)
	case len(recs) == 0:
		fmt.Fprintln(w, "All checks passed.")
	default:
		msg := fmt.Sprintf("Found %d problem(s)", len(recs))
		if fixed > 0 {
			msg = fmt.Sprintf("Fixed %d problem(s); %d left", fixed, len(recs))
		}
		if fixable > 0 {
			msg += fmt.Sprintf(" (%d fixable with `multiprom check --fix`)", fixable)
		}
		fmt.Fprintln(w, msg+".")
	}
	return nil
}

// GitHub workflow command escaping: data escapes %, CR, LF; properties
// also escape ':' and ','.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
