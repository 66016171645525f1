package generator

import (
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

func TestConstraintNameFitsEveryDatabase(t *testing.T) {
	short := constraintName("ix", "orders", "customer_id")
	if short != "ix_orders_customer_id" {
		t.Errorf("short name = %q", short)
	}
	long := constraintName("ux", strings.Repeat("t", 40), strings.Repeat("a", 20), strings.Repeat("b", 20))
	if len(long) > maxIdentifier {
		t.Errorf("%q has %d bytes, want at most %d", long, len(long), maxIdentifier)
	}
	other := constraintName("ux", strings.Repeat("t", 40), strings.Repeat("a", 20), strings.Repeat("c", 20))
	if long == other {
		t.Errorf("two long names collide: %q", long)
	}
}

func TestCreationOrder(t *testing.T) {
	p := &ProjectView{}
	team := &EntityView{Project: p, Name: "Team"}
	player := &EntityView{Project: p, Name: "Player"}
	league := &EntityView{Project: p, Name: "League"}
	p.Entities = []*EntityView{team, player, league}
	// Player -> Team, Team -> League and Team -> Player (a cycle), League -> League.
	player.BelongsTo = []*BelongsToView{{Target: team}}
	team.BelongsTo = []*BelongsToView{{Target: league}, {Target: player}}
	league.BelongsTo = []*BelongsToView{{Target: league}}

	var got []string
	for _, e := range creationOrder(p.Entities) {
		got = append(got, e.Name)
	}
	if want := "League Team Player"; strings.Join(got, " ") != want {
		t.Errorf("order = %v, want %s", got, want)
	}
}

func TestSQLDefault(t *testing.T) {
	tests := []struct {
		db    schema.Database
		field schema.Field
		want  string
	}{
		{schema.SQLite, schema.Field{Type: schema.Bool, Default: true}, "1"},
		{schema.Postgres, schema.Field{Type: schema.Bool, Default: false}, "FALSE"},
		{schema.SQLite, schema.Field{Type: schema.String, Default: `it's \ ok`}, `'it''s \ ok'`},
		{schema.MySQL, schema.Field{Type: schema.String, Default: `it's \ ok`}, `'it''s \\ ok'`},
		{schema.MySQL, schema.Field{Type: schema.Text, Default: "x"}, "('x')"},
		{schema.SQLite, schema.Field{Type: schema.Decimal, Default: "1.50"}, "'1.50'"},
		{schema.Postgres, schema.Field{Type: schema.Decimal, Default: "1.50"}, "1.50"},
		{schema.SQLite, schema.Field{Type: schema.Time, Default: "2024-05-01T12:30:00+02:00"}, "'2024-05-01T10:30:00.000000Z'"},
		{schema.MySQL, schema.Field{Type: schema.Time, Default: "2024-05-01T12:30:00Z"}, "'2024-05-01 12:30:00.000000'"},
		{schema.Postgres, schema.Field{Type: schema.Int, Default: int64(-3)}, "-3"},
	}
	for _, tt := range tests {
		got, err := sqlDefault(string(tt.db), &tt.field)
		if err != nil || got != tt.want {
			t.Errorf("%s %s default %v = %q, %v; want %q", tt.db, tt.field.Type, tt.field.Default, got, err, tt.want)
		}
	}
}

// TestUniqueConstraintsMatchTheMigration checks that the constraint names
// the PostgreSQL and MySQL stores look up are those the migration creates.
func TestUniqueConstraintsMatchTheMigration(t *testing.T) {
	const src = `version: 1
name: shop
database: postgres
entities:
  Product:
    fields:
      sku: {type: string, unique: true}
      title: string
      status: {type: enum, values: [a, b]}
    indexes:
      - {fields: [title, status], unique: true}
      - {fields: [sku], unique: true}
`
	p, err := schema.Parse("shop.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewProjectView(p)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range v.UniqueConstraints() {
		got = append(got, u.Name+"("+strings.Join(u.Columns, ",")+")")
	}
	if want := "ux_products_sku(sku) ux_products_title_status(title,status)"; strings.Join(got, " ") != want {
		t.Errorf("UniqueConstraints = %v, want %s", got, want)
	}
	ddl, err := v.DDL()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tbl := range ddl.Tables {
		for _, u := range tbl.Uniques {
			names[u.Name] = true
		}
		for _, ix := range tbl.Indexes {
			if ix.Unique {
				names[ix.Name] = true
			}
		}
	}
	for _, u := range v.UniqueConstraints() {
		if !names[quoteIdent(u.Name)] {
			t.Errorf("%s is not created by the migration (it creates %v)", u.Name, names)
		}
	}
}
