package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// workspaceDiagnosticParams is workspace/diagnostic's (3.17).
type workspaceDiagnosticParams struct {
	Identifier        string             `json:"identifier,omitempty"`
	PreviousResultIDs []previousResultID `json:"previousResultIds"`
}

// previousResultID is a result the client holds for a document.
type previousResultID struct {
	URI   protocol.DocumentURI `json:"uri"`
	Value string               `json:"value"`
}

// workspaceDiagnosticReport holds one report per document: a
// workspaceFullReport or a workspaceUnchangedReport.
type workspaceDiagnosticReport struct {
	Items []any `json:"items"`
}

// workspaceFullReport is a document's items; Version is the open
// document's version, null for a file that is not open.
type workspaceFullReport struct {
	Kind     string                `json:"kind"` // "full"
	URI      protocol.DocumentURI  `json:"uri"`
	Version  *int32                `json:"version"`
	ResultID string                `json:"resultId"`
	Items    []protocol.Diagnostic `json:"items"`
}

// workspaceUnchangedReport says the client's previous result for a
// document still holds.
type workspaceUnchangedReport struct {
	Kind     string               `json:"kind"` // "unchanged"
	URI      protocol.DocumentURI `json:"uri"`
	Version  *int32               `json:"version"`
	ResultID string               `json:"resultId"`
}

// workspaceDiagnostic answers workspace/diagnostic (3.17) with a report
// for every file of the workspace folders' services that has findings or
// problems, open or not, per-file findings of Python files that are not
// open included: the whole project's findings in the Problems panel
// without opening each file. A file whose result the client already holds
// is reported "unchanged"; one it holds a result for that has nothing left
// gets an empty full report. From the first such request on, closed files
// are no longer pushed (the client would show them twice).
func (s *Server) workspaceDiagnostic(ctx context.Context, raw json.RawMessage) (any, error) {
	var p workspaceDiagnosticParams
	if len(raw) > 0 && string(raw) != "null" {
		if err := decode(raw, &p); err != nil {
			return nil, err
		}
	}
	previous := map[protocol.DocumentURI]string{}
	for _, r := range p.PreviousResultIDs {
		previous[r.URI] = r.Value
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startPullingWorkspace()
	out := &workspaceDiagnosticReport{Items: []any{}}
	reported := map[protocol.DocumentURI]bool{}
	add := func(u protocol.DocumentURI, version *int32, items []protocol.Diagnostic, id string) {
		if reported[u] {
			return
		}
		reported[u] = true
		if previous[u] == id {
			out.Items = append(out.Items, &workspaceUnchangedReport{Kind: "unchanged", URI: u, Version: version, ResultID: id})
			return
		}
		out.Items = append(out.Items, &workspaceFullReport{Kind: "full", URI: u, Version: version, ResultID: id, Items: items})
	}
	for _, ws := range s.allWorkspaces() {
		docs := s.openDocs(ws)
		if len(docs) == 0 && ws.loose {
			continue
		}
		s.ensureScanned(ctx, ws)
		s.checkWorkspace(ctx, ws, false)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		open := map[string]bool{}
		for _, d := range docs {
			open[d.rel] = true
			v := d.version
			items := s.toLSPDiagnostics(ws, d.file, d.found, d.also, d.problems)
			add(d.uri, &v, items, resultID(items))
		}
		if ws.loose {
			continue
		}
		for _, r := range s.closedReports(ws, docs, open) {
			add(r.uri, nil, r.items, r.id)
		}
	}
	// What the client holds for files with nothing left goes.
	for _, u := range slices.Sorted(maps.Keys(previous)) {
		if !reported[u] {
			add(u, nil, []protocol.Diagnostic{}, resultID(nil))
		}
	}
	return out, nil
}

// closedReport is what workspace/diagnostic reports for a file that is not
// open.
type closedReport struct {
	uri   protocol.DocumentURI
	id    string
	items []protocol.Diagnostic
}

// closedReports are the reports of the files of ws that are not open and
// have findings or problems. They are made again only when a service's
// project or the set of open documents changed: a client re-pulls every
// few seconds, and 1,000 unchanged files cost 26 ms to convert and hash.
// s.mu must be held, and ws checked.
func (s *Server) closedReports(ws *workspace, docs []*document, open map[string]bool) []closedReport {
	var key strings.Builder
	for _, svc := range ws.services {
		fmt.Fprintf(&key, "%p;", svc.checked)
	}
	for _, d := range docs {
		key.WriteString(d.rel + ";")
	}
	if ws.pulled != nil && ws.pulledKey == key.String() {
		return ws.pulled
	}
	closed := s.closedFindings(ws, open, true)
	out := []closedReport{}
	for _, rel := range slices.Sorted(maps.Keys(closed)) {
		if items := closed[rel].diagnostics(s, ws); len(items) > 0 {
			out = append(out, closedReport{uri: s.fileURI(ws, rel), id: resultID(items), items: items})
		}
	}
	ws.pulled, ws.pulledKey = out, key.String()
	return out
}

// startPullingWorkspace stops pushing closed files once the client pulls
// the workspace's diagnostics, and withdraws what was pushed so far: a
// client keeps pushed and pulled diagnostics apart and would show both.
// s.mu must be held.
func (s *Server) startPullingWorkspace() {
	if s.pullWorkspace {
		return
	}
	s.pullWorkspace = true
	for _, ws := range s.folders {
		for rel := range ws.published {
			s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: s.fileURI(ws, rel), Diagnostics: []protocol.Diagnostic{}})
		}
		ws.published = map[string]string{}
		ws.closedKey = ""
	}
}

// refreshPull asks a pulling client to pull again (after files changed on
// disk, or the settings or folders did: an edit of an open document is
// pulled by the client itself). s.mu may be held: the request is sent on
// its own goroutine, since its answer comes through the read loop.
func (s *Server) refreshPull() {
	if !s.pullWorkspace || !s.client.refreshPull || !s.track() {
		return
	}
	go func() {
		defer s.wg.Done()
		if _, err := s.conn.Call(s.ctx, "workspace/diagnostic/refresh", nil, nil); err != nil {
			s.logger.Debug("workspace/diagnostic/refresh failed", zap.Error(err))
		}
	}()
}
