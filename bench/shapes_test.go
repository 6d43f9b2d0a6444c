package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/diagnostics/rules"
	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/workspace"
)

// Each shape grows the population it names: its findings (or parsed
// files) grow with n. (TestPrefilterNeverChangesFindings checks the
// shapes' findings with and without the prefilter.)
func TestShapesGrowWhatTheyStress(t *testing.T) {
	for _, s := range Shapes {
		t.Run(s.Name, func(t *testing.T) {
			var findings, parsed [2]int
			for i, n := range []int{4, 8} {
				dir := filepath.Join(t.TempDir(), s.Name)
				if err := GenerateShape(dir, s, n); err != nil {
					t.Fatal(err)
				}
				res, err := workspace.Scan(context.Background(), dir)
				if err != nil {
					t.Fatal(err)
				}
				p := project.NewProject(context.Background(), res.Root, res.Files, config.Settings{})
				findings[i] = len(diagnostics.Check(p, rules.All, nil))
				parsed[i] = len(res.Files) - len(res.Unparsed)
			}
			if findings[1] <= findings[0] && parsed[1] <= parsed[0] {
				t.Errorf("%s: at 4 and 8, findings %v and parsed files %v: nothing grows", s.Name, findings, parsed)
			}
		})
	}
}
