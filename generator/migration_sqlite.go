package generator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// SQLite alters little in place: a table whose columns, keys or checks
// change is rebuilt, the procedure of https://sqlite.org/lang_altertable.html
// (section 7): create the new table under a temporary name, copy the rows,
// drop the old table, rename the new one, create its indexes. It runs with
// foreign keys off, or dropping a parent table would cascade to (or be
// refused by) its children; SQLite cannot switch them inside a transaction,
// so the migration file opens its own.

// sqliteTempPrefix names tables under construction. Schema names are
// snake_case and never start with an underscore.
const sqliteTempPrefix = "_new_"

func planSQLite(from, to *DDLView, ren *renames, defaults columnDefaults, strict, allowLossy bool) (*migrationPlan, error) {
	pairs, added, dropped := pairTables(from, to, ren)
	p := &migrationPlan{}
	ref := &refusal{}
	var dropIndexes, dropTables, creates, rebuilds, createIndexes []string

	for _, t := range dropped {
		p.change("drop_"+unquote(t.Name), "drop table %s", unquote(t.Name))
		dropTables = append(dropTables, "DROP TABLE "+t.Name+";")
	}
	for _, t := range added {
		sql, err := renderPartial("ddl/create-table", t)
		if err != nil {
			return nil, err
		}
		p.change("add_"+unquote(t.Name), "create table %s", unquote(t.Name))
		creates = append(creates, sql)
	}
	for _, pr := range pairs {
		changed, err := tableChanged(pr)
		if err != nil {
			return nil, err
		}
		if !changed {
			drops, adds := indexChanges(pr.from.Indexes, pr.to.Indexes)
			for _, ix := range drops {
				p.change("alter_"+unquote(pr.to.Name), "%s: drop index %s", unquote(pr.to.Name), unquote(ix.Name))
				dropIndexes = append(dropIndexes, "DROP INDEX "+ix.Name+";")
			}
			for _, ix := range adds {
				p.change("alter_"+unquote(pr.to.Name), "%s: create index %s", unquote(pr.to.Name), unquote(ix.Name))
				createIndexes = append(createIndexes, createIndex(ix))
			}
			continue
		}
		stmts, err := rebuildSQLite(p, ref, pr, defaults[pr.to.Name], strict, allowLossy)
		if err != nil {
			return nil, err
		}
		rebuilds = append(rebuilds, stmts...)
	}
	if err := ref.err(); err != nil {
		return nil, err
	}
	p.statements = slices.Concat(dropIndexes, dropTables, creates, rebuilds, createIndexes)
	return p, nil
}

// tableChanged reports whether the declaration of a table (its name,
// columns and constraints, not its indexes) differs between two versions,
// or the values of a column need converting.
func tableChanged(pr *pairing) (bool, error) {
	if pr.from.Name != pr.to.Name {
		return true, nil
	}
	prev := map[string]*ColumnDDL{}
	for _, c := range pr.from.Columns {
		prev[c.Name] = c
	}
	for _, c := range pr.to.Columns {
		if old := pr.columns[c.Name]; old != c.Name || !sameColumn(prev[old], c) {
			return true, nil
		}
	}
	a, err := renderPartial("ddl/create-table", withoutIndexes(pr.from))
	if err != nil {
		return false, err
	}
	b, err := renderPartial("ddl/create-table", withoutIndexes(pr.to))
	if err != nil {
		return false, err
	}
	return a != b, nil
}

func withoutIndexes(t *TableDDL) *TableDDL {
	c := *t
	c.Indexes = nil
	return &c
}

// indexChanges returns the indexes to drop and to create.
func indexChanges(from, to []*IndexDDL) (drops, adds []*IndexDDL) {
	key := func(ix *IndexDDL) string { return createIndex(ix) }
	have := map[string]bool{}
	for _, ix := range from {
		have[key(ix)] = true
	}
	want := map[string]bool{}
	for _, ix := range to {
		want[key(ix)] = true
		if !have[key(ix)] {
			adds = append(adds, ix)
		}
	}
	for _, ix := range from {
		if !want[key(ix)] {
			drops = append(drops, ix)
		}
	}
	return drops, adds
}

func createIndex(ix *IndexDDL) string {
	unique := ""
	if ix.Unique {
		unique = "UNIQUE "
	}
	return "CREATE " + unique + "INDEX " + ix.Name + " ON " + ix.Table + " (" + ix.ColumnList() + ");"
}

// rebuildSQLite plans the rebuild of one table, describing each change.
func rebuildSQLite(p *migrationPlan, ref *refusal, pr *pairing, defaults map[string]string, strict, allowLossy bool) ([]string, error) {
	table := unquote(pr.to.Name)
	slug := "alter_" + table
	if pr.from.Name != pr.to.Name {
		slug = "rename_" + unquote(pr.from.Name)
		p.change(slug, "rename table %s to %s", unquote(pr.from.Name), table)
	}
	prev := map[string]*ColumnDDL{}
	for _, c := range pr.from.Columns {
		prev[c.Name] = c
	}
	kept := map[string]bool{}
	var cols, exprs []string
	for _, c := range pr.to.Columns {
		at := table + "." + unquote(c.Name)
		old, existed := pr.columns[c.Name]
		if !existed {
			p.change(slug, "%s: add column %s", table, unquote(c.Name))
			switch {
			case !c.NotNull || c.Default != "":
				// NULL or the column's default fills the existing rows.
			case strict && isForeignKey(pr.to, c.Name):
				ref.problems = append(ref.problems, fmt.Sprintf("%s: a new required relation has no value for the existing rows; "+
					"add it as optional, fill it, then make it required", at))
			case strict:
				ref.problems = append(ref.problems, fmt.Sprintf("%s: a new required field needs a default to fill the existing rows; "+
					"add default:, or add it as optional, fill it, then make it required", at))
			default:
				cols, exprs = append(cols, c.Name), append(exprs, zeroValue(c))
			}
			continue
		}
		kept[old] = true
		oc := prev[old]
		if old != c.Name {
			p.change(slug, "%s: rename column %s to %s", table, unquote(old), unquote(c.Name))
		}
		expr, lossy, problem := sqliteConvert(oc, c, defaults[c.Name])
		if problem != "" {
			ref.problems = append(ref.problems, at+": "+problem)
			continue
		}
		if lossy != "" {
			if strict && !allowLossy {
				ref.lossy = append(ref.lossy, at+": "+lossy)
			}
		}
		if c.NotNull && !oc.NotNull {
			fill := c.Default
			if fill == "" && strict {
				ref.problems = append(ref.problems, fmt.Sprintf("%s: becomes required, but has no default to fill the rows where it is empty; "+
					"add default:, or fill those rows first", at))
				continue
			}
			if fill == "" {
				fill = zeroValue(c)
			}
			expr = "COALESCE(" + expr + ", " + fill + ")"
		}
		if !sameColumn(oc, c) {
			p.change(slug, "%s: change column %s", table, unquote(c.Name))
		}
		cols, exprs = append(cols, c.Name), append(exprs, expr)
	}
	for _, c := range pr.from.Columns {
		if !kept[c.Name] {
			p.change(slug, "%s: drop column %s", table, unquote(c.Name))
		}
	}
	fromDecl, err := renderPartial("ddl/create-table", withoutIndexes(pr.from))
	if err != nil {
		return nil, err
	}
	temp := withoutIndexes(pr.to)
	temp.Name = quoteIdent(sqliteTempPrefix + table)
	toDecl, err := renderPartial("ddl/create-table", temp)
	if err != nil {
		return nil, err
	}
	if constraintsOf(fromDecl) != constraintsOf(strings.Replace(toDecl, temp.Name, pr.to.Name, 1)) {
		p.change(slug, "%s: change keys or unique constraints", table)
	}
	stmts := []string{toDecl}
	if len(cols) > 0 {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO %s (%s)\n    SELECT %s FROM %s;",
			temp.Name, strings.Join(cols, ", "), strings.Join(exprs, ", "), pr.from.Name))
	}
	stmts = append(stmts,
		"DROP TABLE "+pr.from.Name+";",
		"ALTER TABLE "+temp.Name+" RENAME TO "+pr.to.Name+";")
	for _, ix := range pr.to.Indexes {
		stmts = append(stmts, createIndex(ix))
	}
	return stmts, nil
}

// constraintsOf returns the constraint lines of a CREATE TABLE statement.
func constraintsOf(decl string) string {
	var out []string
	for _, line := range strings.Split(decl, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "CONSTRAINT") || strings.HasPrefix(t, "PRIMARY KEY") {
			out = append(out, strings.TrimSuffix(t, ","))
		}
	}
	return strings.Join(out, "\n")
}

// sameColumn reports whether two columns hold the same kind of values,
// names aside. It compares the schema types rather than the SQL: SQLite
// stores a string(80), a text and a decimal(10,2) alike, but the values of
// one do not all fit the others.
func sameColumn(a, b *ColumnDDL) bool {
	x := *a
	x.Name = b.Name
	return x == *b
}

func isForeignKey(t *TableDDL, col string) bool {
	for _, fk := range t.ForeignKeys {
		if fk.Column == col {
			return true
		}
	}
	return false
}

// enumValues returns the values of an enum column.
func enumValues(c *ColumnDDL) []string {
	var out []string
	for _, v := range strings.Split(c.Values, ", ") {
		out = append(out, strings.ReplaceAll(strings.Trim(v, "'"), "''", "'"))
	}
	return out
}

// sqliteConvert returns the expression that reads the old column as the new
// one, what the conversion loses (or ""), and why it is impossible (or "").
// def is the SQL literal of the new field's default, or "".
func sqliteConvert(oc, nc *ColumnDDL, def string) (expr, lossy, problem string) {
	src := oc.Name
	decimal := func(scale int) string {
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE printf('%%.%df', %s) END", src, scale, src)
	}
	toEnum := func() (string, string) {
		var gone []string
		for _, v := range values(oc) {
			if !slices.Contains(enumValues(nc), v) {
				gone = append(gone, v)
			}
		}
		if oc.Type == "enum" && len(gone) == 0 {
			return src, ""
		}
		fill := def
		switch {
		case fill != "":
		case !nc.NotNull:
			fill = "NULL"
		default:
			return "", "has no default to replace values that are no longer allowed; add default:"
		}
		what := "values outside " + nc.Values
		if oc.Type == "enum" {
			what = "the removed values " + strings.Join(gone, ", ")
		}
		lossy = "rows holding " + what + " become " + fill
		return fmt.Sprintf("CASE WHEN %s IS NULL OR %s IN (%s) THEN %s ELSE %s END", src, src, nc.Values, src, fill), ""
	}
	switch o, n := oc.Type, nc.Type; {
	case o == "enum" || n == "enum":
		if n != "enum" {
			if n == "string" && nc.Length < oc.Length {
				return fmt.Sprintf("substr(%s, 1, %d)", src, nc.Length), "values longer than " + strconv.Itoa(nc.Length) + " characters are cut", ""
			}
			if n == "string" || n == "text" {
				return src, "", ""
			}
			break
		}
		if o != "enum" && o != "string" && o != "text" {
			break
		}
		e, why := toEnum()
		return e, lossy, why
	case o == n && n == "string":
		if nc.Length < oc.Length {
			return fmt.Sprintf("substr(%s, 1, %d)", src, nc.Length), fmt.Sprintf("values longer than %d characters are cut", nc.Length), ""
		}
		return src, "", ""
	case o == n && n == "decimal":
		switch {
		case nc.Scale < oc.Scale:
			lossy = fmt.Sprintf("values are rounded to %d decimals", nc.Scale)
		case nc.Precision-nc.Scale < oc.Precision-oc.Scale:
			lossy = fmt.Sprintf("values with more than %d integer digits no longer fit", nc.Precision-nc.Scale)
		}
		if nc.Scale == oc.Scale {
			return src, lossy, ""
		}
		return decimal(nc.Scale), lossy, ""
	case o == n:
		return src, "", ""
	case o == "string" && n == "text", o == "bool" && n == "int":
		return src, "", ""
	case o == "text" && n == "string":
		return fmt.Sprintf("substr(%s, 1, %d)", src, nc.Length), fmt.Sprintf("values longer than %d characters are cut", nc.Length), ""
	case o == "int" && n == "float":
		return "CAST(" + src + " AS REAL)", "", ""
	case o == "int" && n == "decimal":
		if nc.Precision-nc.Scale < 19 {
			lossy = fmt.Sprintf("values with more than %d digits no longer fit", nc.Precision-nc.Scale)
		}
		return decimal(nc.Scale), lossy, ""
	case (o == "float" || o == "decimal") && n == "int":
		return "CAST(" + src + " AS INTEGER)", "fractions are dropped", ""
	case o == "float" && n == "decimal":
		return decimal(nc.Scale), fmt.Sprintf("values are rounded to %d decimals", nc.Scale), ""
	case o == "decimal" && n == "float":
		return "CAST(" + src + " AS REAL)", "exact decimals become floating point", ""
	case o == "int" && n == "bool":
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL WHEN %s <> 0 THEN 1 ELSE 0 END", src, src), "numbers other than 0 and 1 become true", ""
	}
	return "", "", fmt.Sprintf("cannot convert %s to %s; add a new field, copy the values over in a migration of your own, then drop the old one", oc.Type, nc.Type)
}

// values returns the values an enum column may hold, or nil for others.
func values(c *ColumnDDL) []string {
	if c.Type != "enum" {
		return nil
	}
	return enumValues(c)
}
