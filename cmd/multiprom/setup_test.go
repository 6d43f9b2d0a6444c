package main

import (
	"os"
	"os/exec"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestSetupScripts runs the setup scenarios in testdata/setup in-process
// (`setup ARGS` is `multiprom setup ARGS` in the scenario's directory), so
// they do not depend on main.go's command table. The real promtool checks
// the generated scrape config where the scenario asks for it.
func TestSetupScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/setup",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"setup": func(ts *testscript.TestScript, neg bool, args []string) {
				code := setupIn(ts.Getenv("WORK"), args, ts.Stdout(), ts.Stderr())
				if (code != 0) != neg {
					ts.Fatalf("multiprom setup exited %d", code)
				}
			},
		},
		Condition: func(cond string) (bool, error) {
			if cond == "promtool" {
				_, err := exec.LookPath("/usr/bin/promtool")
				if err != nil && os.Getenv("CI") != "" {
					return true, nil // under CI a missing promtool must fail the scenario, not skip it
				}
				return err == nil, nil
			}
			return false, nil
		},
	})
}
