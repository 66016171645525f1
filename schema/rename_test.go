package schema

import (
	"strings"
	"testing"
)

func TestRenamedFrom(t *testing.T) {
	p := mustParse(t, `version: 1
name: lib
entities:
  Writer:
    renamed_from: Author
    fields:
      full_name: {type: string, renamed_from: name}
      bio: text
`)
	w := p.Entity("Writer")
	if w.RenamedFrom != "Author" || w.Field("full_name").RenamedFrom != "name" || w.Field("bio").RenamedFrom != "" {
		t.Errorf("renames = %q, %q, %q", w.RenamedFrom, w.Field("full_name").RenamedFrom, w.Field("bio").RenamedFrom)
	}
}

func TestRenamedFromErrors(t *testing.T) {
	src := `version: 1
name: lib
auth: {enabled: true, roles: [admin, user]}
entities:
  Writer:
    renamed_from: Writer
    fields:
      name: {type: string, renamed_from: name}
      bio: {type: text, renamed_from: title}
      blurb: {type: text, renamed_from: title}
      summary: {type: text, renamed_from: bio}
      note: {type: text, renamed_from: created_at}
      remark: {type: text, renamed_from: Bad Name}
  Book:
    renamed_from: Writer
    fields:
      title: string
  Essay:
    renamed_from: Novel
    fields:
      title: string
  Poem:
    renamed_from: Novel
    fields:
      title: string
  Story:
    renamed_from: novel
    fields:
      title: string
  User:
    renamed_from: Member
`
	_, err := Parse("lib.yaml", []byte(src))
	if err == nil {
		t.Fatal("accepted")
	}
	want := []string{
		`lib.yaml:6:19: entity "Writer": renamed_from names the entity itself; remove it`,
		`lib.yaml:8:7: entity "Writer" field "name": renamed_from names the field itself; remove it`,
		`lib.yaml:10:7: entity "Writer" field "blurb": renamed_from "title" is also claimed by field "bio"`,
		`lib.yaml:11:7: entity "Writer" field "summary": renamed_from "bio" names a field or relation that still exists; remove one of them, or drop the key`,
		`lib.yaml:12:7: entity "Writer" field "note": renamed_from "created_at" is a system column, which was never a field`,
		`lib.yaml:13:42: field "remark": renamed_from "Bad Name" must be a snake_case identifier`,
		`lib.yaml:15:19: entity "Book": renamed_from "Writer" names an entity that still exists; remove one of them, or drop the key`,
		`lib.yaml:23:19: entity "Poem": renamed_from "Novel" is also claimed by entity "Essay"`,
		`lib.yaml:27:19: entity "Story": renamed_from "novel" must be the entity's previous name, in PascalCase such as "Novel"`,
		`lib.yaml:31:19: entity "User": renamed_from cannot be set on the built-in User entity of auth`,
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != len(want) {
		t.Errorf("%d problems, want %d:\n%s", n, len(want), got)
	}
}
