package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
)

// writeSARIF prints a SARIF 2.1.0 log: every rule with its help text, and
// each finding with a %SRCROOT%-relative URI (relative to the current
// directory) and a partial fingerprint that survives unrelated edits above
// the finding (code + path + the line's text + occurrence).
func writeSARIF(w io.Writer, cwd string, fs []finding) error {
	report, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	run := sarif.NewRunWithInformationURI("multiprom", "https://github.com/multiprom/multiprom")
	run.Tool.Driver.WithVersion(version)
	run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{
		"%SRCROOT%": sarif.NewArtifactLocation().WithUri("file://" + strings.TrimSuffix(cwd, "/") + "/"),
	})
	for _, r := range rules.All {
		run.AddRule(r.Code).
			WithName(r.Name).
			WithShortDescription(sarif.NewMultiformatMessageString(r.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(r.Doc)).
			WithHelpURI(r.DocURL()).
			WithHelp(sarif.NewMultiformatMessageString(r.Markdown()).WithMarkdown(r.Markdown())).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity)))
	}
	seen := map[string]int{}
	for _, f := range fs {
		rec := toJSON(cwd, f)
		run.AddDistinctArtifact(rec.File)
		loc := sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(rec.File).WithUriBaseId("%SRCROOT%")).
			WithRegion(sarif.NewRegion().WithStartLine(rec.Line).WithStartColumn(rec.Column).WithEndLine(rec.EndLine).WithEndColumn(rec.EndColumn))
		res := run.CreateResultForRule(rec.Code).
			WithLevel(sarifLevel(f.diag.Severity)).
			WithMessage(sarif.NewTextMessage(rec.Message))
		res.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
		for i, at := range rec.AlsoOn {
			run.AddDistinctArtifact(at.File)
			res.AddRelatedLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(at.File).WithUriBaseId("%SRCROOT%")).
				WithRegion(sarif.NewRegion().WithStartLine(at.Line).WithStartColumn(at.Column).WithEndLine(at.EndLine).WithEndColumn(at.EndColumn))).
				WithId(i + 1).WithMessage(sarif.NewTextMessage("affected: the finding acts on this file")))
		}
		key := fingerprint(f)
		seen[key]++
		res.WithPartialFingerPrints(map[string]interface{}{"primaryLocationLineHash": fmt.Sprintf("%s:%d", key, seen[key])})
	}
	report.AddRun(run)
	if err := report.PrettyWrite(w); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return nil
}

func fingerprint(f finding) string {
	idx := f.file.Lines()
	line := idx.Line(f.diag.Span.Start)
	start := idx.LineStart(line)
	end := idx.LineStart(line + 1)
	text := strings.TrimSpace(string(f.file.Src[start:end]))
	sum := sha256.Sum256([]byte(f.diag.Rule.Code + "\x00" + f.diag.Path + "\x00" + text))
	return hex.EncodeToString(sum[:8])
}

func sarifLevel(s diagnostics.Severity) string {
	switch s {
	case diagnostics.Error:
		return "error"
	case diagnostics.Warning:
		return "warning"
	}
	return "note"
}
