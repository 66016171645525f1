package generator

import (
	"fmt"
	"go/token"
	"strings"

	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/schema"
)

// This file holds the view-model methods behind internal/store: SQL text,
// column lists and the Go expressions that bind and scan each column. SQL
// identifiers are always double-quoted, which SQLite, PostgreSQL and MySQL
// (run with ANSI_QUOTES) all read as identifiers, so reserved words such as
// "order" or "select" are safe names.

// QuoteIdent double-quotes an SQL identifier, doubling embedded quotes.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// StoreColumn is one column of an entity's table as the store uses it.
type StoreColumn struct {
	Name   string // column name, unquoted (also the JSON name)
	Quoted string // column name, quoted
	// Field is the Go struct field, e.g. Price or CategoryID.
	Field string
	// Time columns go through adapters on databases that store time as text.
	Time     bool
	Nullable bool
}

// Arg is the Go expression binding the column's value of the struct
// variable v.
func (c StoreColumn) Arg(db, v string) string {
	x := v + "." + c.Field
	if !c.Time || db != string(schema.SQLite) {
		return x
	}
	if c.Nullable {
		return "nullTime(" + x + ")"
	}
	return "types.TimeValue(" + x + ")"
}

// Scan is the Go expression scanning the column into the struct variable v
// (a value, not a pointer). Times go through the adapters of package types
// in every dialect, which also put times read from PostgreSQL in UTC.
func (c StoreColumn) Scan(v string) string {
	x := "&" + v + "." + c.Field
	if !c.Time {
		return x
	}
	if c.Nullable {
		return "types.ScanNullTime(" + x + ")"
	}
	return "types.ScanTime(" + x + ")"
}

// Q is the quoted table name.
func (e *EntityView) Q() string { return QuoteIdent(e.Table) }

// ItemVar is the Go variable holding one row in store and handler code: the
// entity's camel name unless that is a keyword or a name those files use.
func (e *EntityView) ItemVar() string {
	switch v := e.VarName; {
	case token.IsKeyword(v), reservedVars[v]:
		return v + "Item"
	default:
		return v
	}
}

// reservedVars are identifiers the store and api templates use themselves.
var reservedVars = map[string]bool{
	"ctx": true, "err": true, "s": true, "h": true, "w": true, "r": true, "db": true,
	"args": true, "rows": true, "row": true, "id": true, "p": true, "params": true,
	"items": true, "obj": true, "errs": true, "current": true, "where": true,
	"model": true, "store": true, "query": true, "types": true, "sql": true,
	"time": true, "errors": true, "httpx": true, "http": true, "context": true,
	"json": true, "strconv": true, "slog": true, "total": true, "more": true,
	"now": true, "ok": true, "list": true, "count": true, "exists": true,
}

// StoreName is the Go type of the entity's store, e.g. ProductStore.
func (e *EntityView) StoreName() string { return e.Name + "Store" }

// SpecName is the query spec variable of the entity, e.g. ProductSpec.
func (e *EntityView) SpecName() string { return e.Name + "Spec" }

// WritableColumns are the columns written by Create and Update, in
// order: the fields, then the foreign keys.
func (e *EntityView) WritableColumns() []StoreColumn {
	var cols []StoreColumn
	for _, f := range e.Fields {
		cols = append(cols, StoreColumn{
			Name: f.Name, Quoted: QuoteIdent(f.Name), Field: f.GoName,
			Time: f.Schema.Type == schema.Time, Nullable: f.Nullable,
		})
	}
	for _, b := range e.BelongsTo {
		cols = append(cols, StoreColumn{Name: b.Column, Quoted: QuoteIdent(b.Column), Field: b.GoName, Nullable: b.Nullable})
	}
	if e.Schema.System {
		cols = append(cols, StoreColumn{Name: "password_hash", Quoted: QuoteIdent("password_hash"), Field: "PasswordHash"})
		if e.Project.Auth != nil && e.Project.Auth.OIDC != nil {
			cols = append(cols, StoreColumn{Name: externalIDColumn, Quoted: QuoteIdent(externalIDColumn), Field: "ExternalID", Nullable: true})
		}
	}
	return cols
}

// ownerColumns is the owner_id column of an owned entity: written on
// create, never on update.
func (e *EntityView) ownerColumns() []StoreColumn {
	if e.Owner() == nil {
		return nil
	}
	return []StoreColumn{{Name: "owner_id", Quoted: QuoteIdent("owner_id"), Field: "OwnerID"}}
}

func (e *EntityView) timestampColumns() []StoreColumn {
	if !e.Timestamps {
		return nil
	}
	return []StoreColumn{
		{Name: "created_at", Quoted: QuoteIdent("created_at"), Field: "CreatedAt", Time: true},
		{Name: "updated_at", Quoted: QuoteIdent("updated_at"), Field: "UpdatedAt", Time: true},
	}
}

func (e *EntityView) idColumn() StoreColumn {
	return StoreColumn{Name: "id", Quoted: QuoteIdent("id"), Field: "ID"}
}

// SelectColumns are the columns read back into the struct, in scan order.
func (e *EntityView) SelectColumns() []StoreColumn {
	cols := append([]StoreColumn{e.idColumn()}, e.WritableColumns()...)
	cols = append(cols, e.ownerColumns()...)
	return append(cols, e.timestampColumns()...)
}

// InsertColumns are the columns of the INSERT, in bind order: the UUID key
// (generated by the server), the writable columns, the timestamps.
func (e *EntityView) InsertColumns() []StoreColumn {
	var cols []StoreColumn
	if e.UUIDKey {
		cols = append(cols, e.idColumn())
	}
	cols = append(cols, e.WritableColumns()...)
	cols = append(cols, e.ownerColumns()...)
	return append(cols, e.timestampColumns()...)
}

// UpdateColumns are the columns set by UPDATE, in bind order.
func (e *EntityView) UpdateColumns() []StoreColumn {
	cols := e.WritableColumns()
	if e.Timestamps {
		cols = append(cols, e.timestampColumns()[1])
	}
	return cols
}

// ColumnList joins the quoted names of cols.
func ColumnList(cols []StoreColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Quoted
	}
	return strings.Join(names, ", ")
}

// placeholder is the n-th (1-based) bind parameter in the dialect.
func (e *EntityView) placeholder(n int) string {
	if e.Project.Database == string(schema.Postgres) {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// Placeholders returns n bind parameters from the first, comma-separated.
func (e *EntityView) Placeholders(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = e.placeholder(i + 1)
	}
	return strings.Join(ps, ", ")
}

// SetList is the SET clause of UPDATE: "col" = ?, ...
func (e *EntityView) SetList() string {
	cols := e.UpdateColumns()
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Quoted + " = " + e.placeholder(i+1)
	}
	return strings.Join(parts, ", ")
}

// UpdateWhere is the WHERE clause of UPDATE: the key, the version
// (updated_at, so a concurrent change is detected) and visibility.
func (e *EntityView) UpdateWhere() string {
	n := len(e.UpdateColumns())
	w := `"id" = ` + e.placeholder(n+1)
	if e.Timestamps {
		w += ` AND "updated_at" = ` + e.placeholder(n+2)
	}
	return w + e.VisibleAnd()
}

// VisibleAnd is the condition hiding soft-deleted rows, prefixed by AND, or "".
func (e *EntityView) VisibleAnd() string {
	if e.SoftDelete {
		return ` AND "deleted_at" IS NULL`
	}
	return ""
}

// Visible is the condition hiding soft-deleted rows, or "".
func (e *EntityView) Visible() string {
	if e.SoftDelete {
		return `"deleted_at" IS NULL`
	}
	return ""
}

// SpecField is one entry of the entity's query.Spec, ready to print.
type SpecField struct {
	Name   string
	Expr   string // SQL expression, a Go raw string literal's content
	Kind   string // query.Kind constant
	Filter bool
	Sort   bool
	Values []string
}

// SpecFields lists what clients may filter and sort by: id, every field,
// the foreign keys and the timestamps.
func (e *EntityView) SpecFields() []SpecField {
	idKind := "query.Int"
	if e.UUIDKey {
		idKind = "query.UUID"
	}
	out := []SpecField{{Name: "id", Expr: QuoteIdent("id"), Kind: idKind, Filter: true, Sort: true}}
	for _, f := range e.Fields {
		expr := QuoteIdent(f.Name)
		if f.Schema.Type == schema.Decimal && e.Project.Database == string(schema.SQLite) {
			// SQLite keeps decimals as exact text; comparing and sorting
			// them needs their numeric value.
			expr = "CAST(" + expr + " AS REAL)"
		}
		out = append(out, SpecField{
			Name: f.Name, Expr: expr, Kind: f.QueryKind(),
			Filter: f.Schema.Filterable && f.Schema.Type != schema.JSON,
			Sort:   f.Schema.Sortable && f.Schema.Type != schema.JSON,
			Values: f.Schema.Values,
		})
	}
	for _, b := range e.BelongsTo {
		kind := "query.Int"
		if b.Target.UUIDKey {
			kind = "query.UUID"
		}
		out = append(out, SpecField{Name: b.Column, Expr: QuoteIdent(b.Column), Kind: kind, Filter: true, Sort: true})
	}
	if e.Timestamps {
		for _, c := range []string{"created_at", "updated_at"} {
			out = append(out, SpecField{Name: c, Expr: QuoteIdent(c), Kind: "query.Time", Filter: true, Sort: true})
		}
	}
	return out
}

// UniqueColumns are the columns with a single-column unique constraint.
func (e *EntityView) UniqueColumns() []string {
	var out []string
	for _, f := range e.Fields {
		if f.Schema.Unique {
			out = append(out, f.Name)
		}
	}
	return out
}

// ByName is the suffix of a has-many store method, e.g. "Category" in
// ListByCategory or "FromAccount" in ListByFromAccount.
func (b *BelongsToView) ByName() string { return naming.Pascal(b.Name) }

// ExistsConst is the SQL constant that checks a visible row of the entity
// exists, e.g. categoryExists.
func (e *EntityView) ExistsConst() string { return e.VarName + "Exists" }

// RestrictChildren are the has-many listings whose foreign key restricts
// deleting a row of e.
func (e *EntityView) RestrictChildren() []*HasManyView {
	var out []*HasManyView
	for _, hm := range e.HasMany {
		if hm.Via.Schema.OnDelete == schema.Restrict || hm.Via.Schema.OnDelete == "" {
			out = append(out, hm)
		}
	}
	return out
}

// StoreUsesNullTime reports whether some entity binds an optional time
// column, which on SQLite needs the nullTime helper.
func (p *ProjectView) StoreUsesNullTime() bool {
	for _, e := range p.Entities {
		for _, c := range e.WritableColumns() {
			if c.Time && c.Nullable {
				return true
			}
		}
	}
	return false
}

// StoreUsesStillReferenced reports whether some Delete can be refused
// because other rows still point at the row.
func (p *ProjectView) StoreUsesStillReferenced() bool {
	for _, e := range p.Entities {
		if !e.SoftDelete || len(e.RestrictChildren()) > 0 {
			return true
		}
	}
	return false
}

// P is the n-th (1-based) bind parameter of the dialect: ? or $n.
func (e *EntityView) P(n int) string { return e.placeholder(n) }

// SelectList is the quoted column list of SELECT.
func (e *EntityView) SelectList() string { return ColumnList(e.SelectColumns()) }

// InsertList is the quoted column list of INSERT.
func (e *EntityView) InsertList() string { return ColumnList(e.InsertColumns()) }

// InsertPlaceholders are the bind parameters of INSERT.
func (e *EntityView) InsertPlaceholders() string { return e.Placeholders(len(e.InsertColumns())) }

// argLines renders the bind expressions of cols for the variable v, one per
// line, each followed by a comma.
func (e *EntityView) argLines(cols []StoreColumn, v string) string {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString("\n\t\t" + c.Arg(e.Project.Database, v) + ",")
	}
	return b.String()
}

// InsertArgs are the bind expressions of INSERT for the variable v.
func (e *EntityView) InsertArgs(v string) string { return e.argLines(e.InsertColumns(), v) }

// UpdateArgs are the bind expressions of UPDATE for the variable v, without
// the WHERE arguments.
func (e *EntityView) UpdateArgs(v string) string { return e.argLines(e.UpdateColumns(), v) }

// ScanTargets are the Scan destinations of SELECT for the variable v.
func (e *EntityView) ScanTargets(v string) string {
	var b strings.Builder
	for _, c := range e.SelectColumns() {
		b.WriteString("\n\t\t" + c.Scan(v) + ",")
	}
	return b.String()
}

// TimeArg binds a time.Time expression in the dialect.
func (e *EntityView) TimeArg(x string) string {
	if e.Project.Database == string(schema.SQLite) {
		return "types.TimeValue(" + x + ")"
	}
	return x
}

// VisibleConds is the Go expression of the extra list conditions hiding
// soft-deleted rows: a []string literal, or nil.
func (e *EntityView) VisibleConds(more ...string) string {
	conds := append([]string(nil), more...)
	if e.SoftDelete {
		conds = append(conds, e.Visible())
	}
	if len(conds) == 0 {
		return "nil"
	}
	for i, c := range conds {
		conds[i] = "`" + c + "`"
	}
	return "[]string{" + strings.Join(conds, ", ") + "}"
}

// RestrictNames names the rows that may block a delete, for the conflict
// message: "products" or "products or transfers".
func (e *EntityView) RestrictNames() string {
	var names []string
	for _, hm := range e.RestrictChildren() {
		name := strings.ReplaceAll(hm.Child.Plural, "_", " ")
		if !contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, " or ")
}

// ParamName is the Go parameter holding a parent key, e.g. categoryID.
func (b *BelongsToView) ParamName() string {
	name := naming.Camel(b.Column)
	if token.IsKeyword(name) || reservedVars[name] {
		return name + "Key"
	}
	return name
}

// Article is the relation target with an indefinite article, for messages:
// "a category", "an account".
func (b *BelongsToView) Article() string {
	name := strings.ReplaceAll(naming.Snake(b.Target.Name), "_", " ")
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// StoreImportsTypes reports whether the entity's store file uses package types.
func (e *EntityView) StoreImportsTypes() bool {
	if e.UUIDKey {
		return true
	}
	for _, b := range e.BelongsTo {
		if b.Target.UUIDKey {
			return true
		}
	}
	for _, m := range e.ManyToMany {
		if m.Target.UUIDKey {
			return true
		}
	}
	// Times are scanned through types in every dialect; SQLite also binds
	// them through it, including the deletion time of a soft delete.
	if e.Timestamps || (e.SoftDelete && e.Project.Database == string(schema.SQLite)) {
		return true
	}
	for _, c := range e.WritableColumns() {
		if c.Time {
			return true
		}
	}
	return false
}

// LinkConst is the SQL constant linking two rows, e.g. productTagsLink.
func (m *ManyToManyView) LinkConst() string { return m.Entity.VarName + m.GoName + "Link" }

// UnlinkConst is the SQL constant unlinking two rows.
func (m *ManyToManyView) UnlinkConst() string { return m.Entity.VarName + m.GoName + "Unlink" }

// InCond is the list condition selecting the targets linked to one owner.
func (m *ManyToManyView) InCond() string {
	return `"id" IN (SELECT ` + QuoteIdent(m.TargetColumn) + ` FROM ` + QuoteIdent(m.JoinTable) +
		` WHERE ` + QuoteIdent(m.OwnerColumn) + ` = ` + m.Entity.placeholder(1) + `)`
}

// Q is the quoted join table.
func (m *ManyToManyView) Q() string { return QuoteIdent(m.JoinTable) }

// QOwner and QTarget are the quoted join table columns.
func (m *ManyToManyView) QOwner() string { return QuoteIdent(m.OwnerColumn) }

// QTarget is the quoted join table column pointing at the target.
func (m *ManyToManyView) QTarget() string { return QuoteIdent(m.TargetColumn) }

// EqCond is the condition selecting the rows of one parent: "category_id" = ?.
func (b *BelongsToView) EqCond() string {
	return QuoteIdent(b.Column) + " = " + b.Entity.placeholder(1)
}

// InsertReturning reports whether the INSERT reads the generated key back
// with RETURNING. MySQL has no RETURNING: its store asks the driver for
// LastInsertId instead. UUID keys are generated by the server.
func (e *EntityView) InsertReturning() bool {
	return !e.UUIDKey && e.Project.Database != string(schema.MySQL)
}

// OnConflictIgnore ends the INSERT of a link so that linking twice changes
// nothing. MySQL's no-op update keeps foreign key errors, which INSERT
// IGNORE would turn into warnings.
func (m *ManyToManyView) OnConflictIgnore() string {
	if m.Entity.Project.Database == string(schema.MySQL) {
		return "ON DUPLICATE KEY UPDATE " + QuoteIdent(m.OwnerColumn) + " = " + QuoteIdent(m.OwnerColumn)
	}
	return "ON CONFLICT DO NOTHING"
}

// UniqueConstraint is a unique constraint or index and its columns, which
// are also the JSON names of the fields.
type UniqueConstraint struct {
	Name    string // unquoted, as the database reports it
	Columns []string
}

// UniqueConstraints lists every unique constraint of the schema, named as
// in the initial migration, for the databases whose errors name only the
// constraint.
func (p *ProjectView) UniqueConstraints() []UniqueConstraint {
	var out []UniqueConstraint
	seen := make(map[string]bool)
	add := func(table string, columns []string) {
		name := constraintName("ux", table, columns...)
		if !seen[name] {
			seen[name] = true
			out = append(out, UniqueConstraint{Name: name, Columns: columns})
		}
	}
	for _, e := range p.Entities {
		for _, f := range e.Fields {
			if f.Schema.Unique {
				add(e.Table, []string{f.Name})
			}
		}
		for _, ix := range e.Schema.Indexes {
			if ix.Unique {
				add(e.Table, ix.Columns)
			}
		}
	}
	return out
}

// OwnerAnd is the condition limiting a statement to one owner's rows, bound
// to the n-th parameter and prefixed by AND.
func (e *EntityView) OwnerAnd(n int) string {
	return ` AND "owner_id" = ` + e.placeholder(n)
}

// UpdateOwnerAnd is OwnerAnd for the UPDATE statement, whose owner comes
// after the set values, the key and the version.
func (e *EntityView) UpdateOwnerAnd() string {
	n := len(e.UpdateColumns()) + 2
	if e.Timestamps {
		n++
	}
	return e.OwnerAnd(n)
}

// DeleteOwnerAnd is OwnerAnd for the DELETE statement (an UPDATE setting
// deleted_at, with soft delete).
func (e *EntityView) DeleteOwnerAnd() string {
	if e.SoftDelete {
		return e.OwnerAnd(3)
	}
	return e.OwnerAnd(2)
}

// StoreUsesInsertReturning reports whether some entity reads the key of a
// new row with INSERT ... RETURNING, so the store package needs
// insertReturning.
func (p *ProjectView) StoreUsesInsertReturning() bool {
	for _, e := range p.Entities {
		if e.InsertReturning() {
			return true
		}
	}
	return false
}

// StoreUsesOwners reports whether some entity is owned, so the store
// package needs ownerCond.
func (p *ProjectView) StoreUsesOwners() bool {
	for _, e := range p.Entities {
		if e.Owner() != nil {
			return true
		}
	}
	return false
}
