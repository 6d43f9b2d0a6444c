package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/multiprom/multiprom/internal/config"
)

// shownWith waits for a window/showMessage containing every part and for
// the same text in the client's log.
func (c *client) shownWith(t *testing.T, parts ...string) {
	t.Helper()
	has := func(msgs []string) bool {
	next:
		for _, m := range msgs {
			for _, p := range parts {
				if !strings.Contains(m, p) {
					continue next
				}
			}
			return true
		}
		return false
	}
	c.waitFor("showMessage and logMessage with "+strings.Join(parts, ", "), func() bool { return has(c.shown) && has(c.logged) })
}

func TestEditorSettingsStrict(t *testing.T) {
	root := copyTree(t, "basic")
	s := startSession(t, Options{})
	p := initParams(root, nil)
	p["initializationOptions"] = map[string]any{"settings": map[string]any{
		"ignor": []string{"MP301"}, "workers": "four", "ignore": []string{"MP302"}, "fixAll": map[string]any{"scop": "file"},
	}}
	s.mustCall("initialize", p, nil)
	s.notify("initialized", map[string]any{})
	s.shownWith(t, `unknown setting "ignor"`, `did you mean "ignore"`)
	s.shownWith(t, `setting "workers": a JSON string where an integer is wanted`)
	s.shownWith(t, `setting "fixAll"`, `unknown field "scop"`)

	// The keys that could be read still apply: MP302 is ignored, and MP301
	// (the misspelt key's) is still reported.
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, readFile(t, filepath.Join(root, "app.py")))
	s.waitDiags(app, "MP301 on app.py", func(p publishDiagnosticsParams) bool { return hasCode(p, "MP301") })

	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"multiprom": map[string]any{
		"run": "sometimes", "select": "MP3", "fixAll": map[string]any{"scope": "everything"}}}})
	s.shownWith(t, `setting "select": a JSON string where a list of strings is wanted`)
	s.shownWith(t, `run "sometimes": want onType or onSave`)
	s.shownWith(t, `fixAll.scope "everything": want file or project`)
	s.mustCall("shutdown", nil, nil)
}

// The VS Code extension sends initializationOptions {settings: {...}} and
// didChangeConfiguration {settings: {multiprom: {...}}}: the wrappers are
// not settings. (Decoding the inner object into the outer map once kept
// "settings" as a key, and code-server showed "unknown setting" on start.)
func TestEditorSettingsWrappedAsVSCodeSends(t *testing.T) {
	root := copyTree(t, "basic")
	s := startSession(t, Options{})
	p := initParams(root, nil)
	p["initializationOptions"] = map[string]any{"settings": map[string]any{
		"severity": map[string]any{"MP301": "error"},
	}}
	s.mustCall("initialize", p, nil)
	s.notify("initialized", map[string]any{})
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, readFile(t, filepath.Join(root, "app.py")))
	s.waitDiags(app, "MP301 as an error (initializationOptions)", func(p publishDiagnosticsParams) bool {
		for _, d := range p.Diagnostics {
			if d.Code == "MP301" && d.Severity == protocol.DiagnosticSeverityError {
				return true
			}
		}
		return false
	})

	s.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"multiprom": map[string]any{
		"ignore": []string{"MP301"}}}})
	s.waitDiags(app, "MP301 ignored (didChangeConfiguration)", func(p publishDiagnosticsParams) bool { return !hasCode(p, "MP301") })
	// A complaint about the settings is sent before the check they start,
	// so by now it would have arrived.
	s.mu.Lock()
	shown := append([]string(nil), s.shown...)
	s.mu.Unlock()
	if len(shown) > 0 {
		t.Errorf("settings in the wrappers VS Code uses were complained about: %q", shown)
	}
	s.mustCall("shutdown", nil, nil)
}

func TestPyprojectSettingsStrict(t *testing.T) {
	root := copyTree(t, "basic")
	pyproject := filepath.Join(root, "pyproject.toml")
	writeFile(t, pyproject, "[project]\nname = \"shop\"\n\n[tool.multiprom]\nselect = [\"MP3\"]\nflavor = \"raw\"\n")
	s := startSession(t, Options{})
	s.handshake(root, func(caps map[string]any) {
		caps["workspace"].(map[string]any)["didChangeWatchedFiles"] = map[string]any{"dynamicRegistration": true}
	})
	app := uri.File(filepath.Join(root, "app.py"))
	s.open(app, 1, readFile(t, filepath.Join(root, "app.py")))
	pu := uri.File(pyproject)
	pub := s.waitDiags(pu, "a diagnostic on pyproject.toml", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	d := pub.Diagnostics[0]
	if d.Range.Start.Line != 5 || !strings.Contains(d.Message, `unknown key "flavor"`) || !strings.Contains(d.Message, `did you mean "flavour"`) {
		t.Errorf("diagnostic = %+v; want unknown key flavor on line 6", d)
	}
	s.shownWith(t, "pyproject.toml:6", `unknown key "flavor"`)

	// A setting that parses but names no rule: on its line too.
	writeFile(t, pyproject, "[project]\nname = \"shop\"\n\n[tool.multiprom]\nworkers = 2\nseverity = { MP999 = \"error\" }\n")
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pu, "type": 2}}})
	pub = s.waitDiags(pu, "the unknown rule on pyproject.toml", func(p publishDiagnosticsParams) bool {
		return len(p.Diagnostics) == 1 && strings.Contains(p.Diagnostics[0].Message, "MP999")
	})
	if pub.Diagnostics[0].Range.Start.Line != 5 {
		t.Errorf("diagnostic on line %d, want 6", pub.Diagnostics[0].Range.Start.Line+1)
	}
	s.shownWith(t, "pyproject.toml:6", "severity for unknown rule")

	if err := os.Remove(pyproject); err != nil {
		t.Fatal(err)
	}
	s.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pu, "type": 3}}})
	s.waitDiags(pu, "pyproject.toml cleared", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
	s.mustCall("shutdown", nil, nil)
}

// Every setting the server reads is documented where users look: the VS
// Code package.json (contributes.configuration) and each editor's README.
func TestEverySettingDocumented(t *testing.T) {
	var pkg struct {
		Contributes struct {
			Configuration struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"configuration"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join("..", "editors", "vscode", "package.json"))), &pkg); err != nil {
		t.Fatal(err)
	}
	props := pkg.Contributes.Configuration.Properties
	readmes := map[string]string{}
	for _, ed := range []string{"vscode", "nvim", "jetbrains", "emacs"} {
		readmes[ed] = readFile(t, filepath.Join("..", "editors", ed, "README.md"))
	}
	for _, key := range config.EditorKeys() {
		name := "multiprom." + key
		if key == "fixAll" {
			name = "multiprom.fixAll.scope"
		}
		if props[name] == nil {
			t.Errorf("editors/vscode/package.json: no %s in contributes.configuration", name)
		} else if !strings.Contains(string(props[name]), `"scope"`) {
			t.Errorf("editors/vscode/package.json: %s has no scope", name)
		}
		for ed, text := range readmes {
			want := "`" + key
			if ed == "vscode" {
				want = "`" + name + "`"
			}
			if !strings.Contains(text, want) {
				t.Errorf("editors/%s/README.md does not document %s", ed, key)
			}
		}
	}
}
