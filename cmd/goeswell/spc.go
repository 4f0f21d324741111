package main

import "io"

// cmdSPC is replaced when the SPC engine lands.
func cmdSPC(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return usageError{"the SPC engine is not built into this binary yet"}
}
