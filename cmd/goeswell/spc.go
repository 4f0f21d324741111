package main

import (
	"io"

	"github.com/goeswell/goeswell/internal/spccmd"
)

// cmdSPC is `goeswell spc`: the SPC engine on a CSV file, for scripts and
// for checking against the reference implementations.
func cmdSPC(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if code := spccmd.Main(args, stdin, stdout, stderr); code != 0 {
		return exitError(code)
	}
	return nil
}
