package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
)

// gitlabIssue is one GitLab Code Quality record.
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path      string `json:"path"`
	Positions struct {
		Begin gitlabPos `json:"begin"`
		End   gitlabPos `json:"end"`
	} `json:"positions"`
}

type gitlabPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// writeGitLab prints a GitLab Code Quality report (artifacts:reports:codequality).
func writeGitLab(w io.Writer, fs []finding, recs []jsonFinding) error {
	out := make([]gitlabIssue, 0, len(recs))
	seen := map[string]int{}
	for i, rec := range recs {
		key := fingerprint(fs[i])
		seen[key]++
		is := gitlabIssue{
			Description: rec.Code + " " + rec.Message,
			CheckName:   rec.Code,
			Fingerprint: fmt.Sprintf("%s-%d", key, seen[key]),
			Severity:    map[string]string{"error": "major", "warning": "minor"}[rec.Severity],
		}
		if is.Severity == "" {
			is.Severity = "info"
		}
		is.Location.Path = rec.File
		is.Location.Positions.Begin = gitlabPos{rec.Line, rec.Column}
		is.Location.Positions.End = gitlabPos{rec.EndLine, rec.EndColumn}
		out = append(out, is)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// JUnit XML: a suite per file, a failing test case per finding.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string       `xml:"name,attr"`
	ClassName string       `xml:"classname,attr"`
	Line      int          `xml:"line,attr"`
	Column    int          `xml:"column,attr"`
	Failure   junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit prints the findings as JUnit XML, for CI systems that show
// test reports (as ruff's --output-format junit).
func writeJUnit(w io.Writer, recs []jsonFinding) error {
	doc := junitSuites{Name: "multiprom", Tests: len(recs), Failures: len(recs)}
	byFile := map[string]int{}
	for _, rec := range recs {
		i, ok := byFile[rec.File]
		if !ok {
			i = len(doc.Suites)
			byFile[rec.File] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: rec.File})
		}
		s := &doc.Suites[i]
		s.Tests++
		s.Failures++
		s.Cases = append(s.Cases, junitCase{
			Name: "multiprom." + rec.Code, ClassName: rec.File, Line: rec.Line, Column: rec.Column,
			Failure: junitFailure{Message: rec.Message, Text: fmt.Sprintf("line %d, col %d, %s %s", rec.Line, rec.Column, rec.Code, rec.Message)},
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// statistic is one row of --statistics: a rule and how often it fired.
type statistic struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Count   int    `json:"count"`
	Fixable bool   `json:"fixable"`
}

// writeStatistics prints a count per rule, most frequent first (ruff's
// --statistics); JSON under --output-format json.
func (r *report) writeStatistics(w io.Writer) error {
	byCode := map[string]*statistic{}
	var rows []*statistic
	for _, f := range r.findings {
		s, ok := byCode[f.diag.Rule.Code]
		if !ok {
			s = &statistic{Code: f.diag.Rule.Code, Name: f.diag.Rule.Name, Fixable: true}
			byCode[s.Code] = s
			rows = append(rows, s)
		}
		s.Count++
		s.Fixable = s.Fixable && r.fixable(f)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Count != rows[j].Count {
			return rows[i].Count > rows[j].Count
		}
		return rows[i].Code < rows[j].Code
	})
	if r.format == "json" || r.format == "json-lines" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []*statistic{}
		}
		return enc.Encode(rows)
	}
	cw := 1
	if len(rows) > 0 {
		cw = len(fmt.Sprint(rows[0].Count))
	}
	for _, s := range rows {
		mark := "   "
		if s.Fixable {
			mark = "[*]"
		}
		fmt.Fprintf(w, "%*d\t%s\t%s %s\n", cw, s.Count, s.Code, mark, s.Name)
	}
	if len(rows) == 0 && !r.quiet {
		fmt.Fprintln(w, "All checks passed!")
	}
	return nil
}
