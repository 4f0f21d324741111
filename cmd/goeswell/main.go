// Command goeswell runs the goeswell server and its tools.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "goeswell: under construction")
	os.Exit(2)
}
