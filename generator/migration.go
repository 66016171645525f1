package generator

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/scaffold-dev/scaffold/schema"
)

// This file derives the migration that takes a database from one version of
// the schema to the next. Both versions go through the view of the initial
// migration (view_ddl.go), so a table, column, key or index is declared in a
// later migration exactly as a fresh project declares it in 00001_init.sql;
// the diff compares those declarations and plans statements to turn one
// into the other. The same planner, run from the new version to the old one
// with the renames reversed, writes the down migration.

// SnapshotPath is where a project keeps the schema of its last generation:
// a copy of scaffold.yaml, the "previous version" the next migration starts
// from.
const SnapshotPath = ".scaffold/schema.yaml"

// snapshotHeader starts every snapshot, so that nobody mistakes it for the
// schema to edit.
const snapshotHeader = "# The schema of the last generation, kept by scaffold: the next migration is\n" +
	"# derived from the difference between it and scaffold.yaml. Do not edit.\n"

// Snapshot returns the snapshot file of a schema: its source, as written.
// The resolved model is not stored: loading the same source with the same
// rules gives it back, and a later scaffold reads it with its own defaults,
// the ones it also uses for fresh projects.
func Snapshot(source []byte) *File {
	content := append([]byte(snapshotHeader), source...)
	return &File{Path: SnapshotPath, Content: content, Ownership: Generated}
}

// LoadSnapshot reads a snapshot written by Snapshot.
func LoadSnapshot(data []byte) (*schema.Project, error) {
	p, err := schema.Parse(SnapshotPath, data)
	if err != nil {
		return nil, fmt.Errorf("the schema snapshot is unreadable (restore it from version control): %w", err)
	}
	return p, nil
}

// MigrationOptions are the choices a user confirms for the next migration.
type MigrationOptions struct {
	// AllowLossy accepts changes that lose data (narrower types, removed
	// enum values); without it they are refused, with an explanation.
	AllowLossy bool
}

// Migration is the next versioned migration of a project.
type Migration struct {
	Version int
	Name    string   // e.g. add_tags_alter_products
	Changes []string // what changes, one line each, in plan order
	File    *File    // migrations/NNNNN_<name>.sql, written once, never edited
}

// migrationFileRE matches goose's versioned SQL migration names.
var migrationFileRE = regexp.MustCompile(`^(\d+)_[^/]*\.sql$`)

// NextMigration derives the migration from prev (the snapshot) to next (the
// current schema). existing lists the file names of the migrations
// directory; the new one takes the next version. It returns nil when the
// schemas declare the same database.
func NextMigration(prev, next *schema.Project, existing []string, opts MigrationOptions) (*Migration, error) {
	if prev.Database != next.Database {
		return nil, fmt.Errorf("the database changed from %s to %s: migrations cannot move data between databases; "+
			"start a fresh project (scaffold new) and copy the data over", prev.Database, next.Database)
	}
	up, err := planMigration(prev, next, renamesOf(prev, next), true, opts.AllowLossy)
	if err != nil {
		return nil, err
	}
	if up.empty() {
		return nil, nil
	}
	down, err := planMigration(next, prev, renamesOf(prev, next).reversed(), false, true)
	if err != nil {
		return nil, fmt.Errorf("planning the down migration: %w", err)
	}
	version := 1
	for _, name := range existing {
		if m := migrationFileRE.FindStringSubmatch(path.Base(name)); m != nil {
			if v, err := strconv.Atoi(m[1]); err == nil && v >= version {
				version = v + 1
			}
		}
	}
	m := &Migration{Version: version, Name: up.name(), Changes: up.changes}
	content, err := renderMigration(string(next.Database), up, down)
	if err != nil {
		return nil, err
	}
	m.File = &File{
		Path:      fmt.Sprintf("migrations/%05d_%s.sql", version, m.Name),
		Content:   content,
		Ownership: Once,
	}
	return m, nil
}

// renames maps the tables and columns of one schema version to those of
// another. Tables and columns absent from the maps keep their names.
type renames struct {
	tables  map[string]string            // quoted table -> quoted table
	columns map[string]map[string]string // quoted table (from side) -> quoted column -> quoted column
	// positional lists join tables whose columns pair by position: their
	// names derive from entity names, which a rename changes.
	positional map[string]bool // quoted table (from side)
}

// renamesOf pairs the tables and columns of prev with those of next: same
// entity name, or the entity's renamed_from; same field name, or the
// field's renamed_from; the join tables of the same relation.
func renamesOf(prev, next *schema.Project) *renames {
	r := &renames{tables: map[string]string{}, columns: map[string]map[string]string{}, positional: map[string]bool{}}
	for _, ne := range next.Entities {
		oe := prev.Entity(ne.Name)
		if oe == nil && ne.RenamedFrom != "" {
			oe = prev.Entity(ne.RenamedFrom)
		}
		if oe == nil {
			continue
		}
		from := quoteIdent(oe.Table)
		r.tables[from] = quoteIdent(ne.Table)
		cols := map[string]string{}
		for _, nf := range ne.Fields {
			if oe.Field(nf.Name) == nil && nf.RenamedFrom != "" && oe.Field(nf.RenamedFrom) != nil {
				cols[quoteIdent(nf.RenamedFrom)] = quoteIdent(nf.Name)
			}
		}
		r.columns[from] = cols
		for _, nr := range ne.ManyToMany() {
			for _, or := range oe.ManyToMany() {
				if or.Name == nr.Name {
					r.tables[quoteIdent(or.JoinTable)] = quoteIdent(nr.JoinTable)
					r.positional[quoteIdent(or.JoinTable)] = true
				}
			}
		}
	}
	return r
}

// reversed returns the renames from next back to prev.
func (r *renames) reversed() *renames {
	out := &renames{tables: map[string]string{}, columns: map[string]map[string]string{}, positional: map[string]bool{}}
	for from, to := range r.tables {
		out.tables[to] = from
		if r.positional[from] {
			out.positional[to] = true
		}
		cols := map[string]string{}
		for a, b := range r.columns[from] {
			cols[b] = a
		}
		out.columns[to] = cols
	}
	return out
}

// migrationPlan is the statements of one direction of a migration.
type migrationPlan struct {
	changes    []string // human-readable, for the header and the summary
	slugs      []string // short names of the changes, for the file name
	statements []string
}

func (p *migrationPlan) empty() bool { return len(p.statements) == 0 }

func (p *migrationPlan) change(slug, format string, args ...any) {
	p.changes = append(p.changes, fmt.Sprintf(format, args...))
	if !slices.Contains(p.slugs, slug) {
		p.slugs = append(p.slugs, slug)
	}
}

// name is the file name part of the migration: its first two changes, and
// a note that more follow.
func (p *migrationPlan) name() string {
	name := strings.Join(p.slugs[:min(2, len(p.slugs))], "_")
	if len(p.slugs) > 2 {
		name += "_and_more"
	}
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "_")
	}
	return name
}

// planMigration plans the statements that turn the database of prev into
// that of next. strict refuses what would lose data or could not fill a
// required column; the down direction is lenient, since a user running it
// has chosen to go back.
func planMigration(prev, next *schema.Project, ren *renames, strict, allowLossy bool) (*migrationPlan, error) {
	from, err := ddlOf(prev)
	if err != nil {
		return nil, err
	}
	to, err := ddlOf(next)
	if err != nil {
		return nil, err
	}
	defaults, err := defaultsOf(next)
	if err != nil {
		return nil, err
	}
	switch next.Database {
	case schema.SQLite:
		return planSQLite(from, to, ren, defaults, strict, allowLossy)
	case schema.Postgres:
		return planPostgres(from, to, ren, defaults, strict, allowLossy)
	case schema.MySQL:
		return planMySQL(from, to, ren, defaults, strict, allowLossy)
	}
	return nil, fmt.Errorf("migrations from schema changes are not available for %s yet; write the migration by hand in migrations/", next.Database)
}

// columnDefaults holds the SQL literal of each field default, by quoted
// table and column. The tables declare only the defaults of required
// fields; a migration also fills optional fields from theirs.
type columnDefaults map[string]map[string]string

func defaultsOf(p *schema.Project) (columnDefaults, error) {
	out := columnDefaults{}
	for _, e := range p.Entities {
		cols := map[string]string{}
		for _, f := range e.Fields {
			if f.Default == nil {
				continue
			}
			lit, err := sqlDefault(string(p.Database), f)
			if err != nil {
				return nil, fmt.Errorf("generator: default of %s.%s: %w", e.Name, f.Name, err)
			}
			cols[quoteIdent(f.Name)] = lit
		}
		out[quoteIdent(e.Table)] = cols
	}
	return out, nil
}

func ddlOf(p *schema.Project) (*DDLView, error) {
	v, err := NewProjectView(p)
	if err != nil {
		return nil, err
	}
	return v.DDL()
}

// pairing is a table of the previous version matched with its table in the
// next one.
type pairing struct {
	from, to *TableDDL
	// columns maps each column of to that existed before to its previous
	// name.
	columns map[string]string
}

// pairTables matches the tables of two versions. It returns the pairs in
// the order of the next version, the tables that are new, and those gone.
func pairTables(from, to *DDLView, ren *renames) (pairs []*pairing, added, dropped []*TableDDL) {
	byName := map[string]*TableDDL{}
	for _, t := range to.Tables {
		byName[t.Name] = t
	}
	matched := map[*TableDDL]*pairing{}
	for _, ft := range from.Tables {
		target, ok := ren.tables[ft.Name]
		if !ok {
			target = ft.Name
		}
		tt := byName[target]
		if tt == nil || matched[tt] != nil {
			dropped = append(dropped, ft)
			continue
		}
		p := &pairing{from: ft, to: tt, columns: map[string]string{}}
		prevCols := map[string]bool{}
		for _, c := range ft.Columns {
			prevCols[c.Name] = true
		}
		if ren.positional[ft.Name] && len(ft.Columns) == len(tt.Columns) {
			for i, c := range tt.Columns {
				p.columns[c.Name] = ft.Columns[i].Name
			}
		} else {
			renamedTo := ren.columns[ft.Name]
			renamed := map[string]string{}
			for old, nu := range renamedTo {
				renamed[nu] = old
			}
			for _, c := range tt.Columns {
				if old, ok := renamed[c.Name]; ok && prevCols[old] {
					p.columns[c.Name] = old
				} else if prevCols[c.Name] && !isRenamedAway(renamedTo, c.Name) {
					p.columns[c.Name] = c.Name
				}
			}
		}
		matched[tt] = p
	}
	for _, t := range to.Tables {
		if p := matched[t]; p != nil {
			pairs = append(pairs, p)
		} else {
			added = append(added, t)
		}
	}
	return pairs, added, dropped
}

// isRenamedAway reports whether col of the previous version was renamed to
// another name, so that a new column of the same name is another column.
func isRenamedAway(renamedTo map[string]string, col string) bool {
	_, ok := renamedTo[col]
	return ok
}

// unquote returns the bare name of a quoted identifier, for messages.
func unquote(q string) string {
	return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(q, `"`), `"`), `""`, `"`)
}

// refusal collects the changes a plan cannot make, so the user sees all of
// them at once.
type refusal struct {
	problems []string
	lossy    []string
}

func (r *refusal) err() error {
	var msgs []string
	msgs = append(msgs, r.problems...)
	if len(r.lossy) > 0 {
		msgs = append(msgs, "these changes lose data:\n    - "+strings.Join(r.lossy, "\n    - ")+
			"\n  run again with --allow-lossy to accept the loss, or change the schema so the data fits")
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New("cannot derive the migration:\n  " + strings.Join(msgs, "\n  "))
}

// renderPartial executes one of the DDL or migration partials.
func renderPartial(name string, data any) (string, error) {
	set, err := loadTemplates()
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := set.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("rendering %s: %w", name, err)
	}
	return strings.TrimSpace(buf.String()), nil
}

// MigrationView is the data of the migration file partial.
type MigrationView struct {
	Changes []string
	// NoTransaction makes goose run the file outside a transaction; the
	// file then opens its own (SQLite, which cannot switch foreign keys
	// off inside one).
	NoTransaction bool
	Up, Down      *MigrationDirection
}

// MigrationDirection is the up or the down part of a migration.
type MigrationDirection struct {
	NoTransaction bool // wrap the statements in a transaction of their own
	Statements    []string
}

// renderMigration prints the migration file.
func renderMigration(db string, up, down *migrationPlan) ([]byte, error) {
	own := db == string(schema.SQLite)
	v := &MigrationView{
		Changes:       up.changes,
		NoTransaction: own,
		Up:            &MigrationDirection{NoTransaction: own, Statements: up.statements},
		Down:          &MigrationDirection{NoTransaction: own, Statements: down.statements},
	}
	out, err := renderPartial("migration/file", v)
	if err != nil {
		return nil, err
	}
	return []byte("-- Code generated by scaffold. DO NOT EDIT.\n\n" + out + "\n"), nil
}

// foreignKeysOf returns the foreign keys of t, declared in it or deferred.
func foreignKeysOf(d *DDLView, t *TableDDL) []*ForeignKeyDDL {
	out := slices.Clone(t.ForeignKeys)
	for _, fk := range d.Deferred {
		if fk.Table == t.Name {
			out = append(out, fk)
		}
	}
	return out
}

// createAddedTable declares a table that a migration adds: the table alone,
// then its indexes. Foreign keys are added afterwards by each dialect, once
// every table they reference exists.
func createAddedTable(t *TableDDL) (create string, indexes []string, err error) {
	bare := withoutIndexes(t)
	bare.ForeignKeys = nil
	create, err = renderPartial("ddl/create-table", bare)
	if err != nil {
		return "", nil, err
	}
	for _, ix := range t.Indexes {
		indexes = append(indexes, createIndex(ix))
	}
	return create, indexes, nil
}

// addColumn adds column c, declared as def, to a table that may hold rows,
// for the dialects that alter tables in place. An optional column or one
// with a default is simply added. A required one without a default is
// refused in the up (strict) direction, since nothing could fill the
// existing rows; in the down direction the rows get the zero value of its
// type, which is then dropped as a default.
func addColumn(alter func(format string, args ...any), ref *refusal, at, def string, c *ColumnDDL, foreignKey, strict bool) {
	switch {
	case !c.NotNull || c.Default != "":
		alter("ADD COLUMN %s", def)
	case strict && foreignKey:
		ref.problems = append(ref.problems, at+": a new required relation has no value for the existing rows; add it as optional, fill it, then make it required")
	case strict:
		ref.problems = append(ref.problems, at+": a new required field needs a default to fill the existing rows; add default:, or add it as optional, fill it, then make it required")
	default:
		alter("ADD COLUMN %s DEFAULT %s", def, zeroValue(c))
		alter("ALTER COLUMN %s DROP DEFAULT", c.Name)
	}
}

// zeroValue is the SQL literal of the zero value of a column's type in its
// dialect: what fills a required column without a default where rows
// exist already (in the down direction, which must not fail).
func zeroValue(c *ColumnDDL) string {
	sqlite := c.DB == string(schema.SQLite)
	switch c.Type {
	case "int", "float":
		return "0"
	case "decimal":
		if sqlite {
			// Decimals are text there, written with exactly scale digits.
			return "'" + strconv.FormatFloat(0, 'f', c.Scale, 64) + "'"
		}
		return "0"
	case "bool":
		if sqlite {
			return "0"
		}
		return "FALSE"
	case "enum":
		return sqlString(c.DB, enumValues(c)[0])
	case "time":
		switch c.DB {
		case string(schema.SQLite):
			return "'0001-01-01T00:00:00.000000Z'"
		case string(schema.MySQL):
			return "'1970-01-01 00:00:00'" // the smallest TIMESTAMP-safe value
		}
		return "'0001-01-01 00:00:00Z'"
	case "date":
		if c.DB == string(schema.MySQL) {
			return "'1970-01-01'"
		}
		return "'0001-01-01'"
	case "uuid":
		return "'00000000-0000-0000-0000-000000000000'"
	case "json":
		return "'null'"
	}
	return "''"
}
