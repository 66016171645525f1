package generator_test

import (
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// base is the previous version of the schema in the tests below; each test
// changes the Note entity.
const migrationBase = `version: 1
name: notes
entities:
  Note:
    fields:
      title: {type: string, required: true}
      body: text
      score: int
      weight: float
`

func parseSchema(t *testing.T, src string) *schema.Project {
	t.Helper()
	p, err := schema.Parse("scaffold.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// withNote replaces the fields of Note in the base schema.
func withNote(fields string) string {
	head, _, _ := strings.Cut(migrationBase, "    fields:\n")
	return head + "    fields:\n" + fields
}

func TestNextMigrationRefusals(t *testing.T) {
	tests := []struct {
		name, next string
		want       string // in the error; "" when it is lossy only
		lossy      string // in the error without --allow-lossy
	}{
		{
			name: "optional becomes required without default",
			next: withNote("      title: {type: string, required: true}\n      body: {type: text, required: true}\n      score: int\n      weight: float\n"),
			want: "notes.body: becomes required, but has no default to fill the rows where it is empty; add default:, or fill those rows first",
		},
		{
			name: "required field added without default",
			next: migrationBase + "      rank: {type: int, required: true}\n",
			want: "notes.rank: a new required field needs a default to fill the existing rows",
		},
		{
			name: "required relation added",
			next: migrationBase + "    relations:\n      parent: {belongs_to: Note, required: false}\n      box: {belongs_to: Box, required: true}\n  Box:\n    fields:\n      label: string\n",
			want: "notes.box_id: a new required relation has no value for the existing rows",
		},
		{
			name: "conversion without meaning",
			next: withNote("      title: {type: string, required: true}\n      body: text\n      score: json\n      weight: float\n"),
			want: "notes.score: cannot convert int to json; add a new field",
		},
		{
			name:  "text narrowed to a string",
			next:  withNote("      title: {type: string, required: true}\n      body: {type: string, max_length: 80}\n      score: int\n      weight: float\n"),
			lossy: "notes.body: values longer than 80 characters are cut",
		},
		{
			name:  "float narrowed to an int",
			next:  withNote("      title: {type: string, required: true}\n      body: text\n      score: int\n      weight: int\n"),
			lossy: "notes.weight: fractions are dropped",
		},
		{
			name:  "string shortened",
			next:  withNote("      title: {type: string, required: true, max_length: 10}\n      body: text\n      score: int\n      weight: float\n"),
			lossy: "notes.title: values longer than 10 characters are cut",
		},
	}
	prev := parseSchema(t, migrationBase)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := parseSchema(t, tt.next)
			_, err := generator.NextMigration(prev, next, nil, generator.MigrationOptions{})
			if err == nil {
				t.Fatal("the change was accepted")
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to say %q", err, tt.want)
			}
			if tt.lossy == "" {
				if _, err := generator.NextMigration(prev, next, nil, generator.MigrationOptions{AllowLossy: true}); err == nil {
					t.Error("--allow-lossy accepted a change that cannot be made")
				}
				return
			}
			if !strings.Contains(err.Error(), tt.lossy) || !strings.Contains(err.Error(), "--allow-lossy") {
				t.Errorf("error = %v\nwant it to say %q and name --allow-lossy", err, tt.lossy)
			}
			m, err := generator.NextMigration(prev, next, nil, generator.MigrationOptions{AllowLossy: true})
			if err != nil || m == nil {
				t.Errorf("with --allow-lossy: %v, %v", m, err)
			}
		})
	}
}

func TestNextMigrationSafeChanges(t *testing.T) {
	prev := parseSchema(t, migrationBase)
	// Widening conversions and a required field with a default lose nothing.
	next := parseSchema(t, withNote("      title: {type: text, required: true}\n      body: text\n      score: float\n      weight: float\n      rank: {type: int, required: true, default: 3}\n"))
	m, err := generator.NextMigration(prev, next, []string{"00001_init.sql", "notes.txt"}, generator.MigrationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.File.Path != "migrations/00002_alter_notes.sql" || m.File.Ownership != generator.Once {
		t.Errorf("file %s (%v), want migrations/00002_alter_notes.sql written once", m.File.Path, m.File.Ownership)
	}
	want := `INSERT INTO "_new_notes" ("id", "title", "body", "score", "weight", "created_at", "updated_at")
    SELECT "id", "title", "body", CAST("score" AS REAL), "weight", "created_at", "updated_at" FROM "notes";`
	if !strings.Contains(string(m.File.Content), want) {
		t.Errorf("the copy of the rows is not\n%s\nin\n%s", want, m.File.Content)
	}
}

func TestNextMigrationNoChanges(t *testing.T) {
	prev := parseSchema(t, migrationBase)
	// Options that live in the generated code, not in the database.
	next := parseSchema(t, withNote("      title: {type: string, required: true, min_length: 2, description: The title}\n      body: {type: text, filterable: false}\n      score: {type: int, min: 0}\n      weight: float\n"))
	m, err := generator.NextMigration(prev, next, nil, generator.MigrationOptions{})
	if err != nil || m != nil {
		t.Errorf("NextMigration = %v, %v; want no migration", m, err)
	}
}

func TestNextMigrationRenamedFromIsOptional(t *testing.T) {
	// renamed_from left in the schema after the rename, or naming an entity
	// the previous version never had, changes nothing.
	prev := parseSchema(t, migrationBase)
	next := parseSchema(t, strings.Replace(migrationBase, "  Note:\n", "  Note:\n    renamed_from: Memo\n", 1))
	m, err := generator.NextMigration(prev, next, nil, generator.MigrationOptions{})
	if err != nil || m != nil {
		t.Errorf("NextMigration = %v, %v; want no migration", m, err)
	}
}

func TestNextMigrationRefusesDatabaseChange(t *testing.T) {
	prev := parseSchema(t, migrationBase)
	next := parseSchema(t, strings.Replace(migrationBase, "name: notes\n", "name: notes\ndatabase: postgres\n", 1))
	_, err := generator.NextMigration(prev, next, nil, generator.MigrationOptions{})
	if err == nil || !strings.Contains(err.Error(), "the database changed from sqlite to postgres") {
		t.Errorf("error = %v, want the database change refused", err)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	f := generator.Snapshot([]byte(migrationBase))
	if f.Path != ".scaffold/schema.yaml" || f.Ownership != generator.Generated {
		t.Errorf("snapshot file %s (%v)", f.Path, f.Ownership)
	}
	p, err := generator.LoadSnapshot(f.Content)
	if err != nil {
		t.Fatal(err)
	}
	if p.Entity("Note") == nil || len(p.Entity("Note").Fields) != 4 {
		t.Errorf("the snapshot does not give the schema back: %+v", p)
	}
	if _, err := generator.LoadSnapshot([]byte("version: 2\n")); err == nil || !strings.Contains(err.Error(), "restore it from version control") {
		t.Errorf("a broken snapshot gives %v", err)
	}
}
