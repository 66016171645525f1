package generator_test

import (
	"bytes"
	"path"
	"path/filepath"
	"testing"

	"golang.org/x/tools/imports"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// TestImportsAreGrouped holds the templates to the import layout that
// goimports produces (standard library, then other modules, each group
// sorted). Generation itself only runs gofmt, which keeps whatever grouping
// a template wrote; this test is where a badly grouped import fails.
func TestImportsAreGrouped(t *testing.T) {
	cases, err := goldenCases()
	if err != nil {
		t.Fatal(err)
	}
	opts := &imports.Options{FormatOnly: true, Comments: true, TabIndent: true, TabWidth: 8}
	for _, name := range cases {
		p, err := schema.Load(filepath.Join(goldenRoot, name, "scaffold.yaml"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		set, err := generator.Generate(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range set.Files {
			if path.Ext(f.Path) != ".go" {
				continue
			}
			want, err := imports.Process(f.Path, f.Content, opts)
			if err != nil {
				t.Errorf("%s: %s: %v", name, f.Path, err)
				continue
			}
			if !bytes.Equal(want, f.Content) {
				t.Errorf("%s: %s: imports are not grouped as goimports groups them:\n%s",
					name, f.Path, firstDiff(want, f.Content))
			}
		}
	}
}
