package generator

import (
	"fmt"
	"slices"
)

// PostgreSQL alters tables in place, inside the transaction goose opens for
// the file. Constraints and indexes are compared by name and definition;
// one that differs is dropped and created again, which also follows the
// renames of the tables and columns in their names. The statements run in
// an order where every reference holds: foreign keys are dropped first and
// added last, so tables can be dropped, renamed and created freely between.

// pgTable is the state of a paired table the planner works through.
type pgTable struct {
	*pairing
	prev map[string]*ColumnDDL // columns of the previous version, by name
}

func planPostgres(from, to *DDLView, ren *renames, defaults columnDefaults, strict, allowLossy bool) (*migrationPlan, error) {
	pairs, added, dropped := pairTables(from, to, ren)
	p := &migrationPlan{}
	ref := &refusal{}
	var (
		dropFKs, dropConstraints, dropTables, renames, columns []string
		creates, addConstraints, addFKs                        []string
	)
	for _, t := range dropped {
		p.change("drop_"+unquote(t.Name), "drop table %s", unquote(t.Name))
		for _, name := range sortedKeys(pgForeignKeys(from, t)) {
			dropFKs = append(dropFKs, "ALTER TABLE "+t.Name+" DROP CONSTRAINT "+name+";")
		}
		dropTables = append(dropTables, "DROP TABLE "+t.Name+";")
	}
	for _, t := range added {
		p.change("add_"+unquote(t.Name), "create table %s", unquote(t.Name))
		sql, indexes, err := createAddedTable(t)
		if err != nil {
			return nil, err
		}
		creates = append(creates, sql)
		addConstraints = append(addConstraints, indexes...)
		want := pgForeignKeys(to, t)
		for _, name := range sortedKeys(want) {
			addFKs = append(addFKs, "ALTER TABLE "+t.Name+" ADD CONSTRAINT "+name+" "+want[name]+";")
		}
	}
	for _, pr := range pairs {
		t := &pgTable{pairing: pr, prev: map[string]*ColumnDDL{}}
		for _, c := range pr.from.Columns {
			t.prev[c.Name] = c
		}
		table := unquote(pr.to.Name)
		slug := "alter_" + table
		if pr.from.Name != pr.to.Name {
			slug = "rename_" + unquote(pr.from.Name)
			p.change(slug, "rename table %s to %s", unquote(pr.from.Name), table)
			renames = append(renames, "ALTER TABLE "+pr.from.Name+" RENAME TO "+pr.to.Name+";")
			// Names PostgreSQL derived from the table name follow it, as
			// a fresh table of the new name has them.
			renames = append(renames, fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s;",
				pr.to.Name, quoteIdent(unquote(pr.from.Name)+"_pkey"), quoteIdent(table+"_pkey")))
			if len(pr.to.PrimaryKey) == 0 && pr.to.Columns[0].Type == "int" {
				renames = append(renames, fmt.Sprintf("ALTER SEQUENCE %s RENAME TO %s;",
					quoteIdent(unquote(pr.from.Name)+"_id_seq"), quoteIdent(table+"_id_seq")))
			}
		}
		// Foreign keys.
		have, want := pgForeignKeys(from, pr.from), pgForeignKeys(to, pr.to)
		for _, name := range sortedKeys(have) {
			if want[name] != have[name] || pr.from.Name != pr.to.Name {
				dropFKs = append(dropFKs, "ALTER TABLE "+pr.from.Name+" DROP CONSTRAINT "+name+";")
				if _, kept := want[name]; kept {
					p.change(slug, "%s: change foreign key %s", table, unquote(name))
				}
			}
		}
		for _, name := range sortedKeys(want) {
			if have[name] != want[name] || pr.from.Name != pr.to.Name {
				addFKs = append(addFKs, "ALTER TABLE "+pr.to.Name+" ADD CONSTRAINT "+name+" "+want[name]+";")
				if _, had := have[name]; !had {
					p.change(slug, "%s: add foreign key %s", table, unquote(name))
				}
			}
		}
		// Unique constraints and indexes.
		haveU, wantU := pgUniques(pr.from), pgUniques(pr.to)
		for _, name := range sortedKeys(haveU) {
			if wantU[name] != haveU[name] {
				p.change(slug, "%s: drop unique constraint %s", table, unquote(name))
				dropConstraints = append(dropConstraints, "ALTER TABLE "+pr.from.Name+" DROP CONSTRAINT "+name+";")
			}
		}
		for _, name := range sortedKeys(wantU) {
			if wantU[name] != haveU[name] {
				p.change(slug, "%s: add unique constraint %s", table, unquote(name))
				addConstraints = append(addConstraints, "ALTER TABLE "+pr.to.Name+" ADD CONSTRAINT "+name+" "+wantU[name]+";")
			}
		}
		drops, adds := indexChanges(pr.from.Indexes, pr.to.Indexes)
		for _, ix := range drops {
			p.change(slug, "%s: drop index %s", table, unquote(ix.Name))
			dropConstraints = append(dropConstraints, "DROP INDEX "+ix.Name+";")
		}
		for _, ix := range adds {
			p.change(slug, "%s: create index %s", table, unquote(ix.Name))
			addConstraints = append(addConstraints, createIndex(ix))
		}
		// Checks: PostgreSQL names a column's check <table>_<column>_check.
		for _, c := range pr.from.Columns {
			nu := newName(pr, c.Name)
			if c.Values == "" {
				continue
			}
			if nc := columnByName(pr.to, nu); nc == nil || nc.Values != c.Values || nu != c.Name || pr.from.Name != pr.to.Name {
				dropConstraints = append(dropConstraints, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;",
					pr.from.Name, quoteIdent(unquote(pr.from.Name)+"_"+unquote(c.Name)+"_check")))
			}
		}
		stmts, checks, err := alterColumnsPostgres(p, ref, t, slug, defaults[pr.to.Name], strict, allowLossy)
		if err != nil {
			return nil, err
		}
		columns = append(columns, stmts...)
		addConstraints = append(addConstraints, checks...)
	}
	if err := ref.err(); err != nil {
		return nil, err
	}
	p.statements = slices.Concat(dropFKs, dropConstraints, dropTables, renames, columns, creates, addConstraints, addFKs)
	return p, nil
}

// alterColumnsPostgres renames, drops, adds and changes the columns of a
// paired table (already under its new name). It returns the statements and
// the checks to add once the values fit them.
func alterColumnsPostgres(p *migrationPlan, ref *refusal, t *pgTable, slug string, defaults map[string]string, strict, allowLossy bool) (stmts, checks []string, err error) {
	table := unquote(t.to.Name)
	alter := func(format string, args ...any) {
		stmts = append(stmts, "ALTER TABLE "+t.to.Name+" "+fmt.Sprintf(format, args...)+";")
	}
	kept := map[string]bool{}
	for _, c := range t.to.Columns {
		if old, ok := t.columns[c.Name]; ok {
			kept[old] = true
			if old != c.Name {
				p.change(slug, "%s: rename column %s to %s", table, unquote(old), unquote(c.Name))
				alter("RENAME COLUMN %s TO %s", old, c.Name)
			}
		}
	}
	for _, c := range t.from.Columns {
		if !kept[c.Name] {
			p.change(slug, "%s: drop column %s", table, unquote(c.Name))
			alter("DROP COLUMN %s", c.Name)
		}
	}
	for _, c := range t.to.Columns {
		at := table + "." + unquote(c.Name)
		old, existed := t.columns[c.Name]
		if !existed {
			p.change(slug, "%s: add column %s", table, unquote(c.Name))
			def, err := renderPartial("ddl/column", c)
			if err != nil {
				return nil, nil, err
			}
			addColumn(alter, ref, at, def, c, isForeignKey(t.to, c.Name), strict)
			continue
		}
		oc := t.prev[old]
		if sameColumn(oc, c) {
			if c.Values != "" && (old != c.Name || t.from.Name != t.to.Name) {
				checks = append(checks, pgCheck(t.to, c))
			}
			continue
		}
		p.change(slug, "%s: change column %s", table, unquote(c.Name))
		conv, lossy, problem := pgConvert(oc, c, defaults[c.Name])
		if problem != "" {
			ref.problems = append(ref.problems, at+": "+problem)
			continue
		}
		if lossy != "" && strict && !allowLossy {
			ref.lossy = append(ref.lossy, at+": "+lossy)
		}
		if conv.update != "" {
			stmts = append(stmts, fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s;", t.to.Name, c.Name, conv.update, conv.where))
		}
		if conv.using != "" {
			typ, err := renderPartial("ddl/type", c)
			if err != nil {
				return nil, nil, err
			}
			alter("ALTER COLUMN %s TYPE %s USING %s", c.Name, typ, conv.using)
		}
		if oc.Default != c.Default {
			if c.Default == "" {
				alter("ALTER COLUMN %s DROP DEFAULT", c.Name)
			} else {
				alter("ALTER COLUMN %s SET DEFAULT %s", c.Name, c.Default)
			}
		}
		switch {
		case c.NotNull && !oc.NotNull:
			fill := c.Default
			if fill == "" && strict {
				ref.problems = append(ref.problems, at+": becomes required, but has no default to fill the rows where it is empty; add default:, or fill those rows first")
				continue
			}
			if fill == "" {
				fill = zeroValue(c)
			}
			stmts = append(stmts, fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s IS NULL;", t.to.Name, c.Name, fill, c.Name))
			alter("ALTER COLUMN %s SET NOT NULL", c.Name)
		case !c.NotNull && oc.NotNull:
			alter("ALTER COLUMN %s DROP NOT NULL", c.Name)
		}
		if c.Values != "" && (c.Values != oc.Values || old != c.Name || t.from.Name != t.to.Name) {
			checks = append(checks, pgCheck(t.to, c))
		}
	}
	return stmts, checks, nil
}

// pgConversion is how the values of a column change: an UPDATE before the
// type changes (values outside a new enum), and the USING expression.
type pgConversion struct {
	update, where string
	using         string
}

// pgConvert plans the conversion of a column's values; the classification
// of what is safe, lossy or impossible is the one of sqliteConvert.
func pgConvert(oc, nc *ColumnDDL, def string) (conv pgConversion, lossy, problem string) {
	_, lossy, problem = sqliteConvert(oc, nc, def)
	if problem != "" {
		return conv, "", problem
	}
	src := nc.Name // the column is already renamed
	sameSQL := func() bool {
		a, b := *oc, *nc
		a.Name, a.Values, a.NotNull, a.Default = "", "", false, ""
		b.Name, b.Values, b.NotNull, b.Default = "", "", false, ""
		if a.Type == "enum" {
			a.Type = "string"
		}
		if b.Type == "enum" {
			b.Type = "string"
		}
		return a == b
	}
	if nc.Type == "enum" && (oc.Type != "enum" || !isSubset(enumValues(oc), enumValues(nc))) {
		fill := def
		if fill == "" {
			fill = "NULL"
		}
		conv.update, conv.where = fill, fmt.Sprintf("%s NOT IN (%s)", src, nc.Values)
	}
	if sameSQL() {
		return conv, lossy, ""
	}
	switch o, n := oc.Type, nc.Type; {
	case (n == "string" || n == "enum") && nc.Length < max(oc.Length, 1) || o == "text" && (n == "string" || n == "enum"):
		conv.using = fmt.Sprintf("left(%s, %d)", src, nc.Length)
	case (o == "float" || o == "decimal") && n == "int":
		conv.using = "trunc(" + src + ")::bigint"
	case o == "bool" && n == "int":
		conv.using = src + "::integer::bigint"
	case o == "int" && n == "bool":
		conv.using = src + " <> 0"
	default:
		typ, err := renderPartial("ddl/type", nc)
		if err != nil {
			return conv, "", err.Error()
		}
		conv.using = src + "::" + typ
	}
	return conv, lossy, ""
}

// pgCheck adds the check of an enum column under PostgreSQL's own name for
// it, the one a fresh table gets.
func pgCheck(t *TableDDL, c *ColumnDDL) string {
	name := quoteIdent(unquote(t.Name) + "_" + unquote(c.Name) + "_check")
	return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IN (%s));", t.Name, name, c.Name, c.Values)
}

func pgForeignKey(fk *ForeignKeyDDL) string {
	return fmt.Sprintf(`FOREIGN KEY (%s) REFERENCES %s ("id") ON DELETE %s`, fk.Column, fk.RefTable, fk.OnDelete)
}

func pgUniques(t *TableDDL) map[string]string {
	out := map[string]string{}
	for _, u := range t.Uniques {
		out[u.Name] = "UNIQUE (" + u.ColumnList() + ")"
	}
	return out
}

// newName returns the name in the next version of a column of the
// previous one, or "" when it is dropped.
func newName(pr *pairing, old string) string {
	for nu, o := range pr.columns {
		if o == old {
			return nu
		}
	}
	return ""
}

func columnByName(t *TableDDL, name string) *ColumnDDL {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// isSubset reports whether every value of a is in b.
func isSubset(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

// pgForeignKeys maps the name of every foreign key of t in d, deferred ones
// included, to its declaration.
func pgForeignKeys(d *DDLView, t *TableDDL) map[string]string {
	out := map[string]string{}
	for _, fk := range foreignKeysOf(d, t) {
		out[fk.Name] = pgForeignKey(fk)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
