package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// migrateProject writes a project whose last generation saw prev and whose
// scaffold.yaml is now next.
func migrateProject(t *testing.T, prev, next string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		SchemaFileName:                 next,
		generator.SnapshotPath:         string(generator.Snapshot([]byte(prev)).Content),
		"migrations/00001_init.sql":    "-- +goose Up\n",
		"migrations/00002_add_x.sql":   "-- +goose Up\n",
		"migrations/README-not-a-file": "",
	})
	return dir
}

const withTag = validSchema + `      status: {type: enum, values: [draft, done], default: draft}
  Tag:
    fields:
      label: string
`

func TestMigrateDiff(t *testing.T) {
	dir := migrateProject(t, validSchema, withTag)
	r := run(t, "", "migrate", "diff", "--dir", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"-- +goose Up\n", "-- +goose Down\n", `CREATE TABLE "tags"`, `DROP TABLE "tags";`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	wantErr := "scaffold generate would write migrations/00003_add_tags_alter_notes.sql (not written now):\n" +
		"  - create table tags\n  - notes: add column status\n"
	if r.stderr != wantErr {
		t.Errorf("stderr = %q, want %q", r.stderr, wantErr)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "migrations"))
	if err != nil || len(entries) != 3 {
		t.Errorf("migrate diff wrote into migrations/: %v %v", entries, err)
	}
}

func TestMigrateDiffNoChanges(t *testing.T) {
	dir := migrateProject(t, validSchema, validSchema+"# a comment changes nothing\n")
	r := run(t, "", "migrate", "diff", "-C", dir)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "no changes") || r.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and no changes", r.code, r.stdout, r.stderr)
	}
}

func TestMigrateDiffLossy(t *testing.T) {
	narrower := strings.Replace(withTag, "values: [draft, done]", "values: [done]", 1)
	narrower = strings.Replace(narrower, "default: draft", "default: done", 1)
	dir := migrateProject(t, withTag, narrower)
	r := run(t, "", "migrate", "diff", "-C", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "notes.status: rows holding the removed values draft become 'done'") ||
		!strings.Contains(r.stderr, "--allow-lossy") {
		t.Errorf("exit %d, stderr %q; want 1 and an explanation", r.code, r.stderr)
	}
	r = run(t, "", "migrate", "diff", "-C", dir, "--allow-lossy")
	if r.code != 0 || !strings.Contains(r.stdout, `CASE WHEN "status" IS NULL OR "status" IN ('done') THEN "status" ELSE 'done' END`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want the migration", r.code, r.stdout, r.stderr)
	}
}

func TestMigrateDiffNeedsSnapshot(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{SchemaFileName: validSchema})
	r := run(t, "", "migrate", "diff", "-C", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "run scaffold generate once") {
		t.Errorf("exit %d, stderr %q; want 1 and what to do", r.code, r.stderr)
	}
}

func TestMigrationFilesForGenerate(t *testing.T) {
	dir := migrateProject(t, validSchema, withTag)
	p, err := schema.Parse(SchemaFileName, []byte(withTag))
	if err != nil {
		t.Fatal(err)
	}
	set := &generator.FileSet{Files: []*generator.File{{Path: "migrations/00001_init.sql"}, {Path: "migrations/00003_other.sql"}}}
	allow := false
	files, err := MigrationFiles(&allow)(context.Background(), &Generation{Dir: dir, Project: p, Files: set})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != "migrations/00004_add_tags_alter_notes.sql" || files[0].Ownership != generator.Once {
		t.Errorf("files = %v, want one migration 00004, written once", files)
	}
}
