// Package multiprom holds the release version. It is written once, as the
// "version" of the VS Code extension's package.json (the file vsce stamps
// into every .vsix), and read from there by the binary (`multiprom
// --version`, the language server's serverInfo) and by scripts/mkwheel (the
// wheel's name and METADATA), so no build flag or second copy can disagree.
// The file is embedded, so `go install` of a tagged module gets it too.
package multiprom

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed editors/vscode/package.json
var packageJSON []byte

// Version is the release version, e.g. "0.1.0".
var Version = mustVersion(packageJSON)

func mustVersion(manifest []byte) string {
	v, err := parseVersion(manifest)
	if err != nil {
		// A broken package.json fails every test and every build's first run.
		panic(err)
	}
	return v
}

// parseVersion reads the "version" field of a package.json.
func parseVersion(manifest []byte) (string, error) {
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(manifest, &pkg); err != nil {
		return "", fmt.Errorf("editors/vscode/package.json: %w", err)
	}
	if pkg.Version == "" {
		return "", fmt.Errorf("editors/vscode/package.json: no \"version\"")
	}
	return pkg.Version, nil
}
