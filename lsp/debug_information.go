package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
)

// debugInformation is multiprom.printDebugInformation's report: the
// server's version, the client's capabilities as negotiated, the editor's
// settings, and for each workspace (the document's, when u is an open
// document, else all) the services found, their folders, the settings in
// effect in each and the files each read. s.mu must be held.
func (s *Server) debugInformation(ctx context.Context, u protocol.DocumentURI) string {
	var b strings.Builder
	version := s.opts.Version
	if version == "" {
		version = "(devel)"
	}
	fmt.Fprintf(&b, "multiprom %s\n", version)
	fmt.Fprintf(&b, "position encoding: %s; rules: %d\n", s.client.encodingName, len(s.rules))
	editor, _ := json.Marshal(s.editor)
	fmt.Fprintf(&b, "editor settings: %s\n", editor)
	fmt.Fprintf(&b, "fix on save (bare source.fixAll) edits: the %s\n", s.editor.FixAllScope())
	if s.rootless {
		b.WriteString("no root from the client: each file's project is found by walking up from it\n")
	}
	wss := s.allWorkspaces()
	if d := s.docs[u]; d != nil {
		wss = []*workspace{d.ws}
	}
	if len(wss) == 0 {
		b.WriteString("no workspace yet (no folder from the client, no document open)\n")
	}
	for _, ws := range wss {
		kind := "folder"
		if ws.loose {
			kind = "loose (a document outside every folder, checked on its own)"
		}
		fmt.Fprintf(&b, "\nworkspace %s: %s\n", orNone(ws.root), kind)
		s.ensureScanned(ctx, ws)
		s.refresh(ctx, ws)
		for _, d := range s.openDocs(ws) {
			fmt.Fprintf(&b, "  open: %s (version %d)\n", d.rel, d.version)
		}
		for _, pr := range ws.problems {
			fmt.Fprintf(&b, "  skipped: %s: %s\n", pr.Path, pr.Message)
		}
		for _, svc := range ws.services {
			fmt.Fprintf(&b, "  service %s (%s)\n", orDot(svc.dir), orNone(svc.root(ws)))
			if svc.project != nil {
				set, _ := json.Marshal(svc.project.Settings)
				fmt.Fprintf(&b, "    settings in effect: %s\n", set)
			}
			rels := make([]string, 0, len(svc.files))
			for rel := range svc.files {
				rels = append(rels, rel)
			}
			sort.Strings(rels)
			fmt.Fprintf(&b, "    files read (%d):\n", len(rels))
			for _, rel := range rels {
				from := "disk"
				if s.docAt(ws, rel) != nil {
					from = "open document"
				}
				if isShared(svc.paths[rel]) {
					from += ", shared from outside the service"
				}
				fmt.Fprintf(&b, "      %s (%s, %s)\n", rel, svc.files[rel].Kind, from)
			}
		}
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}
