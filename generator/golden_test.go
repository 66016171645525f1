package generator_test

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// update rewrites the golden trees from the current generator output:
//
//	go test ./generator -run Golden -update
//
// Review the resulting diff before committing it: it is the change in every
// generated project.
var update = flag.Bool("update", false, "rewrite testdata/golden/*/want from the generator output")

// goldenRoot holds one directory per case: scaffold.yaml, the input, and
// want/, the expected project tree.
const goldenRoot = "../testdata/golden"

// goldenSuffix is appended to every file name under want/. A golden tree is a
// whole Go project (go.mod, .go files, .gitignore, ...); with the suffix no
// tool mistakes it for live files: Go does not see a nested module, gofmt and
// linters skip it, and git does not apply its .gitignore to the repository.
const goldenSuffix = ".golden"

func TestGolden(t *testing.T) {
	cases, err := goldenCases()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no golden cases under %s", goldenRoot)
	}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(goldenRoot, name)
			p, err := schema.Load(filepath.Join(dir, "scaffold.yaml"))
			if err != nil {
				t.Fatalf("loading the schema:\n%v", err)
			}
			got, err := generator.Generate(p)
			if err != nil {
				t.Fatalf("generating: %v", err)
			}
			want := filepath.Join(dir, "want")
			if *update {
				if err := writeGolden(want, got); err != nil {
					t.Fatal(err)
				}
				return
			}
			compareGolden(t, want, got)
		})
	}
}

// goldenCases lists the case directories, sorted.
func goldenCases() ([]string, error) {
	entries, err := os.ReadDir(goldenRoot)
	if err != nil {
		return nil, err
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, e.Name())
		}
	}
	return cases, nil
}

// writeGolden replaces the want tree with the file set, so that files the
// generator no longer produces disappear from it too.
func writeGolden(want string, set *generator.FileSet) error {
	if err := os.RemoveAll(want); err != nil {
		return err
	}
	for _, f := range set.Files {
		p := filepath.Join(want, filepath.FromSlash(f.Path)+goldenSuffix)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readGolden returns the want tree keyed by project path (suffix removed).
func readGolden(want string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(want, p)
		if err != nil {
			return err
		}
		name, ok := strings.CutSuffix(filepath.ToSlash(rel), goldenSuffix)
		if !ok {
			return fmt.Errorf("%s: golden files end in %s; run go test ./generator -run Golden -update", p, goldenSuffix)
		}
		data, err := os.ReadFile(p)
		files[name] = data
		return err
	})
	return files, err
}

// compareGolden reports every missing, extra and differing file, each
// differing file with its first differing line.
func compareGolden(t *testing.T, want string, got *generator.FileSet) {
	t.Helper()
	wantFiles, err := readGolden(want)
	if err != nil {
		t.Fatalf("reading the golden tree: %v (create it with go test ./generator -run Golden -update)", err)
	}
	var problems []string
	for _, f := range got.Files {
		w, ok := wantFiles[f.Path]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: generated but not in the golden tree", f.Path))
			continue
		}
		delete(wantFiles, f.Path)
		if !bytes.Equal(w, f.Content) {
			problems = append(problems, fmt.Sprintf("%s: %s", f.Path, firstDiff(w, f.Content)))
		}
	}
	missing := make([]string, 0, len(wantFiles))
	for p := range wantFiles {
		missing = append(missing, p)
	}
	sort.Strings(missing)
	for _, p := range missing {
		problems = append(problems, fmt.Sprintf("%s: in the golden tree but no longer generated", p))
	}
	if len(problems) > 0 {
		t.Errorf("generated tree differs from %s (%d files); if the change is intended, run go test ./generator -run Golden -update and review the diff:\n%s",
			want, len(problems), strings.Join(problems, "\n"))
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		if i >= len(wl) || i >= len(gl) || wl[i] != gl[i] {
			return fmt.Sprintf("line %d:\n\twant: %q\n\tgot:  %q", i+1, lineOrEOF(wl, i), lineOrEOF(gl, i))
		}
	}
	return "differs" // unreachable: bytes differ, so some line does
}

func lineOrEOF(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}
