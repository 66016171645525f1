package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scaffold-dev/scaffold/schema"
)

// This file holds the view of the initial migration (migrations/00001_init.sql):
// the tables of the schema with their columns, keys and indexes, ready for the
// dialect partials of templates/partials/ddl, which only map types and print.

// maxIdentifier is the longest identifier every supported database accepts
// (PostgreSQL: 63 bytes, MySQL: 64).
const maxIdentifier = 63

// DDLView is the data of the initial migration.
type DDLView struct {
	Database string // sqlite | postgres | mysql: picks the dialect partials
	// Tables in creation order: a table comes after the tables it references,
	// where the references allow it, then the many-to-many join tables.
	Tables []*TableDDL
	// Deferred are foreign keys added after every table exists, because they
	// point at a table created later (a reference cycle). Always empty for
	// SQLite, which checks references only when rows are written.
	Deferred []*ForeignKeyDDL
}

// Reversed lists the tables in the order they are dropped.
func (d *DDLView) Reversed() []*TableDDL {
	out := slices.Clone(d.Tables)
	slices.Reverse(out)
	return out
}

// TableDDL is one CREATE TABLE statement and its indexes.
type TableDDL struct {
	DB          string // the dialect, for the partials
	Name        string // quoted
	Columns     []*ColumnDDL
	PrimaryKey  []string // quoted columns of a composite key (join tables)
	Uniques     []*IndexDDL
	ForeignKeys []*ForeignKeyDDL // declared in the table
	Indexes     []*IndexDDL      // created after the table
}

// ColumnDDL is one column definition.
type ColumnDDL struct {
	DB   string // the dialect, for the partials
	Name string // quoted
	// Type is the schema type the dialect partials map to SQL: a field type
	// (string, int, enum...), or int/uuid for keys and time for timestamps.
	Type       string
	PrimaryKey bool // the table's own id
	NotNull    bool
	Length     int    // string and enum: varchar length
	Precision  int    // decimal
	Scale      int    // decimal
	Default    string // SQL literal, or ""
	Values     string // enum: the allowed values as a SQL list, e.g. 'a', 'b'
}

// ForeignKeyDDL is a foreign key constraint.
type ForeignKeyDDL struct {
	DB       string // the dialect, for the partials
	Name     string // quoted constraint name
	Table    string // quoted table holding the column
	Column   string // quoted
	RefTable string // quoted
	OnDelete string // RESTRICT, CASCADE or SET NULL
}

// IndexDDL is an index or a unique constraint.
type IndexDDL struct {
	Name    string // quoted
	Table   string // quoted
	Columns []string
	Unique  bool
}

// ColumnList is the quoted columns joined by commas.
func (i *IndexDDL) ColumnList() string { return strings.Join(i.Columns, ", ") }

// DDL computes the view of the initial migration for the project's database.
func (p *ProjectView) DDL() (*DDLView, error) {
	d := &DDLView{Database: p.Database}
	order := creationOrder(p.Entities)
	created := make(map[*EntityView]bool)
	for _, e := range order {
		t, err := entityTable(e)
		if err != nil {
			return nil, err
		}
		// A reference to a table created later cannot be declared inline
		// outside SQLite; it is added once every table exists.
		if p.Database != string(schema.SQLite) {
			var inline []*ForeignKeyDDL
			for i, fk := range t.ForeignKeys {
				target := e.fkTargets()[i]
				if target == e || created[target] {
					inline = append(inline, fk)
				} else {
					d.Deferred = append(d.Deferred, fk)
				}
			}
			t.ForeignKeys = inline
		}
		created[e] = true
		d.Tables = append(d.Tables, t)
	}
	for _, e := range p.Entities {
		for _, m := range e.ManyToMany {
			d.Tables = append(d.Tables, joinTable(m))
		}
	}
	if p.Auth != nil {
		d.Tables = append(d.Tables, refreshTokenTable(p.Auth.User))
	}
	for _, t := range d.Tables {
		t.DB = d.Database
		for _, c := range t.Columns {
			c.DB = d.Database
		}
		for _, fk := range t.ForeignKeys {
			fk.DB = d.Database
		}
	}
	for _, fk := range d.Deferred {
		fk.DB = d.Database
	}
	return d, nil
}

// creationOrder sorts entities so that referenced tables come first: each
// step takes the first entity, in document order, whose references all
// exist. In a reference cycle no entity qualifies, and the first remaining
// one goes next; its forward references are deferred.
func creationOrder(entities []*EntityView) []*EntityView {
	out := make([]*EntityView, 0, len(entities))
	created := make(map[*EntityView]bool)
	ready := func(e *EntityView) bool {
		for _, t := range e.fkTargets() {
			if t != e && !created[t] {
				return false
			}
		}
		return true
	}
	for len(out) < len(entities) {
		next := -1
		for i, e := range entities {
			if created[e] {
				continue
			}
			if next < 0 {
				next = i // the fallback of a cycle
			}
			if ready(e) {
				next = i
				break
			}
		}
		created[entities[next]] = true
		out = append(out, entities[next])
	}
	return out
}

// fkTargets lists the entities e's foreign keys point at, in the order of
// the table's foreign key constraints.
func (e *EntityView) fkTargets() []*EntityView {
	var out []*EntityView
	for _, b := range e.BelongsTo {
		out = append(out, b.Target)
	}
	if o := e.Owner(); o != nil {
		out = append(out, o)
	}
	return out
}

// entityTable builds the table of one entity.
func entityTable(e *EntityView) (*TableDDL, error) {
	db := e.Project.Database
	t := &TableDDL{Name: quoteIdent(e.Table)}
	t.Columns = append(t.Columns, &ColumnDDL{Name: quoteIdent("id"), Type: keyType(e), PrimaryKey: true, NotNull: true})
	for _, f := range e.Fields {
		c, err := fieldColumn(db, f)
		if err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, c)
		if f.Schema.Unique {
			t.Uniques = append(t.Uniques, index(e.Table, true, f.Name))
		}
	}
	if e.Schema.System {
		// The password hash of the built-in User entity is managed by the
		// auth code and is no field of the schema.
		t.Columns = append(t.Columns, &ColumnDDL{Name: quoteIdent("password_hash"), Type: string(schema.String), Length: 255, NotNull: true})
		if e.Project.Auth != nil && e.Project.Auth.OIDC != nil {
			// Users of the external identity provider are found by issuer
			// and subject; local users have none.
			t.Columns = append(t.Columns, &ColumnDDL{Name: quoteIdent(externalIDColumn), Type: string(schema.String), Length: 255})
			t.Uniques = append(t.Uniques, index(e.Table, true, externalIDColumn))
		}
	}
	var fkColumns []string
	addFK := func(column string, target *EntityView, onDelete string, notNull bool) {
		t.Columns = append(t.Columns, &ColumnDDL{Name: quoteIdent(column), Type: keyType(target), NotNull: notNull})
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKeyDDL{
			Name:     quoteIdent(constraintName("fk", e.Table, column)),
			Table:    t.Name,
			Column:   quoteIdent(column),
			RefTable: quoteIdent(target.Table),
			OnDelete: onDelete,
		})
		fkColumns = append(fkColumns, column)
	}
	for _, b := range e.BelongsTo {
		addFK(b.Column, b.Target, b.OnDeleteSQL(), !b.Nullable)
	}
	if o := e.Owner(); o != nil {
		// Users who own rows cannot be deleted until their rows are
		// reassigned or deleted: losing data silently is worse.
		addFK("owner_id", o, "RESTRICT", true)
	}
	if e.Timestamps {
		t.Columns = append(t.Columns,
			&ColumnDDL{Name: quoteIdent("created_at"), Type: string(schema.Time), NotNull: true},
			&ColumnDDL{Name: quoteIdent("updated_at"), Type: string(schema.Time), NotNull: true})
	}
	if e.SoftDelete {
		t.Columns = append(t.Columns, &ColumnDDL{Name: quoteIdent("deleted_at"), Type: string(schema.Time)})
	}

	// Every foreign key column is indexed, for joins, the has-many listings
	// and ON DELETE, unless an index of the schema already starts with it.
	// MySQL creates these indexes itself with the constraints; a second one
	// would be a duplicate.
	leading := make(map[string]bool)
	for _, ix := range e.Schema.Indexes {
		leading[ix.Columns[0]] = true
	}
	for _, u := range e.Fields {
		if u.Schema.Unique {
			leading[u.Name] = true
		}
	}
	for _, c := range fkColumns {
		if !leading[c] && db != string(schema.MySQL) {
			t.Indexes = append(t.Indexes, index(e.Table, false, c))
		}
	}
	for _, ix := range e.Schema.Indexes {
		t.Indexes = append(t.Indexes, index(e.Table, ix.Unique, ix.Columns...))
	}
	t.Indexes = dedupIndexes(t.Uniques, t.Indexes)
	return t, nil
}

// dedupIndexes drops indexes that repeat a unique constraint or an earlier
// index with the same name, which the databases would refuse.
func dedupIndexes(uniques, indexes []*IndexDDL) []*IndexDDL {
	seen := make(map[string]bool)
	for _, u := range uniques {
		seen[u.Name] = true
	}
	var out []*IndexDDL
	for _, ix := range indexes {
		if !seen[ix.Name] {
			seen[ix.Name] = true
			out = append(out, ix)
		}
	}
	return out
}

// joinTable builds the join table of a many-to-many relation.
func joinTable(m *ManyToManyView) *TableDDL {
	t := &TableDDL{Name: quoteIdent(m.JoinTable)}
	for _, side := range []struct {
		column string
		target *EntityView
	}{{m.OwnerColumn, m.Entity}, {m.TargetColumn, m.Target}} {
		t.Columns = append(t.Columns, &ColumnDDL{Name: quoteIdent(side.column), Type: keyType(side.target), NotNull: true})
		t.PrimaryKey = append(t.PrimaryKey, quoteIdent(side.column))
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKeyDDL{
			Name:     quoteIdent(constraintName("fk", m.JoinTable, side.column)),
			Table:    t.Name,
			Column:   quoteIdent(side.column),
			RefTable: quoteIdent(side.target.Table),
			OnDelete: "CASCADE",
		})
	}
	// The primary key serves lookups by owner; lookups by target need their
	// own index, which MySQL creates itself with the foreign key.
	if m.Entity.Project.Database != string(schema.MySQL) {
		t.Indexes = append(t.Indexes, index(m.JoinTable, false, m.TargetColumn))
	}
	return t
}

// externalIDColumn holds "issuer|subject" of users signed in through the
// external identity provider of auth.oidc.
const externalIDColumn = "external_id"

// refreshTokenTable is the table of auth's refresh tokens. Tokens are kept
// as SHA-256 hashes, never in the clear; a family is the chain of tokens
// rotated from one login, revoked together when a used token comes back.
func refreshTokenTable(users *EntityView) *TableDDL {
	const table = "refresh_tokens"
	t := &TableDDL{
		Name: quoteIdent(table),
		Columns: []*ColumnDDL{
			{Name: quoteIdent("token_hash"), Type: string(schema.String), Length: 64, NotNull: true},
			{Name: quoteIdent("family"), Type: string(schema.String), Length: 64, NotNull: true},
			{Name: quoteIdent("user_id"), Type: keyType(users), NotNull: true},
			{Name: quoteIdent("expires_at"), Type: string(schema.Time), NotNull: true},
			{Name: quoteIdent("used_at"), Type: string(schema.Time)},
			{Name: quoteIdent("created_at"), Type: string(schema.Time), NotNull: true},
		},
		PrimaryKey: []string{quoteIdent("token_hash")},
		ForeignKeys: []*ForeignKeyDDL{{
			Name:     quoteIdent(constraintName("fk", table, "user_id")),
			Table:    quoteIdent(table),
			Column:   quoteIdent("user_id"),
			RefTable: quoteIdent(users.Table),
			OnDelete: "CASCADE", // a deleted user's sessions end with them
		}},
		Indexes: []*IndexDDL{index(table, false, "family")},
	}
	// MySQL indexes the foreign key column itself.
	if users.Project.Database != string(schema.MySQL) {
		t.Indexes = append(t.Indexes, index(table, false, "user_id"))
	}
	return t
}

// keyType is the column type of e's primary key, and of keys pointing at it.
func keyType(e *EntityView) string {
	if e.UUIDKey {
		return string(schema.UUID)
	}
	return string(schema.Int)
}

// fieldColumn builds the column of a field.
func fieldColumn(db string, f *FieldView) (*ColumnDDL, error) {
	s := f.Schema
	c := &ColumnDDL{
		Name:      quoteIdent(f.Name),
		Type:      string(s.Type),
		NotNull:   s.Required,
		Precision: s.Precision,
		Scale:     s.Scale,
	}
	switch s.Type {
	case schema.String:
		c.Length = 255
		if s.MaxLength != nil {
			c.Length = *s.MaxLength
		}
	case schema.Enum:
		quoted := make([]string, len(s.Values))
		for i, v := range s.Values {
			quoted[i] = sqlString(db, v)
			c.Length = max(c.Length, utf8.RuneCountInString(v))
		}
		c.Values = strings.Join(quoted, ", ")
	}
	// Defaults are applied by the model package; the database repeats those
	// of required columns so that adding such a column later can fill the
	// existing rows.
	if s.Required && s.Default != nil {
		lit, err := sqlDefault(db, s)
		if err != nil {
			return nil, fmt.Errorf("generator: default of %s.%s: %w", f.Entity.Name, f.Name, err)
		}
		c.Default = lit
	}
	return c, nil
}

// sqlDefault renders a field's default as a literal of the dialect.
func sqlDefault(db string, f *schema.Field) (string, error) {
	switch v := f.Default.(type) {
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case bool:
		switch {
		case db == string(schema.SQLite) && v:
			return "1", nil
		case db == string(schema.SQLite):
			return "0", nil
		case v:
			return "TRUE", nil
		}
		return "FALSE", nil
	case string:
		switch f.Type {
		case schema.Decimal:
			if db == string(schema.SQLite) {
				return sqlString(db, v), nil // stored as text
			}
			return v, nil
		case schema.Time:
			lit, err := timeDefault(db, v)
			if err != nil {
				return "", err
			}
			return sqlString(db, lit), nil
		case schema.Text, schema.JSON:
			if db == string(schema.MySQL) {
				// MySQL takes defaults of TEXT and JSON columns only as
				// expressions.
				return "(" + sqlString(db, v) + ")", nil
			}
		}
		return sqlString(db, v), nil
	}
	return "", fmt.Errorf("unexpected default %v (%T)", f.Default, f.Default)
}

// timeDefault formats an RFC 3339 default the way the dialect stores times:
// SQLite as the text internal/types writes, the others as timestamps in UTC.
func timeDefault(db, s string) (string, error) {
	lit, err := timeLiteralValue(s)
	if err != nil {
		return "", err
	}
	switch db {
	case string(schema.SQLite):
		return lit.Format("2006-01-02T15:04:05.000000Z"), nil
	case string(schema.MySQL):
		return lit.Format("2006-01-02 15:04:05.000000"), nil
	}
	return lit.Format("2006-01-02 15:04:05.999999Z07:00"), nil
}

// sqlString quotes s as a SQL string literal. MySQL also treats backslashes
// as escapes unless NO_BACKSLASH_ESCAPES is set, so they are doubled there.
func sqlString(db, s string) string {
	if db == string(schema.MySQL) {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent quotes a SQL identifier with double quotes, the standard style
// that MySQL follows with ANSI_QUOTES.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// index describes an index (ix_) or unique index (ux_) on table's columns.
func index(table string, unique bool, columns ...string) *IndexDDL {
	prefix := "ix"
	if unique {
		prefix = "ux"
	}
	ix := &IndexDDL{Name: quoteIdent(constraintName(prefix, table, columns...)), Table: quoteIdent(table), Unique: unique}
	for _, c := range columns {
		ix.Columns = append(ix.Columns, quoteIdent(c))
	}
	return ix
}

// constraintName is prefix_table_columns, shortened with a hash suffix when
// it exceeds maxIdentifier so that names stay unique and deterministic.
func constraintName(prefix, table string, columns ...string) string {
	name := prefix + "_" + table + "_" + strings.Join(columns, "_")
	if len(name) <= maxIdentifier {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "_" + hex.EncodeToString(sum[:4])
	cut := maxIdentifier - len(suffix)
	for !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + suffix
}

// timeLiteralValue parses an RFC 3339 default into UTC.
func timeLiteralValue(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
