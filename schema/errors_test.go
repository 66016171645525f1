package schema

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected stderr files of testdata/errors")

// TestErrorCorpus parses every testdata/errors/<case>/scaffold.yaml and
// compares the full error text with <case>/stderr.
func TestErrorCorpus(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "errors", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cases in testdata/errors")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "scaffold.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse("scaffold.yaml", data)
			if err == nil {
				t.Fatalf("Parse accepted the schema (%d entities); want errors", len(p.Entities))
			}
			got := err.Error() + "\n"
			golden := filepath.Join(dir, "stderr")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./schema -run ErrorCorpus -update)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}
