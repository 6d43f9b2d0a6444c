package rules

import (
	"testing"

	"github.com/multiprom/multiprom/internal/deploy"
)

// TestShellWordRoundTrips: a path put on a command line by MP211's fix
// reads back as one word, the same path.
func TestShellWordRoundTrips(t *testing.T) {
	for _, p := range []string{"gunicorn_conf.py", "conf/prod.py", "#.pY", "my conf.py", "it's.py", "a;b.py", "$HOME.py", `back\slash.py`, "x\"y.py"} {
		line := "gunicorn -c " + shellWord(p) + " app:app"
		var words []string
		if m := deploy.Parse(deploy.Shell, []byte(line)); len(m.Commands) == 1 {
			words = m.Commands[0].Args
		}
		if len(words) != 4 || words[2] != p {
			t.Errorf("%q: the command line %q reads back as %q", p, line, words)
		}
	}
	if got := shellWord("conf/prod.py"); got != "conf/prod.py" {
		t.Errorf("a plain path was quoted: %q", got)
	}
}
