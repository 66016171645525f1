// Command scaffold turns a schema file into a ready-to-run Go backend.
//
// Run "scaffold --help" for the commands.
package main

import (
	"os"

	"github.com/scaffold-dev/scaffold/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
