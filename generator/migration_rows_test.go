package generator_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/scaffold-dev/scaffold/schema"
)

// sqliteDB opens SQLite databases in files of the test's temporary
// directory, with the settings of generated projects (foreign keys on,
// immediate transactions), and reads the catalog from sqlite_master and the
// table pragmas.
func sqliteDB(t *testing.T) testDB {
	n := 0
	return testDB{
		name:    "sqlite",
		dialect: goose.DialectSQLite3,
		open: func(t *testing.T) *sql.DB {
			n++
			path := filepath.Join(t.TempDir(), fmt.Sprintf("db%d.sqlite", n))
			db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_txlock=immediate")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
		catalog: sqliteCatalog,
		columns: func(t *testing.T, db *sql.DB) map[string][][2]string {
			out := map[string][][2]string{}
			for _, tr := range query(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'goose%' AND name <> 'sqlite_sequence'`) {
				for _, c := range query(t, db, `SELECT name, type || ' ' || "notnull" || ' ' || coalesce(dflt_value, 'NULL') || ' ' || pk FROM pragma_table_info(?) ORDER BY cid`, tr[0]) {
					out[tr[0]] = append(out[tr[0]], [2]string{c[0], c[1]})
				}
			}
			return out
		},
	}
}

// sqliteCatalog describes every table and index of the database but goose's
// own table: their SQL as stored, then the columns, foreign keys and indexes
// as the pragmas report them. Column order is kept: SQLite rebuilds tables,
// so a migrated table can match a fresh one exactly.
func sqliteCatalog(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	master := query(t, db, `SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'goose%' AND name <> 'sqlite_sequence' ORDER BY name`)
	var tables []string
	for _, r := range master {
		out = append(out, "master: "+strings.Join(r, " | "))
		if r[0] == "table" {
			tables = append(tables, r[1])
		}
	}
	for _, table := range tables {
		for _, r := range query(t, db, `SELECT cid, name, type, "notnull", coalesce(dflt_value, 'NULL'), pk FROM pragma_table_info(?)`, table) {
			out = append(out, table+" column: "+strings.Join(r, " | "))
		}
		for _, r := range query(t, db, `SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY "from"`, table) {
			out = append(out, table+" foreign key: "+strings.Join(r, " | "))
		}
		for _, r := range query(t, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name`, table) {
			cols := query(t, db, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, r[0])
			var names []string
			for _, c := range cols {
				names = append(names, c[0])
			}
			out = append(out, table+" index: "+strings.Join(r, " | ")+" ("+strings.Join(names, ", ")+")")
		}
	}
	return out
}

// query returns every row as strings.
func query(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = fmt.Sprint(v)
			if b, ok := v.([]byte); ok {
				row[i] = string(b)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// snapshot is the data of the database after a step: per table, the
// declaration of each column and the rows as column -> value.
type snapshot struct {
	decl  map[string]map[string]string
	order map[string][]string // the columns of each table in order
	rows  map[string][]map[string]string
}

// readRows reads every table.
func readRows(t *testing.T, tdb testDB, db *sql.DB) *snapshot {
	t.Helper()
	s := &snapshot{decl: map[string]map[string]string{}, order: map[string][]string{}, rows: map[string][]map[string]string{}}
	for table, cols := range tdb.columns(t, db) {
		decl := map[string]string{}
		var names []string
		for _, c := range cols {
			decl[c[0]] = c[1]
			s.order[table] = append(s.order[table], c[0])
			names = append(names, `"`+c[0]+`"`)
		}
		s.decl[table] = decl
		for _, r := range query(t, db, `SELECT `+strings.Join(names, ", ")+` FROM "`+table+`"`) {
			row := map[string]string{}
			for i, c := range cols {
				row[c[0]] = r[i]
			}
			s.rows[table] = append(s.rows[table], row)
		}
	}
	return s
}

// insertRows writes two rows into every table, parents before children:
// one with a value in every column, one with NULL wherever the schema
// allows it, so that later steps meet both.
func insertRows(t *testing.T, tdb testDB, db *sql.DB, s *step) {
	t.Helper()
	ids := map[string]int64{} // entity -> id of its row of this step
	pending := slices.Clone(s.project.Entities)
	for len(pending) > 0 {
		progress := false
		for i := 0; i < len(pending); i++ {
			e := pending[i]
			ready := true
			for _, r := range e.BelongsTo() {
				if _, ok := ids[r.Target.Name]; !ok && r.Target != e {
					ready = false
				}
			}
			if !ready {
				continue
			}
			ids[e.Name] = insertEntity(t, tdb, db, s, e, ids, false)
			insertEntity(t, tdb, db, s, e, ids, true)
			pending = slices.Delete(pending, i, i+1)
			i--
			progress = true
		}
		if !progress {
			t.Fatalf("v%d: cannot order the inserts of %v", s.version, pending)
		}
	}
	for _, e := range s.project.Entities {
		for _, r := range e.ManyToMany() {
			cols := tdb.columns(t, db)[r.JoinTable]
			exec(t, db, fmt.Sprintf(`INSERT INTO "%s" ("%s", "%s") VALUES (%s, %s)`, r.JoinTable, cols[0][0], cols[1][0], tdb.mark(1), tdb.mark(2)),
				ids[e.Name], ids[r.Target.Name])
		}
	}
}

func insertEntity(t *testing.T, tdb testDB, db *sql.DB, s *step, e *schema.Entity, ids map[string]int64, sparse bool) int64 {
	t.Helper()
	var cols []string
	var vals []any
	for _, f := range e.Fields {
		cols = append(cols, f.Name)
		switch {
		case sparse && !f.Required:
			vals = append(vals, nil)
		case sparse:
			vals = append(vals, fieldValue(tdb.name, -s.version, e, f))
		default:
			vals = append(vals, fieldValue(tdb.name, s.version, e, f))
		}
	}
	for _, r := range e.BelongsTo() {
		cols = append(cols, r.Column)
		if id, ok := ids[r.Target.Name]; ok && (r.Required || !sparse) {
			vals = append(vals, id)
		} else {
			vals = append(vals, nil) // an optional self-reference
		}
	}
	if e.Timestamps {
		ts := fieldValue(tdb.name, s.version, e, &schema.Field{Type: schema.Time})
		cols = append(cols, "created_at", "updated_at")
		vals = append(vals, ts, ts)
	}
	var marks []string
	for i := range cols {
		marks = append(marks, tdb.mark(i+1))
	}
	q := fmt.Sprintf(`INSERT INTO "%s" ("%s") VALUES (%s)`, e.Table, strings.Join(cols, `", "`), strings.Join(marks, ", "))
	if tdb.name == "mysql" {
		id, err := exec(t, db, q, vals...).LastInsertId()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var id int64
	if err := db.QueryRow(q+` RETURNING "id"`, vals...).Scan(&id); err != nil {
		t.Fatalf("%s %v: %v", q, vals, err)
	}
	return id
}

// fieldValue is a value of the field's type that every version of the
// sequence accepts, distinct per step for unique columns.
func fieldValue(db string, version int, e *schema.Entity, f *schema.Field) any {
	switch f.Type {
	case schema.Int:
		return int64(version)
	case schema.Float:
		return float64(version) + 0.5
	case schema.Decimal:
		return fmt.Sprintf("%d.%s", version, strings.Repeat("5", f.Scale))
	case schema.Bool:
		if db == "sqlite" {
			return 1
		}
		return true
	case schema.Time:
		if db == "mysql" {
			return "2024-01-02 03:04:05.000000"
		}
		return "2024-01-02T03:04:05.000000Z"
	case schema.Date:
		return "2024-01-02"
	case schema.UUID:
		return fmt.Sprintf("00000000-0000-7000-8000-%012d", version)
	case schema.JSON:
		return fmt.Sprintf(`{"v":%d}`, version)
	case schema.Enum:
		return f.Values[len(f.Values)-1]
	}
	v := fmt.Sprintf("%s %s %d", strings.ToLower(e.Name), f.Name, version)
	if f.MaxLength != nil && len(v) > *f.MaxLength {
		v = v[len(v)-*f.MaxLength:]
	}
	return v
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) sql.Result {
	t.Helper()
	res, err := db.Exec(q, args...)
	if err != nil {
		t.Fatalf("%s %v: %v", q, args, err)
	}
	return res
}

// renamesBetween maps the tables and columns of prev to those of next
// through the renamed_from keys of next. The join tables of a renamed
// entity are renamed too, and their columns pair by position (joins).
func renamesBetween(prev, next *schema.Project) (tables map[string]string, columns map[string]map[string]string, joins map[string]bool) {
	tables, columns, joins = map[string]string{}, map[string]map[string]string{}, map[string]bool{}
	for _, ne := range next.Entities {
		oe := prev.Entity(ne.Name)
		if oe == nil && ne.RenamedFrom != "" {
			oe = prev.Entity(ne.RenamedFrom)
		}
		if oe == nil {
			continue
		}
		tables[oe.Table] = ne.Table
		cols := map[string]string{}
		for _, nf := range ne.Fields {
			if oe.Field(nf.Name) == nil && nf.RenamedFrom != "" && oe.Field(nf.RenamedFrom) != nil {
				cols[nf.RenamedFrom] = nf.Name
			}
		}
		columns[oe.Table] = cols
		for _, nr := range ne.ManyToMany() {
			for _, or := range oe.ManyToMany() {
				if or.Name == nr.Name && or.JoinTable != nr.JoinTable {
					tables[or.JoinTable] = nr.JoinTable
					joins[or.JoinTable] = true
				}
			}
		}
	}
	return tables, columns, joins
}

// checkRows checks that every row of before is still in the database now.
// Columns whose declaration the step from prev to next left alone (upDecl:
// the declarations after the up migration) keep their values exactly,
// following the renames of next; columns it changed keep them as text
// (3 stays 3 as a float), or fill a NULL, unless the step is lossy. With
// down set, now is the database after the step's down migration, under
// prev's names again; only the columns left alone are compared.
func checkRows(t *testing.T, before, now *snapshot, prev, next *schema.Project, up *snapshot, down, lossy bool, label string) {
	t.Helper()
	tables, columns, joins := renamesBetween(prev, next)
	checked := 0
	for table, rows := range before.rows {
		to, ok := tables[table]
		if !ok {
			to = table
		}
		declUp, ok := up.decl[to]
		if !ok {
			continue // dropped
		}
		if joins[table] && len(before.order[table]) == len(up.order[to]) {
			columns[table] = map[string]string{}
			for i, c := range before.order[table] {
				columns[table][c] = up.order[to][i]
			}
		}
		nowTable := to
		if down {
			nowTable = table
		}
		same, converted := map[string]string{}, map[string]string{} // column before -> column now
		for col, d := range before.decl[table] {
			nu := col
			if r, ok := columns[table][col]; ok {
				nu = r
			}
			name := nu
			if down {
				name = col
			}
			switch upD, kept := declUp[nu]; {
			case upD == d:
				same[col] = name
			case kept && !down && !lossy:
				converted[col] = name
			}
		}
		match := func(old, cur map[string]string) bool {
			for c, n := range same {
				if old[c] != cur[n] {
					return false
				}
			}
			for c, n := range converted {
				if old[c] != "<nil>" && old[c] != cur[n] {
					return false
				}
			}
			return true
		}
		used := map[int]bool{}
		for _, r := range rows {
			found := false
			for j, cur := range now.rows[nowTable] {
				if !used[j] && match(r, cur) {
					used[j], found = true, true
					break
				}
			}
			if !found {
				t.Errorf("%s: the row %v of %s is gone or changed in %s", label, r, table, nowTable)
				continue
			}
			checked++
		}
	}
	if checked == 0 {
		t.Errorf("%s: no row was checked", label)
	}
}
