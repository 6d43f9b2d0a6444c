package diagnostics

import (
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/frameworks"
)

// TestMarkdownNamesFrameworks: the rule docs (docs/rules.md, explain, hover)
// say which frameworks a rule covers, and that a rule without a list covers
// any.
func TestMarkdownNamesFrameworks(t *testing.T) {
	some := &Rule{Code: "MP999", Name: "x", Title: "T", Doc: "D",
		Frameworks: []frameworks.Framework{frameworks.Flask, frameworks.FastAPI, frameworks.Starlette}}
	if md := some.Markdown(); !strings.Contains(md, "\nFrameworks: Flask, FastAPI, Starlette.\n") {
		t.Errorf("Markdown of a rule for three frameworks:\n%s", md)
	}
	anyFw := &Rule{Code: "MP998", Name: "y", Title: "T", Doc: "D"}
	if md := anyFw.Markdown(); !strings.Contains(md, "\nFrameworks: any (") {
		t.Errorf("Markdown of a rule for any framework:\n%s", md)
	}
}

// TestMarkdownNamesServers: the rule docs say which servers' set-up a rule
// covers, and that a rule without a list covers any.
func TestMarkdownNamesServers(t *testing.T) {
	some := &Rule{Code: "MP999", Name: "x", Title: "T", Doc: "D", Servers: []string{"gunicorn", "uWSGI"}}
	if md := some.Markdown(); !strings.Contains(md, "\nServers: gunicorn, uWSGI.\n") {
		t.Errorf("Markdown of a rule for two servers:\n%s", md)
	}
	anyServer := &Rule{Code: "MP998", Name: "y", Title: "T", Doc: "D"}
	if md := anyServer.Markdown(); !strings.Contains(md, "\nServers: any (") {
		t.Errorf("Markdown of a rule for any server:\n%s", md)
	}
}
