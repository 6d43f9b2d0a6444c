package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/testrepo"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// twoServices are the testdata projects assembled under services/ of one
// repository; the root compose file builds and starts both, so it is a
// file of each (with a finding of the first).
var twoServices = []string{"env-in-app", "exporter-ungated"}

const twoServicesCompose = `services:
  orders:
    build: ./services/env-in-app
    command: gunicorn --workers 3 wsgi:app
  api:
    build:
      context: services/exporter-ungated
      dockerfile: Dockerfile
    command: gunicorn --workers 3 --bind 0.0.0.0:8000 api:app
    environment:
      PROMETHEUS_MULTIPROC_DIR: /tmp/metrics
`

// assembleServices copies the projects into a temporary repository, as
// cmd/multiprom's monorepo test does.
func assembleServices(t *testing.T) string {
	t.Helper()
	return testrepo.Assemble(t, twoServices, twoServicesCompose)
}

func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cliFindings runs `multiprom check --format json .` in root and returns
// its findings by slash path, each as findingLine renders it. A finding the
// CLI reports once with also_on (a compose file's, acting on the app) the
// server publishes on each of those files too, with "(cause: FILE:LINE)"
// after its message for a client without relatedInformation, as this
// test's is: so it counts for those files as well, in that form.
func cliFindings(t *testing.T, root string) map[string][]string {
	t.Helper()
	cmd := exec.Command(multipromBinary(t), "check", "--format", "json", ".")
	cmd.Dir = root
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("check: %v\n%s", err, out)
	}
	var fs []struct {
		File      string `json:"file"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		EndLine   int    `json:"end_line"`
		EndColumn int    `json:"end_column"`
		Code      string `json:"code"`
		Message   string `json:"message"`
		AlsoOn    []struct {
			File      string `json:"file"`
			Line      int    `json:"line"`
			Column    int    `json:"column"`
			EndLine   int    `json:"end_line"`
			EndColumn int    `json:"end_column"`
		} `json:"also_on"`
	}
	if err := json.Unmarshal(out, &fs); err != nil {
		t.Fatalf("check output: %v\n%s", err, out)
	}
	byFile := map[string][]string{}
	for _, f := range fs {
		byFile[f.File] = append(byFile[f.File], fmt.Sprintf("%d:%d-%d:%d %s %s", f.Line, f.Column, f.EndLine, f.EndColumn, f.Code, f.Message))
		for _, a := range f.AlsoOn {
			byFile[a.File] = append(byFile[a.File], fmt.Sprintf("%d:%d-%d:%d %s %s (cause: %s:%d)", a.Line, a.Column, a.EndLine, a.EndColumn, f.Code, f.Message, f.File, f.Line))
		}
	}
	for _, l := range byFile {
		sort.Strings(l)
	}
	return byFile
}

// findingLines renders published diagnostics as cliFindings does (the
// session negotiates utf-32: columns in code points, as the CLI's).
func findingLines(ds []protocol.Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%d:%d-%d:%d %v %s", d.Range.Start.Line+1, d.Range.Start.Character+1,
			d.Range.End.Line+1, d.Range.End.Character+1, d.Code, d.Message))
	}
	sort.Strings(out)
	return out
}

// TestServicesMatchCLI: on a workspace of two services, what the server
// publishes for each file, open or not, is what `multiprom check` reports
// for it: each open document is checked in its service's project, the root
// compose file shared by both gets its findings once, and the findings of
// closed files (a service's compose file) are published too.
func TestServicesMatchCLI(t *testing.T) {
	root := assembleServices(t)
	want := cliFindings(t, root)
	if len(want) < 3 || want["docker-compose.yml"] == nil {
		t.Fatalf("the fixture should have findings in both services and on the shared compose file: %v", want)
	}
	s := startSession(t, Options{})
	s.handshake(root, func(caps map[string]any) { caps["general"] = map[string]any{"positionEncodings": []string{"utf-32"}} })

	// Open the Python files with findings, the shared compose file and a
	// clean file of each service; leave the rest closed.
	opened := []string{"docker-compose.yml", "services/env-in-app/wsgi.py", "services/exporter-ungated/requirements.txt"}
	for rel := range want {
		if strings.HasSuffix(rel, ".py") {
			opened = append(opened, rel)
		}
	}
	for _, rel := range opened {
		s.open(uri.File(filepath.Join(root, rel)), 1, readFile(t, filepath.Join(root, rel)))
	}
	for _, rel := range opened {
		got := findingLines(pull(t, s, uri.File(filepath.Join(root, rel))))
		if w := orEmpty(want[rel]); strings.Join(got, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s (open): the server finds\n%s\nthe CLI\n%s", rel, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
	// Every file's last publish, open or closed, is the CLI's findings.
	var diff string
	s.waitFor("the publishes to match the CLI", func() bool {
		diff = publishDiff(s.client, root, want)
		return diff == ""
	})
	if diff != "" {
		t.Error(diff)
	}
	s.mustCall("shutdown", nil, nil)
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// publishDiff compares the last publish of every file with want; c.mu must
// be held.
func publishDiff(c *client, root string, want map[string][]string) string {
	last := map[string][]protocol.Diagnostic{}
	for _, p := range c.diags {
		rel, err := filepath.Rel(root, uriPath(p.URI))
		if err != nil {
			return err.Error()
		}
		last[filepath.ToSlash(rel)] = p.Diagnostics
	}
	var b strings.Builder
	for rel, w := range want {
		if got := findingLines(last[rel]); strings.Join(got, "\n") != strings.Join(w, "\n") {
			fmt.Fprintf(&b, "%s: published\n%s\nthe CLI\n%s\n", rel, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
	for rel, ds := range last {
		if want[rel] == nil && len(ds) > 0 {
			fmt.Fprintf(&b, "%s: published %v, the CLI finds nothing\n", rel, findingLines(ds))
		}
	}
	return b.String()
}

// TestDeployProblemsPublished: a deploy file that does not parse gets a
// warning on the line its parser stopped at, open (as typed) or closed (as
// changed on disk), and loses it when fixed.
func TestDeployProblemsPublished(t *testing.T) {
	root := assembleServices(t)
	s := startSession(t, Options{})
	s.handshake(root, nil)
	problem := func(p publishDiagnosticsParams) (protocol.Diagnostic, bool) {
		for _, d := range p.Diagnostics {
			if d.Code == nil || d.Code == "" {
				return d, true
			}
		}
		return protocol.Diagnostic{}, false
	}
	broken := twoServicesCompose + "  broken: [\n"
	brokenLine := uint32(strings.Count(twoServicesCompose, "\n"))

	// Open: typed into the root compose file.
	compose := uri.File(filepath.Join(root, "docker-compose.yml"))
	s.open(compose, 1, twoServicesCompose)
	s.change(compose, 2, map[string]any{"text": broken})
	pub := s.waitDiags(compose, "a problem on the broken compose file", func(p publishDiagnosticsParams) bool {
		_, ok := problem(p)
		return ok && p.Version != nil && *p.Version == 2
	})
	d, _ := problem(pub)
	if d.Severity != protocol.DiagnosticSeverityWarning || d.Source != "multiprom" || d.Range.Start.Line != brokenLine || d.Message == "" {
		t.Errorf("problem = %+v, want a multiprom warning on line %d", d, brokenLine)
	}
	s.change(compose, 3, map[string]any{"text": twoServicesCompose})
	s.waitDiags(compose, "the problem gone once fixed", func(p publishDiagnosticsParams) bool {
		_, ok := problem(p)
		return !ok && p.Version != nil && *p.Version == 3 && hasCode(p, "MP201")
	})

	// Closed: a service's compose file changed on disk.
	rel := filepath.Join("services", "exporter-ungated", "docker-compose.yml")
	path := filepath.Join(root, rel)
	good := readFile(t, path)
	changed := func() {
		s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": uri.File(path), "type": 2}}})
	}
	writeFile(t, path, good+"  broken: [\n")
	changed()
	pub = s.waitDiags(uri.File(path), "a problem on the closed compose file", func(p publishDiagnosticsParams) bool {
		_, ok := problem(p)
		return ok
	})
	if d, _ := problem(pub); d.Range.Start.Line != uint32(strings.Count(good, "\n")) || d.Severity != protocol.DiagnosticSeverityWarning {
		t.Errorf("closed file's problem = %+v", d)
	}
	writeFile(t, path, good)
	changed()
	s.waitDiags(uri.File(path), "the closed file's problem gone once fixed", func(p publishDiagnosticsParams) bool {
		_, ok := problem(p)
		return !ok && hasCode(p, "MP201")
	})
	s.mustCall("shutdown", nil, nil)
}

// nopConn drops what the server sends (tests that drive the server
// without a client).
type nopConn struct{ jsonrpc2.Conn }

func (nopConn) Notify(context.Context, string, any) error { return nil }

// TestEditLeavesOtherServicesAlone: an edit in one service builds that
// service's project again and nothing of the other.
func TestEditLeavesOtherServicesAlone(t *testing.T) {
	root := assembleServices(t)
	s := newServerForTest(t)
	s.conn = nopConn{}
	s.addFolder(root)
	ws := s.folders[0]
	check := func() map[string]*service {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.ensureScanned(t.Context(), ws)
		s.checkWorkspace(t.Context(), ws, true)
		out := map[string]*service{}
		for _, svc := range ws.services {
			out[svc.dir] = svc
		}
		return out
	}
	notify := func(fn func(*Server, context.Context, json.RawMessage) (any, error), params any) {
		raw, _ := json.Marshal(params)
		if _, err := fn(s, t.Context(), raw); err != nil {
			t.Fatal(err)
		}
	}
	before := check()
	orders, api := before["services/env-in-app"], before["services/exporter-ungated"]
	if len(before) != 2 || orders == nil || api == nil {
		t.Fatalf("services: %v", before)
	}
	ordersProject, ordersFindings, apiProject := orders.project, orders.findings, api.project

	u := uri.File(filepath.Join(root, "services", "exporter-ungated", "api.py"))
	notify((*Server).didOpen, map[string]any{"textDocument": map[string]any{"uri": u, "languageId": "python", "version": 1, "text": readFile(t, uriPath(u))}})
	notify((*Server).didChange, map[string]any{"textDocument": map[string]any{"uri": u, "version": 2}, "contentChanges": []map[string]any{{"range": rng(0, 0, 0, 0), "text": "import os\n"}}})
	after := check()
	if after["services/env-in-app"] != orders || orders.project != ordersProject || fmt.Sprint(orders.findings) != fmt.Sprint(ordersFindings) {
		t.Error("an edit in services/exporter-ungated rebuilt services/env-in-app")
	}
	if api.project == apiProject {
		t.Error("the edited service kept its project")
	}
}
