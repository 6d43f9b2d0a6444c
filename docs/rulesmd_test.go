package docs_test

import (
	"os"
	"testing"

	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/docs"
)

// docs/rules.md is generated; this fails when a rule changed and the file
// was not regenerated with `make docs`.
func TestRulesMarkdownFresh(t *testing.T) {
	got, err := os.ReadFile("rules.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := docs.RulesMarkdown(rules.All); string(got) != want {
		t.Fatal("docs/rules.md is stale: run `make docs`")
	}
}

// Every rule carries its documentation as data: the CLI, hover and docs
// render it, so none may be empty.
func TestEveryRuleDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.All {
		if r.Code == "" || r.Name == "" || r.Title == "" || r.Doc == "" || r.Before == "" || r.Run == nil || r.Severity == 0 {
			t.Errorf("%s (%s): code, name, title, doc, before, severity and run are required", r.Code, r.Name)
		}
		if seen[r.Code] {
			t.Errorf("%s registered twice", r.Code)
		}
		seen[r.Code] = true
	}
}
