package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/multiprom/multiprom/internal/source"
)

// initialize records the client's capabilities and roots and answers with
// ours. The params are decoded twice: once as the library's 3.15 struct,
// once as our own for what 3.15 lacks (position encodings) or flattens.
func (s *Server) initialize(ctx context.Context, raw json.RawMessage) (any, error) {
	var lib protocol.InitializeParams
	if err := decode(raw, &lib); err != nil {
		return nil, err
	}
	var p initializeParams
	if err := decode(raw, &p); err != nil {
		return nil, err
	}
	caps := p.Capabilities
	s.mu.Lock()
	s.client.encoding, s.client.encodingName = negotiateEncoding(caps.General.PositionEncodings)
	s.client.documentChanges = caps.Workspace.WorkspaceEdit.DocumentChanges
	for _, op := range caps.Workspace.WorkspaceEdit.ResourceOperations {
		if op == string(protocol.CreateResourceOperation) {
			s.client.createFiles = true
		}
	}
	s.client.applyEdit = caps.Workspace.ApplyEdit
	s.client.watchFiles = caps.Workspace.DidChangeWatchedFiles.DynamicRegistration
	s.client.literalActions = caps.TextDocument.CodeAction.CodeActionLiteralSupport != nil
	if rs := caps.TextDocument.CodeAction.ResolveSupport; rs != nil {
		for _, prop := range rs.Properties {
			if prop == "edit" {
				s.client.resolveEdit = true
			}
		}
	}
	s.client.relatedInformation = caps.TextDocument.PublishDiagnostics.RelatedInformation
	if pull := caps.TextDocument.Diagnostic; pull != nil {
		s.client.pullDocs = true
		s.client.relatedInformation = s.client.relatedInformation || pull.RelatedInformation
	}
	s.client.refreshPull = caps.Workspace.Diagnostics != nil && caps.Workspace.Diagnostics.RefreshSupport
	s.client.markdown = len(caps.TextDocument.Hover.ContentFormat) == 0
	for _, f := range caps.TextDocument.Hover.ContentFormat {
		if f == protocol.Markdown {
			s.client.markdown = true
		}
	}
	switch {
	case len(p.WorkspaceFolders) > 0:
		for _, f := range p.WorkspaceFolders {
			if root := uriPath(protocol.DocumentURI(f.URI)); root != "" {
				s.addFolder(root)
			}
		}
	case p.RootURI != "":
		if root := uriPath(p.RootURI); root != "" {
			s.addFolder(root)
		}
	case p.RootPath != "":
		s.addFolder(p.RootPath)
	}
	s.rootless = len(s.folders) == 0
	if set, errs, ok := decodeSettings(p.InitializationOptions); ok {
		s.setEditorSettings(set, errs)
	}
	enc := s.client.encodingName
	roots := len(s.folders)
	s.mu.Unlock()

	client := ""
	if p.ClientInfo != nil {
		client = p.ClientInfo.Name + " " + p.ClientInfo.Version
	}
	s.logger.Info("initialize", zap.String("client", client), zap.String("positionEncoding", string(enc)),
		zap.Int("roots", roots))
	s.setState(stateInitialized)
	return s.capabilities(enc), nil
}

// negotiateEncoding picks utf-16 (the LSP default, and what every client
// supports) unless the client offers only others: then utf-8, then utf-32.
func negotiateEncoding(offered []PositionEncodingKind) (source.Encoding, PositionEncodingKind) {
	has := map[PositionEncodingKind]bool{}
	for _, e := range offered {
		has[e] = true
	}
	switch {
	case len(offered) == 0 || has[PositionEncodingUTF16]:
		return source.UTF16, PositionEncodingUTF16
	case has[PositionEncodingUTF8]:
		return source.UTF8, PositionEncodingUTF8
	case has[PositionEncodingUTF32]:
		return source.UTF32, PositionEncodingUTF32
	}
	return source.UTF16, PositionEncodingUTF16
}

func (s *Server) capabilities(enc PositionEncodingKind) *initializeResult {
	var actions any = true
	if s.client.literalActions {
		actions = &codeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix, SourceFixAll, SourceFixAllMultiprom, SourceMultiprom},
			ResolveProvider: true,
		}
	}
	var pull *diagnosticOptions
	if s.client.pullDocs {
		// Findings depend on other files (a gunicorn config, a Procfile),
		// and every file of the workspace's services can have some.
		pull = &diagnosticOptions{Identifier: "multiprom", InterFileDependencies: true, WorkspaceDiagnostics: true}
	}
	return &initializeResult{
		Capabilities: serverCapabilities{
			DiagnosticProvider: pull,
			ServerCapabilities: protocol.ServerCapabilities{
				TextDocumentSync: &protocol.TextDocumentSyncOptions{
					OpenClose: true,
					Change:    protocol.TextDocumentSyncKindIncremental,
					Save:      &protocol.SaveOptions{},
				},
				HoverProvider:          true,
				CodeActionProvider:     actions,
				ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: commands},
				Workspace: &protocol.ServerCapabilitiesWorkspace{
					WorkspaceFolders: &protocol.ServerCapabilitiesWorkspaceFolders{Supported: true, ChangeNotifications: true},
				},
			},
			PositionEncoding: enc,
		},
		ServerInfo: &protocol.ServerInfo{Name: "multiprom", Version: s.opts.Version},
	}
}
