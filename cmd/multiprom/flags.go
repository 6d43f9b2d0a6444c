package main

import "flag"

// parseInterspersed lets flags follow positional arguments (`check app.py --select MP3`,
// `verify URL --scrapes 5`), as ruff does; the flag package alone stops at the first one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
