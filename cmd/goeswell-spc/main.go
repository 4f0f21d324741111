// Command goeswell-spc runs "goeswell spc" on its own, for manual testing
// until the main goeswell binary wires it in.
package main

import (
	"os"

	"github.com/goeswell/goeswell/internal/spccmd"
)

func main() {
	os.Exit(spccmd.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
