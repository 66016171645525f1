// Command generate runs one in-memory generation of a schema file and prints
// its size and duration. It exists so that the peak memory of a single
// generation can be measured from outside (/usr/bin/time -v), which a Go
// benchmark, running many iterations in one process, cannot show.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: generate SCHEMA_FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(file string) error {
	start := time.Now()
	p, err := schema.Load(file)
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	set, err := generator.Generate(p)
	if err != nil {
		return err
	}
	var size int
	for _, f := range set.Files {
		size += len(f.Content)
	}
	fmt.Printf("%s: %d entities, %d files, %d bytes; load %v, total %v\n",
		file, len(p.Entities), len(set.Files), size, loaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return nil
}
