package main

import (
	"fmt"
	"io"
)

func writeSARIF(w io.Writer, cwd string, fs []finding) error {
	return fmt.Errorf("sarif output is not implemented yet")
}
