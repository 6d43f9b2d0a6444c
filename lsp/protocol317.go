package lsp

import (
	"encoding/json"

	"go.lsp.dev/protocol"
)

// LSP 3.16/3.17 shapes that go.lsp.dev/protocol v0.12.0 (LSP 3.15.3) lacks
// or gets wrong for us. Everything else comes from the library.

// PositionEncodingKind is how columns are counted (3.17).
type PositionEncodingKind string

const (
	PositionEncodingUTF8  PositionEncodingKind = "utf-8"
	PositionEncodingUTF16 PositionEncodingKind = "utf-16"
	PositionEncodingUTF32 PositionEncodingKind = "utf-32"
)

// initializeParams is the part of InitializeParams decoded a second time:
// the 3.17 fields, and the capabilities we actually look at, with their
// exact optionality (v0.12.0 flattens some into non-pointers).
type initializeParams struct {
	RootURI               protocol.DocumentURI       `json:"rootUri"`
	RootPath              string                     `json:"rootPath"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	ClientInfo            *struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"clientInfo"`
	Capabilities struct {
		General struct {
			PositionEncodings []PositionEncodingKind `json:"positionEncodings"`
		} `json:"general"`
		Workspace struct {
			WorkspaceEdit struct {
				DocumentChanges    bool     `json:"documentChanges"`
				ResourceOperations []string `json:"resourceOperations"`
			} `json:"workspaceEdit"`
			ApplyEdit   bool `json:"applyEdit"`
			Diagnostics *struct {
				RefreshSupport bool `json:"refreshSupport"`
			} `json:"diagnostics"`
			DidChangeWatchedFiles struct {
				DynamicRegistration bool `json:"dynamicRegistration"`
			} `json:"didChangeWatchedFiles"`
		} `json:"workspace"`
		TextDocument struct {
			CodeAction struct {
				CodeActionLiteralSupport *struct{} `json:"codeActionLiteralSupport"`
				ResolveSupport           *struct {
					Properties []string `json:"properties"`
				} `json:"resolveSupport"`
			} `json:"codeAction"`
			Hover struct {
				ContentFormat []protocol.MarkupKind `json:"contentFormat"`
			} `json:"hover"`
			PublishDiagnostics struct {
				RelatedInformation bool `json:"relatedInformation"`
			} `json:"publishDiagnostics"`
			Diagnostic *struct {
				RelatedInformation bool `json:"relatedInformation"` // 3.18
			} `json:"diagnostic"`
		} `json:"textDocument"`
	} `json:"capabilities"`
}

// initializeResult adds 3.17 capabilities to the library's struct.
type initializeResult struct {
	Capabilities serverCapabilities   `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

type serverCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding   PositionEncodingKind `json:"positionEncoding,omitempty"`
	DiagnosticProvider *diagnosticOptions   `json:"diagnosticProvider,omitempty"`
}

// diagnosticOptions announces pull diagnostics (3.17); the requests'
// shapes are beside their handlers (diagnostic.go, workspace_diagnostic.go).
type diagnosticOptions struct {
	Identifier            string `json:"identifier,omitempty"`
	InterFileDependencies bool   `json:"interFileDependencies"`
	WorkspaceDiagnostics  bool   `json:"workspaceDiagnostics"`
}

// codeActionOptions adds resolveProvider (3.16) to the library's options.
type codeActionOptions struct {
	CodeActionKinds []protocol.CodeActionKind `json:"codeActionKinds,omitempty"`
	ResolveProvider bool                      `json:"resolveProvider,omitempty"`
}

// SourceFixAll is the 3.15 "source.fixAll" kind, and ours below it.
const (
	SourceFixAll          protocol.CodeActionKind = "source.fixAll"
	SourceFixAllMultiprom protocol.CodeActionKind = "source.fixAll.multiprom"
)

// contentChange keeps Range optional: v0.12.0's Range is a value, so a
// whole-document change would look like an insertion at 0:0.
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                          `json:"contentChanges"`
}

// publishDiagnosticsParams keeps version 0 (v0.12.0 omits it as empty).
type publishDiagnosticsParams struct {
	URI         protocol.DocumentURI  `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// workspaceEdit can carry CreateFile in documentChanges, which v0.12.0's
// []TextDocumentEdit cannot. Each element is a protocol.CreateFile or a
// protocol.TextDocumentEdit.
type workspaceEdit struct {
	Changes         map[protocol.DocumentURI][]protocol.TextEdit `json:"changes,omitempty"`
	DocumentChanges []any                                        `json:"documentChanges,omitempty"`
}

// codeAction is protocol.CodeAction with our workspaceEdit and data.
type codeAction struct {
	Title       string                  `json:"title"`
	Kind        protocol.CodeActionKind `json:"kind,omitempty"`
	Diagnostics []protocol.Diagnostic   `json:"diagnostics,omitempty"`
	IsPreferred bool                    `json:"isPreferred,omitempty"`
	Edit        *workspaceEdit          `json:"edit,omitempty"`
	Command     *protocol.Command       `json:"command,omitempty"`
	Data        json.RawMessage         `json:"data,omitempty"`
}

// cancelParams is $/cancelRequest's id: a number or a string.
type cancelParams struct {
	ID json.RawMessage `json:"id"`
}

// configurationSettings is the shape of didChangeConfiguration and of
// initializationOptions: {settings: {multiprom: {...}}}, {settings: {...}}
// or the bare settings object; decodeSettings accepts all of them.
type configurationSettings struct {
	Settings json.RawMessage `json:"settings"`
}
