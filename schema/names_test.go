package schema_test

import (
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/schema"
	"github.com/scaffold-dev/scaffold/templates"
)

// TestSharedFileNamesRejected derives, from the templates themselves, every
// entity name whose per-entity files would land on a shared file of the same
// package, and checks that the loader rejects each one. A template added to
// templates/project or templates/entity is covered without touching this test.
func TestSharedFileNamesRejected(t *testing.T) {
	outputs := func(root string) []string {
		var out []string
		err := fs.WalkDir(templates.FS, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			p = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".tmpl"), ".once")
			out = append(out, p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	shared := make(map[string]bool)
	for _, p := range outputs("project") {
		shared[p] = true
	}
	clashes := make(map[string][]string) // snake_case entity name -> shared files it would overwrite
	for _, p := range outputs("entity") {
		dir, file := path.Split(p)
		prefix, suffix, ok := strings.Cut(file, "[entity]")
		if !ok || prefix != "" {
			continue
		}
		for s := range shared {
			sdir, sfile := path.Split(s)
			if sdir == dir && strings.HasSuffix(sfile, suffix) && len(sfile) > len(suffix) {
				snake := strings.TrimSuffix(sfile, suffix)
				clashes[snake] = append(clashes[snake], s)
			}
		}
	}
	if len(clashes) == 0 {
		t.Fatal("found no clashing names; has the template layout changed?")
	}
	for snake, files := range clashes {
		name := naming.Pascal(snake)
		src := "version: 1\nname: x\nentities:\n  " + name + ":\n    plural: " + snake + "_rows\n    fields:\n      label: string\n"
		_, err := schema.Parse("scaffold.yaml", []byte(src))
		if err == nil {
			t.Errorf("entity %s would overwrite %v, and Parse accepts it", name, files)
			continue
		}
		// A name such as HooksTest is refused for ending in Test, which
		// covers the clash too.
		if strings.HasSuffix(snake, "_test") && strings.Contains(err.Error(), "would be taken for a Go test file") {
			continue
		}
		found := false
		for _, file := range files {
			found = found || strings.Contains(err.Error(), "would overwrite the shared file "+file)
		}
		if !found {
			t.Errorf("entity %s: Parse error %v; want it to name one of %v", name, err, files)
		}
	}
}
