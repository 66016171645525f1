// Command synth prints a synthetic schema with the given number of entities,
// the input of the benchmark scripts:
//
//	go run ./bench/cmd/synth -entities 100 > synth100.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/scaffold-dev/scaffold/bench/synth"
)

func main() {
	n := flag.Int("entities", 100, "number of entities (at most 17576)")
	flag.Parse()
	if *n < 1 || *n > 26*26*26 {
		fmt.Fprintln(os.Stderr, "synth: -entities must be between 1 and 17576")
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(synth.Schema(*n)); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}
