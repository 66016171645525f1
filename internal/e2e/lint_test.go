package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// linters are the static checkers every generated project must pass with no
// finding, at the versions .ci/run installs.
var linters = []struct {
	name    string
	install string
	args    []string
}{
	{"staticcheck", "honnef.co/go/tools/cmd/staticcheck@v0.6.1", []string{"./..."}},
	// -nosec makes gosec ignore #nosec annotations: generated code must be
	// clean without them.
	{"gosec", "github.com/securego/gosec/v2/cmd/gosec@v2.22.11", []string{"-quiet", "-nosec", "./..."}},
}

// TestGeneratedProjectsLintClean generates every testdata schema for every
// database and runs go vet, staticcheck and gosec on the result, which must
// report nothing. It needs no database server: nothing is run.
func TestGeneratedProjectsLintClean(t *testing.T) {
	if testing.Short() {
		t.Skip("lint: generates and analyses whole projects; skipped with -short")
	}
	tools := make(map[string]string, len(linters))
	for _, l := range linters {
		path, err := exec.LookPath(l.name)
		if err != nil {
			msg := l.name + " is not on PATH; install it with: go install " + l.install
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		tools[l.name] = path
	}
	scaffold := buildScaffold(t)
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			for _, c := range selectCases(t, findCases(t)) {
				t.Run(c.name, func(t *testing.T) {
					dir := filepath.Join(t.TempDir(), c.name)
					mustRun(t, filepath.Dir(dir), scaffold, "new", dir, "--schema", c.file, "--db", db.name)
					run(t, dir, "go", "vet", "./...")
					for _, l := range linters {
						run(t, dir, tools[l.name], l.args...)
					}
				})
			}
		})
	}
}
