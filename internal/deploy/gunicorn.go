package deploy

import (
	"path"
	"strings"
)

// GunicornArgs returns the arguments of a command that runs gunicorn,
// "gunicorn" first, or nil. gunicorn may be run through a runner (poetry
// run, uv run, an APM wrapper) or as `python -m gunicorn`; an installer
// naming the package (pip install gunicorn) does not run it.
func GunicornArgs(args []string) []string {
	if len(args) > 0 && dataCommands[path.Base(args[0])] {
		return nil
	}
	for i, w := range args {
		switch base := path.Base(w); {
		case base == "install" || base == "add":
			return nil
		case base == "gunicorn":
			return append([]string{"gunicorn"}, args[i+1:]...)
		case (base == "python" || strings.HasPrefix(base, "python3")) && i+2 < len(args) && args[i+1] == "-m" && args[i+2] == "gunicorn":
			return append([]string{"gunicorn"}, args[i+3:]...)
		}
	}
	return nil
}

// dataCommands take a program's name as data (text to print, a process
// to look for or signal, a file to handle), never as a program they start:
// `echo "run .../bin/gunicorn"` starts no gunicorn.
var dataCommands = map[string]bool{
	"echo": true, "printf": true, "which": true, "type": true, "whereis": true,
	"grep": true, "egrep": true, "fgrep": true, "pgrep": true, "pkill": true, "killall": true, "kill": true,
	"test": true, "[": true, "[[": true, "ls": true, "cat": true, "chmod": true, "chown": true,
	"ln": true, "cp": true, "mv": true, "rm": true, "mkdir": true, "touch": true, "sed": true, "awk": true,
}
