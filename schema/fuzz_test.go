package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics and always returns exactly one
// of a project and an error.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{
		"../testdata/schemas/*.yaml",
		"../testdata/golden/*/scaffold.yaml",
		"../testdata/errors/*/scaffold.yaml",
	} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("version: 1\nname: x\nentities: {A: {fields: {a: {type: decimal, default: 1e308}}}}"))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if (p == nil) == (err == nil) {
			t.Fatalf("Parse returned project %v and error %v; want exactly one", p != nil, err)
		}
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error of type %T, want ErrorList", err)
			}
			return
		}
		for _, e := range p.Entities {
			for _, r := range e.Relations {
				if r.Target == nil || r.Owner != e {
					t.Fatalf("relation %s.%s is not linked", e.Name, r.Name)
				}
			}
			if len(e.Permissions) != len(Actions) {
				t.Fatalf("entity %s has %d actions resolved", e.Name, len(e.Permissions))
			}
		}
	})
}
