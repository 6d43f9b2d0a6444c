package lsp

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// pullReport is one item of a workspace/diagnostic answer.
type pullReport struct {
	Kind     string                `json:"kind"`
	URI      protocol.DocumentURI  `json:"uri"`
	Version  *int32                `json:"version"`
	ResultID string                `json:"resultId"`
	Items    []protocol.Diagnostic `json:"items"`
}

func pullWorkspace(t *testing.T, c *client, previous []pullReport) map[string]pullReport {
	t.Helper()
	prev := []map[string]any{}
	for _, r := range previous {
		prev = append(prev, map[string]any{"uri": r.URI, "value": r.ResultID})
	}
	var res struct {
		Items []pullReport `json:"items"`
	}
	c.mustCall("workspace/diagnostic", map[string]any{"previousResultIds": prev}, &res)
	out := map[string]pullReport{}
	for _, r := range res.Items {
		if _, dup := out[string(r.URI)]; dup {
			t.Errorf("workspace/diagnostic reports %s twice", r.URI)
		}
		out[string(r.URI)] = r
	}
	return out
}

func reportList(m map[string]pullReport) []pullReport {
	var out []pullReport
	for _, r := range m {
		out = append(out, r)
	}
	return out
}

// TestPullDiagnostics: over the real binary's stdio, a client that
// declares pull diagnostics (3.17) gets diagnosticProvider, and
// workspace/diagnostic reports every file of the workspace's services with
// findings, closed Python files' per-file findings included, as
// `multiprom check` reports them; asked again with its result ids, every
// file is unchanged; a file created on disk makes the server ask for a new
// pull (workspace/diagnostic/refresh), whose answer has it, the rest
// unchanged. textDocument/diagnostic answers for the open document, and
// "unchanged" when asked with its result id. Nothing is pushed.
func TestPullDiagnostics(t *testing.T) {
	root := assembleServices(t)
	want := cliFindings(t, root)
	b := startBinary(t, root)
	var init struct {
		Capabilities struct {
			DiagnosticProvider *diagnosticOptions `json:"diagnosticProvider"`
		} `json:"capabilities"`
	}
	b.mustCall("initialize", initParams(root, func(caps map[string]any) {
		caps["general"] = map[string]any{"positionEncodings": []string{"utf-32"}}
		caps["textDocument"].(map[string]any)["diagnostic"] = map[string]any{"dynamicRegistration": false}
		caps["workspace"].(map[string]any)["diagnostics"] = map[string]any{"refreshSupport": true}
		caps["workspace"].(map[string]any)["didChangeWatchedFiles"] = map[string]any{"dynamicRegistration": false}
	}), &init)
	b.notify("initialized", map[string]any{})
	if dp := init.Capabilities.DiagnosticProvider; dp == nil || !dp.WorkspaceDiagnostics || !dp.InterFileDependencies {
		t.Fatalf("diagnosticProvider = %+v, want workspace and inter-file diagnostics", dp)
	}

	first := pullWorkspace(t, b.client, nil)
	b.client.mu.Lock()
	pushedBefore := len(b.client.diags)
	b.client.mu.Unlock()
	byRel := map[string][]string{}
	for u, r := range first {
		if r.Kind != "full" {
			t.Errorf("%s: first report is %q", u, r.Kind)
		}
		rel, _ := filepath.Rel(root, uriPath(r.URI))
		byRel[filepath.ToSlash(rel)] = findingLines(r.Items)
	}
	for rel, w := range want {
		if got := byRel[rel]; strings.Join(got, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s: pulled\n%s\nthe CLI\n%s", rel, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
	for rel, got := range byRel {
		if want[rel] == nil && len(got) > 0 {
			t.Errorf("%s: pulled %v, the CLI finds nothing", rel, got)
		}
	}
	api := "services/exporter-ungated/api.py"
	if len(byRel[api]) == 0 {
		t.Fatalf("the closed %s has per-file findings (MP103, MP108), pulled none", api)
	}

	again := pullWorkspace(t, b.client, reportList(first))
	for u, r := range again {
		if r.Kind != "unchanged" || r.ResultID != first[u].ResultID {
			t.Errorf("%s: asked again with its result id: %s %q, want unchanged", u, r.Kind, r.ResultID)
		}
	}

	// An open document is answered by textDocument/diagnostic.
	apiURI := uri.File(filepath.Join(root, api))
	b.open(apiURI, 1, readFile(t, filepath.Join(root, api)))
	var doc fullDocumentDiagnosticReport
	b.mustCall("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": apiURI}}, &doc)
	if doc.Kind != "full" || strings.Join(findingLines(doc.Items), "\n") != strings.Join(want[api], "\n") {
		t.Errorf("textDocument/diagnostic: %s %v, want %v", doc.Kind, findingLines(doc.Items), want[api])
	}
	var same struct {
		Kind string `json:"kind"`
	}
	b.mustCall("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": apiURI}, "previousResultId": doc.ResultID}, &same)
	if same.Kind != "unchanged" {
		t.Errorf("textDocument/diagnostic with its result id: %q, want unchanged", same.Kind)
	}

	// A file created on disk: the server asks for a pull, which has it.
	extra := filepath.Join(root, "services", "env-in-app", "orders", "extra.py")
	writeFile(t, extra, "from prometheus_client import Gauge\n\nQUEUED = Gauge(\"orders_queued\", \"Orders waiting\")\n")
	b.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": uri.File(extra), "type": 1}}})
	b.waitFor("workspace/diagnostic/refresh", func() bool { return slices.Contains(b.requests, "workspace/diagnostic/refresh") })
	third := pullWorkspace(t, b.client, reportList(first))
	r, ok := third[string(uri.File(extra))]
	if !ok || r.Kind != "full" || len(r.Items) == 0 || r.Items[0].Code != "MP301" {
		t.Errorf("the new file's report: %+v, want MP301", r)
	}
	compose := string(uri.File(filepath.Join(root, "docker-compose.yml")))
	if first[compose].Kind != "full" || third[compose].Kind != "unchanged" {
		t.Errorf("the root compose file: %q, then %q; want full, then unchanged", first[compose].Kind, third[compose].Kind)
	}

	b.mustCall("shutdown", nil, nil)
	// The check the server starts on initialized may push closed files
	// before the client's first pull; that pull withdraws them, and
	// nothing is pushed after it: what the client shows is pulled only.
	b.client.mu.Lock()
	defer b.client.mu.Unlock()
	last := map[protocol.DocumentURI]publishDiagnosticsParams{}
	for i, p := range b.client.diags {
		last[p.URI] = p
		if i >= pushedBefore && len(p.Diagnostics) > 0 {
			data, _ := json.Marshal(p)
			t.Errorf("pushed after the client's first pull: %s", data)
		}
	}
	for _, p := range last {
		if len(p.Diagnostics) > 0 {
			data, _ := json.Marshal(p)
			t.Errorf("left pushed to a pulling client (it would show them twice): %s", data)
		}
	}
}
