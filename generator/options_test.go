package generator

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/scaffold-dev/scaffold/schema"
)

func tinyWithEntity() *schema.Project {
	p := tinyProject()
	e := &schema.Entity{Name: "Note", Plural: "notes", Table: "notes", ID: schema.IDInt, Timestamps: true,
		Permissions: schema.Permissions{}}
	e.Fields = []*schema.Field{{Name: "title", Type: schema.String, Filterable: true, Sortable: true}}
	for _, a := range schema.Actions {
		e.Permissions[a] = []string{schema.PermPublic}
	}
	p.Entities = []*schema.Entity{e}
	return p
}

func TestOverlayShadowsAndAdds(t *testing.T) {
	base, err := Generate(tinyWithEntity())
	if err != nil {
		t.Fatal(err)
	}
	overlay := fstest.MapFS{
		"project/README.md.once.tmpl":        {Data: []byte("# {{.Name}} by Acme\n")},
		"project/docs/OWNERS.md.tmpl":        {Data: []byte("Owners of {{.Name}}: platform team\n")},
		"entity/docs/[entity].md.tmpl":       {Data: []byte("# {{.Name}}\n")},
		"project/notes.txt":                  {Data: []byte("not a template: ignored\n")},
		"project/internal/app/empty.go.tmpl": {Data: []byte("  \n")},
	}
	set, err := Generate(tinyWithEntity(), WithOverlay(overlay, "acme"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(set.Get("README.md").Content); got != "# tiny by Acme\n" {
		t.Errorf("README.md = %q, want the overlay's rendering", got)
	}
	owners := set.Get("docs/OWNERS.md")
	if owners == nil || owners.Ownership != Generated || string(owners.Content) != "Owners of tiny: platform team\n" {
		t.Errorf("docs/OWNERS.md = %+v, want a generated file added by the overlay", owners)
	}
	if f := set.Get("docs/note.md"); f == nil || string(f.Content) != "# Note\n" {
		t.Errorf("docs/note.md = %+v, want the per-entity overlay file", f)
	}
	if len(set.Files) != len(base.Files)+2 {
		t.Errorf("%d files, want %d: the built-in ones (README shadowed, not doubled) plus 2 added", len(set.Files), len(base.Files)+2)
	}
	for _, f := range base.Files {
		if f.Path == "README.md" {
			continue
		}
		if got := set.Get(f.Path); got == nil || string(got.Content) != string(f.Content) {
			t.Errorf("%s changed under an overlay that does not touch it", f.Path)
		}
	}
	// The shared template tree is untouched by the overlay.
	again, err := Generate(tinyWithEntity())
	if err != nil {
		t.Fatal(err)
	}
	if string(again.Get("README.md").Content) != string(base.Get("README.md").Content) {
		t.Error("an overlay leaked into a later generation without it")
	}
}

func TestOverlayErrorsArePositioned(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{
			name: "parse",
			fs:   fstest.MapFS{"project/README.md.once.tmpl": {Data: []byte("# title\n\n{{.Name\n")}},
			want: "acme/project/README.md.once.tmpl:4: unclosed action started at acme/project/README.md.once.tmpl:3",
		},
		{
			name: "execute",
			fs:   fstest.MapFS{"project/README.md.once.tmpl": {Data: []byte("# title\n\nby {{.Owner}}\n")}},
			want: `acme/project/README.md.once.tmpl:3:5: executing "project/README.md.once.tmpl" at <.Owner>: can't evaluate field Owner in type *generator.ProjectView (rendering README.md)`,
		},
		{
			name: "outside the layout",
			fs:   fstest.MapFS{"README.md.tmpl": {Data: []byte("x")}},
			want: "acme/README.md.tmpl: a template must sit under project/, entity/ or partials/; run `scaffold templates list` to see the layout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Generate(tinyWithEntity(), WithOverlay(tt.fs, "acme"))
			if set != nil {
				t.Errorf("got %d files with a broken overlay, want none", len(set.Files))
			}
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T), want a *TemplateError", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestLicenseHeader(t *testing.T) {
	const license = "Copyright 2026 Acme Corp.\n\nSPDX-License-Identifier: Apache-2.0\n"
	set, err := Generate(tinyWithEntity(), WithLicenseHeader(license))
	if err != nil {
		t.Fatal(err)
	}
	goLicense := "// Copyright 2026 Acme Corp.\n//\n// SPDX-License-Identifier: Apache-2.0\n\n"
	tests := map[string]string{
		"internal/model/note.go":    goLicense + Header + "\n\npackage model",
		"cmd/server/main.go":        goLicense + "// Command server", // once files too, no Code generated line
		"go.mod":                    goLicense + "module example.com/tiny",
		"migrations/00001_init.sql": "-- Copyright 2026 Acme Corp.\n--\n-- SPDX-License-Identifier: Apache-2.0\n\n-- The initial schema",
		".gitignore":                "# Copyright 2026 Acme Corp.\n#\n",
		"README.md":                 "<!--\nCopyright 2026 Acme Corp.\n\nSPDX-License-Identifier: Apache-2.0\n-->\n\n#",
	}
	for path, prefix := range tests {
		f := set.Get(path)
		if f == nil {
			t.Errorf("%s is missing", path)
			continue
		}
		if !strings.HasPrefix(string(f.Content), prefix) {
			t.Errorf("%s starts with\n%q\nwant prefix\n%q", path, first(string(f.Content), len(prefix)+20), prefix)
		}
	}
}

func first(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

func TestTemplatesList(t *testing.T) {
	list, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]TemplateInfo{
		"project/README.md.once.tmpl":            {Path: "project/README.md.once.tmpl", Output: "README.md", Ownership: Once},
		"entity/internal/model/[entity].go.tmpl": {Path: "entity/internal/model/[entity].go.tmpl", Output: "internal/model/[entity].go", Ownership: Generated},
		"partials/model/model.tmpl":              {Path: "partials/model/model.tmpl"},
	}
	found := 0
	for i, info := range list {
		if i > 0 && list[i-1].Path >= info.Path {
			t.Errorf("not in path order: %s before %s", list[i-1].Path, info.Path)
		}
		if w, ok := want[info.Path]; ok {
			found++
			if info != w {
				t.Errorf("%s: got %+v, want %+v", info.Path, info, w)
			}
		}
	}
	if found != len(want) {
		t.Errorf("found %d of the %d expected templates in %d", found, len(want), len(list))
	}
}

// BenchmarkGenerateOptions compares a generation without options to one
// with a one-file overlay and a license header, the cost a convention pack
// adds (the overlay means parsing the override and cloning the tree).
func BenchmarkGenerateOptions(b *testing.B) {
	overlay := fstest.MapFS{"project/README.md.once.tmpl": {Data: []byte("# {{.Name}}\n")}}
	for _, bc := range []struct {
		name string
		opts []Option
	}{
		{"none", nil},
		{"overlay+license", []Option{WithOverlay(overlay, "acme"), WithLicenseHeader("Copyright Acme")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Generate(tinyWithEntity(), bc.opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
