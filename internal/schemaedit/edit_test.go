package schemaedit

import (
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

// handWritten is a schema as a person writes it: comments everywhere, blank
// lines, an entity with no fields section, one with an empty one.
const handWritten = `# Our shop.
version: 1
name: shop

entities:
  # Products we sell.
  Product:
    table: goods   # legacy name
    fields:
      title: {type: string, required: true}   # shown in lists
      description: |
        Long text,
        on two lines.

    # Tags are free-form.
    relations:
      tags: {many_to_many: Tag}
  Tag:
    plural: tags
  Note:
    fields:
# trailing comment
`

func TestAddField(t *testing.T) {
	tests := []struct {
		entity, field, want string
	}{
		{"Product", "sku:string:unique:required:max_length=32", `# Our shop.
version: 1
name: shop

entities:
  # Products we sell.
  Product:
    table: goods   # legacy name
    fields:
      title: {type: string, required: true}   # shown in lists
      description: |
        Long text,
        on two lines.
      sku: {type: string, required: true, unique: true, max_length: 32}

    # Tags are free-form.
    relations:
      tags: {many_to_many: Tag}
  Tag:
    plural: tags
  Note:
    fields:
# trailing comment
`},
		{"Tag", "label:text", `# Our shop.
version: 1
name: shop

entities:
  # Products we sell.
  Product:
    table: goods   # legacy name
    fields:
      title: {type: string, required: true}   # shown in lists
      description: |
        Long text,
        on two lines.

    # Tags are free-form.
    relations:
      tags: {many_to_many: Tag}
  Tag:
    plural: tags
    fields:
      label: text
  Note:
    fields:
# trailing comment
`},
		{"Note", "code:string:default=0:values=a|b", `# Our shop.
version: 1
name: shop

entities:
  # Products we sell.
  Product:
    table: goods   # legacy name
    fields:
      title: {type: string, required: true}   # shown in lists
      description: |
        Long text,
        on two lines.

    # Tags are free-form.
    relations:
      tags: {many_to_many: Tag}
  Tag:
    plural: tags
  Note:
    fields:
      code: {type: string, default: "0", values: [a, b]}
# trailing comment
`},
	}
	for _, tt := range tests {
		f, err := ParseField(tt.field)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AddField([]byte(handWritten), tt.entity, f)
		if err != nil {
			t.Fatalf("AddField(%s, %s): %v", tt.entity, tt.field, err)
		}
		if string(got) != tt.want {
			t.Errorf("AddField(%s, %s) =\n%s\nwant:\n%s", tt.entity, tt.field, got, tt.want)
		}
	}
}

func TestAddEntity(t *testing.T) {
	label, _ := ParseField("label:string:required")
	got, err := AddEntity([]byte(handWritten), &Entity{Name: "Review", Fields: []*Field{label}})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(handWritten, "    fields:\n# trailing", "    fields:\n  Review:\n    fields:\n      label: {type: string, required: true}\n# trailing", 1)
	if string(got) != want {
		t.Errorf("AddEntity =\n%s\nwant:\n%s", got, want)
	}

	// No entities yet, and no final newline.
	got, err = AddEntity([]byte("version: 1\nname: shop"), &Entity{Name: "Note", Fields: []*Field{{Name: "body", Type: "text"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "version: 1\nname: shop\nentities:\n  Note:\n    fields:\n      body: text\n"; string(got) != want {
		t.Errorf("AddEntity without entities =\n%q\nwant\n%q", got, want)
	}
	if _, err := schema.Parse("x.yaml", got); err != nil {
		t.Errorf("result does not parse: %v", err)
	}
}

func TestEditErrors(t *testing.T) {
	f := &Field{Name: "title", Type: "string"}
	tests := []struct {
		name, src, want string
		edit            func([]byte) ([]byte, error)
	}{
		{"duplicate field", handWritten, "entity Product already has a field title (line 10)",
			func(b []byte) ([]byte, error) { return AddField(b, "Product", f) }},
		{"unknown entity", handWritten, "entity Prodct does not exist (entities: Product, Tag, Note); add it with: scaffold add entity Prodct",
			func(b []byte) ([]byte, error) { return AddField(b, "Prodct", f) }},
		{"duplicate entity", handWritten, "entity Tag already exists (line 18)",
			func(b []byte) ([]byte, error) { return AddEntity(b, &Entity{Name: "Tag"}) }},
		{"flow fields", "version: 1\nentities:\n  A: {fields: {x: text}}\n", "line 3: entity A is written on one line (flow style)",
			func(b []byte) ([]byte, error) { return AddField(b, "A", f) }},
		{"not yaml", "version: [1\n", "the schema is not valid YAML",
			func(b []byte) ([]byte, error) { return AddField(b, "A", f) }},
	}
	for _, tt := range tests {
		_, err := tt.edit([]byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestParseField(t *testing.T) {
	tests := []struct{ spec, want, err string }{
		{"title:string", "title:string", ""},
		{"stock:int:min=0:default=0", "stock:int:default=0:min=0", ""},
		{"status:enum:values=draft|live:default=draft:required", "status:enum:required:default=draft:values=draft|live", ""},
		{"title", "", "want NAME:TYPE"},
		{":string", "", "want NAME:TYPE"},
		{"a:int:min=1:min=2", "", "option min is given twice"},
		{"a:int::x", "", "empty option"},
	}
	for _, tt := range tests {
		f, err := ParseField(tt.spec)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseField(%q) error = %v, want %q", tt.spec, err, tt.err)
			}
		case err != nil:
			t.Errorf("ParseField(%q): %v", tt.spec, err)
		case f.String() != tt.want:
			t.Errorf("ParseField(%q) = %s, want %s", tt.spec, f, tt.want)
		}
	}
	// A string default that looks like a number stays a string.
	f, _ := ParseField("code:string:default=007")
	if opt := f.Options[0]; !opt.String {
		t.Errorf("default of a string field is not kept as text: %+v", opt)
	}
	f, _ = ParseField("n:int:default=7")
	if opt := f.Options[0]; opt.String {
		t.Errorf("default of an int field is kept as text: %+v", opt)
	}
}
