package generator_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the driver generated projects use

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// The proof of issue item 4: for each sequence of schema versions under
// testdata/migrations, the migrations derived step by step, applied by goose
// as a generated project applies them, give the database a fresh project of
// the same version gets; rows written at every step survive in the columns
// the steps leave alone; every down migration returns to the step before.

// sequences lists the sequences and the versions whose step loses data, so
// that it needs --allow-lossy (and is refused without).
var sequences = map[string][]int{
	"library": {5},
}

// step is one version of a sequence and the migration that reaches it.
type step struct {
	version   int
	source    []byte
	project   *schema.Project
	migration *generator.File // for the first version: 00001_init.sql
	lossy     bool            // the step loses data, with --allow-lossy
}

func TestMigrationsSQLite(t *testing.T) {
	for name, lossy := range sequences {
		t.Run(name, func(t *testing.T) {
			steps := loadSequence(t, name, "sqlite", lossy)
			proveSequence(t, steps, sqliteDB(t))
		})
	}
}

// loadSequence reads v1.yaml, v2.yaml ... and derives the migrations
// between them, through the snapshot of each previous version as a
// generation keeps it.
func loadSequence(t *testing.T, name, db string, lossy []int) []*step {
	t.Helper()
	dir := filepath.Join("..", "testdata", "migrations", name)
	var steps []*step
	var files []string
	for v := 1; ; v++ {
		src, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("v%d.yaml", v)))
		if os.IsNotExist(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// The sequences are written for the default database, SQLite.
		src = bytes.Replace(src, []byte("\nversion: 1\n"), []byte("\nversion: 1\ndatabase: "+db+"\n"), 1)
		p, err := schema.Parse(fmt.Sprintf("v%d.yaml", v), src)
		if err != nil {
			t.Fatal(err)
		}
		s := &step{version: v, source: src, project: p}
		if v == 1 {
			s.migration = initMigration(t, p)
		} else {
			prev, err := generator.LoadSnapshot(generator.Snapshot(steps[v-2].source).Content)
			if err != nil {
				t.Fatal(err)
			}
			allow := slices.Contains(lossy, v)
			if allow {
				if _, err := generator.NextMigration(prev, p, files, generator.MigrationOptions{}); err == nil || !strings.Contains(err.Error(), "--allow-lossy") {
					t.Errorf("v%d loses data, but was not refused without --allow-lossy: %v", v, err)
				}
			}
			m, err := generator.NextMigration(prev, p, files, generator.MigrationOptions{AllowLossy: allow})
			if err != nil {
				t.Fatalf("v%d: %v", v, err)
			}
			if m == nil {
				t.Fatalf("v%d: no changes found", v)
			}
			again, err := generator.NextMigration(prev, p, files, generator.MigrationOptions{AllowLossy: allow})
			if err != nil || string(again.File.Content) != string(m.File.Content) || again.File.Path != m.File.Path {
				t.Errorf("v%d: a second derivation differs: the output is not deterministic", v)
			}
			if m.Version != v {
				t.Errorf("v%d: migration version %d, want %d", v, m.Version, v)
			}
			s.migration, s.lossy = m.File, allow
		}
		files = append(files, filepath.Base(s.migration.Path))
		steps = append(steps, s)
	}
	if len(steps) < 6 {
		t.Fatalf("sequence %s has %d versions; the proof needs at least 6", name, len(steps))
	}
	return steps
}

// initMigration is the 00001_init.sql a fresh project of p gets.
func initMigration(t *testing.T, p *schema.Project) *generator.File {
	t.Helper()
	fs, err := generator.Generate(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs.Files {
		if strings.HasPrefix(f.Path, "migrations/") && strings.HasSuffix(f.Path, ".sql") {
			return f
		}
	}
	t.Fatal("the generated project has no initial migration")
	return nil
}

// testDB opens fresh databases of one dialect and reads their catalog.
type testDB struct {
	name    string // sqlite | postgres | mysql, as in schema.Database
	dialect goose.Dialect
	open    func(t *testing.T) *sql.DB
	catalog func(t *testing.T, db *sql.DB) []string
	// columns lists the columns of every table but goose's, in table
	// order, each with a declaration to compare across versions.
	columns func(t *testing.T, db *sql.DB) map[string][][2]string
}

// mark is the i-th (1-based) bind parameter.
func (d testDB) mark(i int) string {
	if d.name == "postgres" {
		return fmt.Sprintf("$%d", i)
	}
	return "?"
}

// proveSequence applies the migrations one by one and checks each step.
func proveSequence(t *testing.T, steps []*step, tdb testDB) {
	ctx := context.Background()
	fsys := fstest.MapFS{}
	for _, s := range steps {
		fsys[filepath.Base(s.migration.Path)] = &fstest.MapFile{Data: s.migration.Content}
	}
	db := tdb.open(t)
	p, err := goose.NewProvider(tdb.dialect, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	var catalogs [][]string
	var data []*snapshot // per step, after its rows are written
	for i, s := range steps {
		if _, err := p.UpByOne(ctx); err != nil {
			t.Fatalf("v%d: up: %v\n%s", s.version, err, s.migration.Content)
		}
		got := tdb.catalog(t, db)
		if d := diffLines(freshCatalog(t, tdb, s), got); d != "" {
			t.Errorf("v%d: migrated schema differs from a fresh project's (-fresh +migrated):\n%s\nmigration:\n%s", s.version, d, s.migration.Content)
		}
		if i > 0 {
			prev := steps[i-1]
			up := readRows(t, tdb, db)
			checkRows(t, data[i-1], up, prev.project, s.project, up, false, s.lossy, fmt.Sprintf("v%d up", s.version))
			if _, err := p.Down(ctx); err != nil {
				t.Fatalf("v%d: down: %v", s.version, err)
			}
			if d := diffLines(catalogs[i-1], tdb.catalog(t, db)); d != "" {
				t.Errorf("v%d: down does not return to v%d (-before +after down):\n%s", s.version, prev.version, d)
			}
			// Down keeps what up kept: the columns both versions declare alike.
			checkRows(t, data[i-1], readRows(t, tdb, db), prev.project, s.project, up, true, s.lossy, fmt.Sprintf("v%d down", s.version))
			if _, err := p.UpByOne(ctx); err != nil {
				t.Fatalf("v%d: up again after down: %v", s.version, err)
			}
		}
		catalogs = append(catalogs, got)
		insertRows(t, tdb, db, s)
		data = append(data, readRows(t, tdb, db))
	}
}

// freshCatalog is the catalog of a database where a fresh project of the
// step's version ran its initial migration.
func freshCatalog(t *testing.T, tdb testDB, s *step) []string {
	t.Helper()
	fresh := tdb.open(t)
	fsys := fstest.MapFS{"00001_init.sql": {Data: initMigration(t, s.project).Content}}
	p, err := goose.NewProvider(tdb.dialect, fresh, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(context.Background()); err != nil {
		t.Fatalf("v%d fresh: %v", s.version, err)
	}
	return tdb.catalog(t, fresh)
}

// diffLines returns the lines only in want (-) and only in got (+).
func diffLines(want, got []string) string {
	var b strings.Builder
	for _, l := range want {
		if !slices.Contains(got, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
