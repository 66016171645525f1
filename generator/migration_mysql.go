package generator

import (
	"fmt"
	"slices"
)

// MySQL (and MariaDB) alter tables in place, as PostgreSQL does, with three
// differences: a column changes through CHANGE COLUMN with its whole new
// declaration (type, NOT NULL, default and check at once), so values that
// would not fit are converted by UPDATE statements first; the check of an
// enum is part of its column; and a foreign key without an index of its own
// gets one, named after the constraint, which outlives the constraint.
// DDL commits implicitly in MySQL: a migration that fails halfway leaves
// the statements before the failure applied.

func planMySQL(from, to *DDLView, ren *renames, defaults columnDefaults, strict, allowLossy bool) (*migrationPlan, error) {
	pairs, added, dropped := pairTables(from, to, ren)
	p := &migrationPlan{}
	ref := &refusal{}
	var (
		dropFKs, dropConstraints, dropTables, renames, columns []string
		creates, addConstraints, addFKs                        []string
	)
	for _, t := range dropped {
		p.change("drop_"+unquote(t.Name), "drop table %s", unquote(t.Name))
		for _, fk := range foreignKeysOf(from, t) {
			dropFKs = append(dropFKs, "ALTER TABLE "+t.Name+" DROP FOREIGN KEY "+fk.Name+";")
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
		for _, fk := range foreignKeysOf(to, t) {
			addFKs = append(addFKs, "ALTER TABLE "+t.Name+" ADD CONSTRAINT "+fk.Name+" "+pgForeignKey(fk)+";")
		}
	}
	for _, pr := range pairs {
		table := unquote(pr.to.Name)
		slug := "alter_" + table
		renamed := pr.from.Name != pr.to.Name
		if renamed {
			slug = "rename_" + unquote(pr.from.Name)
			p.change(slug, "rename table %s to %s", unquote(pr.from.Name), table)
			renames = append(renames, "RENAME TABLE "+pr.from.Name+" TO "+pr.to.Name+";")
		}
		have, want := map[string]*ForeignKeyDDL{}, map[string]*ForeignKeyDDL{}
		for _, fk := range foreignKeysOf(from, pr.from) {
			have[fk.Name] = fk
		}
		for _, fk := range foreignKeysOf(to, pr.to) {
			want[fk.Name] = fk
		}
		for _, fk := range foreignKeysOf(from, pr.from) {
			w := want[fk.Name]
			if w != nil && pgForeignKey(w) == pgForeignKey(fk) && !renamed {
				continue
			}
			if w != nil {
				p.change(slug, "%s: change foreign key %s", table, unquote(fk.Name))
			}
			dropFKs = append(dropFKs, "ALTER TABLE "+pr.from.Name+" DROP FOREIGN KEY "+fk.Name+";")
			// The index made for the constraint may stay behind (MariaDB
			// replaces it when another constraint takes the column, MySQL
			// keeps it): drop it, unless the constraint comes back under the
			// same name, which reuses it, or the column goes with it.
			if w == nil && autoIndexed(pr.from, fk.Column) && newName(pr, fk.Column) != "" {
				dropConstraints = append(dropConstraints, "DROP INDEX "+fk.Name+" ON "+pr.from.Name+";")
			}
		}
		for _, fk := range foreignKeysOf(to, pr.to) {
			h := have[fk.Name]
			if h != nil && pgForeignKey(h) == pgForeignKey(fk) && !renamed {
				continue
			}
			if h == nil {
				p.change(slug, "%s: add foreign key %s", table, unquote(fk.Name))
			}
			addFKs = append(addFKs, "ALTER TABLE "+pr.to.Name+" ADD CONSTRAINT "+fk.Name+" "+pgForeignKey(fk)+";")
		}
		haveU, wantU := pgUniques(pr.from), pgUniques(pr.to)
		for _, name := range sortedKeys(haveU) {
			if wantU[name] != haveU[name] {
				p.change(slug, "%s: drop unique constraint %s", table, unquote(name))
				dropConstraints = append(dropConstraints, "DROP INDEX "+name+" ON "+pr.from.Name+";")
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
			dropConstraints = append(dropConstraints, "DROP INDEX "+ix.Name+" ON "+pr.from.Name+";")
		}
		for _, ix := range adds {
			p.change(slug, "%s: create index %s", table, unquote(ix.Name))
			addConstraints = append(addConstraints, createIndex(ix))
		}
		stmts, err := alterColumnsMySQL(p, ref, pr, slug, defaults[pr.to.Name], strict, allowLossy)
		if err != nil {
			return nil, err
		}
		columns = append(columns, stmts...)
	}
	if err := ref.err(); err != nil {
		return nil, err
	}
	p.statements = slices.Concat(dropFKs, dropConstraints, dropTables, renames, columns, creates, addConstraints, addFKs)
	return p, nil
}

// autoIndexed reports whether MySQL made an index for a foreign key on col:
// no other index of the table starts with it.
func autoIndexed(t *TableDDL, col string) bool {
	if len(t.PrimaryKey) > 0 && t.PrimaryKey[0] == col {
		return false
	}
	for _, ix := range slices.Concat(t.Uniques, t.Indexes) {
		if ix.Columns[0] == col {
			return false
		}
	}
	return true
}

// alterColumnsMySQL converts, renames, drops, adds and changes the columns
// of a paired table (already under its new name).
func alterColumnsMySQL(p *migrationPlan, ref *refusal, pr *pairing, slug string, defaults map[string]string, strict, allowLossy bool) ([]string, error) {
	table := unquote(pr.to.Name)
	var stmts []string
	alter := func(format string, args ...any) {
		stmts = append(stmts, "ALTER TABLE "+pr.to.Name+" "+fmt.Sprintf(format, args...)+";")
	}
	update := func(col, value, where string) {
		stmts = append(stmts, fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s;", pr.to.Name, col, value, where))
	}
	prev := map[string]*ColumnDDL{}
	for _, c := range pr.from.Columns {
		prev[c.Name] = c
	}
	kept := map[string]bool{}
	for _, c := range pr.to.Columns {
		if old, ok := pr.columns[c.Name]; ok {
			kept[old] = true
		}
	}
	for _, c := range pr.from.Columns {
		if !kept[c.Name] {
			p.change(slug, "%s: drop column %s", table, unquote(c.Name))
			alter("DROP COLUMN %s", c.Name)
		}
	}
	for _, c := range pr.to.Columns {
		at := table + "." + unquote(c.Name)
		def, err := renderPartial("ddl/column", c)
		if err != nil {
			return nil, err
		}
		old, existed := pr.columns[c.Name]
		if !existed {
			p.change(slug, "%s: add column %s", table, unquote(c.Name))
			addColumn(alter, ref, at, def, c, isForeignKey(pr.to, c.Name), strict)
			continue
		}
		oc := prev[old]
		if sameColumn(oc, c) && old == c.Name {
			continue
		}
		if old != c.Name {
			p.change(slug, "%s: rename column %s to %s", table, unquote(old), unquote(c.Name))
		}
		if !sameColumn(oc, c) {
			p.change(slug, "%s: change column %s", table, unquote(c.Name))
			_, lossy, problem := sqliteConvert(oc, c, defaults[c.Name])
			if problem != "" {
				ref.problems = append(ref.problems, at+": "+problem)
				continue
			}
			if lossy != "" && strict && !allowLossy {
				ref.lossy = append(ref.lossy, at+": "+lossy)
			}
			// Convert the values that would not fit before the column
			// changes: strict mode refuses to cut them itself.
			switch o, n := oc.Type, c.Type; {
			case (n == "string" || n == "enum") && (o == "text" || c.Length < oc.Length):
				update(old, fmt.Sprintf("LEFT(%s, %d)", old, c.Length), fmt.Sprintf("CHAR_LENGTH(%s) > %d", old, c.Length))
			case (o == "float" || o == "decimal") && n == "int":
				update(old, "TRUNCATE("+old+", 0)", old+" IS NOT NULL")
			case n == "decimal" && (o == "float" || c.Scale < oc.Scale):
				update(old, fmt.Sprintf("ROUND(%s, %d)", old, c.Scale), old+" IS NOT NULL")
			case o == "int" && n == "bool":
				update(old, "("+old+" <> 0)", old+" IS NOT NULL")
			}
			if c.Type == "enum" && (oc.Type != "enum" || !isSubset(enumValues(oc), enumValues(c))) {
				fill := defaults[c.Name]
				if fill == "" {
					fill = "NULL"
				}
				update(old, fill, fmt.Sprintf("%s NOT IN (%s)", old, c.Values))
			}
			if c.NotNull && !oc.NotNull {
				fill := c.Default
				if fill == "" && strict {
					ref.problems = append(ref.problems, at+": becomes required, but has no default to fill the rows where it is empty; add default:, or fill those rows first")
					continue
				}
				if fill == "" {
					fill = zeroValue(c)
				}
				update(old, fill, old+" IS NULL")
			}
		}
		alter("CHANGE COLUMN %s %s", old, def)
	}
	return stmts, nil
}
