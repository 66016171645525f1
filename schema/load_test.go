package schema

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

const shop = `version: 1
name: shop
auth:
  roles: [editor, user]
entities:
  Category:
    fields:
      name: {type: string, required: true, unique: true, max_length: 80}
  Product:
    owned: true
    fields:
      title: string
      body: text
      price: {type: decimal, precision: 12, default: 9.5, min: 0}
      stock: {type: int, default: 0}
      status: {type: enum, values: [draft, active], default: draft}
      api_key: {type: string, sensitive: true}
    relations:
      category: {belongs_to: Category, required: true}
      parent: {belongs_to: Product, on_delete: set_null}
      tags: {many_to_many: Tag}
    indexes:
      - [status, created_at]
      - {fields: [category_id, owner_id], unique: true}
    permissions:
      list: [public]
      update: [editor, owner]
  Tag:
    fields:
      label: string
  User:
    fields:
      display_name: string
`

func mustParse(t *testing.T, src string) *Project {
	t.Helper()
	p, err := Parse("scaffold.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestParseDefaults(t *testing.T) {
	p := mustParse(t, "version: 1\nname: tiny\nentities:\n  Person:\n    fields:\n      name: string\n")
	if p.Module != "tiny" || p.Database != SQLite || p.ID != IDInt || p.Auth.Enabled {
		t.Errorf("project = %+v", p)
	}
	if p.API != (API{BasePath: "/api/v1", PageSize: 20, MaxPageSize: 100}) {
		t.Errorf("API = %+v", p.API)
	}
	e := p.Entity("Person")
	if e.Plural != "people" || e.Table != "people" || !e.Timestamps || e.SoftDelete || e.ID != IDInt {
		t.Errorf("entity = %+v", e)
	}
	for _, a := range Actions {
		if got := e.Permissions[a]; !slices.Equal(got, []string{PermPublic}) {
			t.Errorf("permissions[%s] = %v, want [public]", a, got)
		}
	}
	f := e.Field("name")
	if f.Type != String || *f.MaxLength != 255 || !f.Filterable || !f.Sortable || f.Pos != (Pos{6, 7}) {
		t.Errorf("field = %+v", f)
	}
}

func TestParseShop(t *testing.T) {
	p := mustParse(t, shop)
	var names []string
	for _, e := range p.Entities {
		names = append(names, e.Name)
	}
	if want := []string{"User", "Category", "Product", "Tag"}; !slices.Equal(names, want) {
		t.Fatalf("entities = %v, want %v", names, want)
	}
	auth := p.Auth
	if !auth.Enabled || !slices.Equal(auth.Roles, []string{"admin", "editor", "user"}) || auth.DefaultRole != "user" ||
		!auth.Registration || auth.AccessTTL != 15*time.Minute || auth.RefreshTTL != 720*time.Hour {
		t.Errorf("auth = %+v", auth)
	}

	user := p.Entity("User")
	var userFields []string
	for _, f := range user.Fields {
		userFields = append(userFields, f.Name)
	}
	if !user.System || user.Table != "users" || !slices.Equal(userFields, []string{"email", "role", "display_name"}) {
		t.Errorf("user = %+v, fields %v", user, userFields)
	}
	if role := user.Field("role"); role.Type != Enum || role.Default != "user" || !slices.Equal(role.Values, auth.Roles) {
		t.Errorf("role = %+v", role)
	}
	if email := user.Field("email"); email.Format != "email" || !email.Required || !email.Unique {
		t.Errorf("email = %+v", email)
	}
	if got := user.Permissions[ActionList]; !slices.Equal(got, []string{"admin"}) {
		t.Errorf("user list permission = %v", got)
	}

	prod := p.Entity("Product")
	fieldTests := []struct {
		name             string
		def              any
		filter, sortable bool
	}{
		{"title", nil, true, true},
		{"body", nil, false, false},
		{"price", "9.50", true, true},
		{"stock", int64(0), true, true},
		{"status", "draft", true, true},
		{"api_key", nil, false, false},
	}
	for _, tt := range fieldTests {
		f := prod.Field(tt.name)
		if f.Default != tt.def || f.Filterable != tt.filter || f.Sortable != tt.sortable {
			t.Errorf("%s: default %#v filterable %v sortable %v; want %#v %v %v", tt.name, f.Default, f.Filterable, f.Sortable, tt.def, tt.filter, tt.sortable)
		}
	}
	if price := prod.Field("price"); price.Precision != 12 || price.Scale != 2 || price.Min.String() != "0" {
		t.Errorf("price = %+v", price)
	}

	relTests := []struct {
		name, target, column, join string
		kind                       RelationKind
		required                   bool
		onDelete                   OnDelete
	}{
		{"category", "Category", "category_id", "", BelongsTo, true, Restrict},
		{"parent", "Product", "parent_id", "", BelongsTo, false, SetNull},
		{"tags", "Tag", "", "product_tags", ManyToMany, false, ""},
	}
	for i, tt := range relTests {
		r := prod.Relations[i]
		if r.Name != tt.name || r.Target != p.Entity(tt.target) || r.Owner != prod || r.Column != tt.column ||
			r.JoinTable != tt.join || r.Kind != tt.kind || r.Required != tt.required || r.OnDelete != tt.onDelete {
			t.Errorf("relation %d = %+v, want %+v", i, r, tt)
		}
	}
	if got := p.HasMany(p.Entity("Category")); len(got) != 1 || got[0].Name != "category" {
		t.Errorf("HasMany(Category) = %v", got)
	}
	if len(prod.Indexes) != 2 || !prod.Indexes[1].Unique || !slices.Equal(prod.Indexes[1].Columns, []string{"category_id", "owner_id"}) {
		t.Errorf("indexes = %+v", prod.Indexes)
	}
	wantPerms := Permissions{
		ActionList: {"public"}, ActionRead: {"authenticated"}, ActionCreate: {"authenticated"},
		ActionUpdate: {"editor", "owner"}, ActionDelete: {"authenticated"},
	}
	for a, want := range wantPerms {
		if got := prod.Permissions[a]; !slices.Equal(got, want) {
			t.Errorf("permissions[%s] = %v, want %v", a, got, want)
		}
	}
}

// TestParseErrors checks single problems line by line; the corpus in
// testdata/errors covers files with many.
func TestParseErrors(t *testing.T) {
	const head = "version: 1\nname: x\nentities:\n  A:\n    fields:\n"
	tests := []struct {
		name, src, want string
	}{
		{"reserved words are legal", "version: 1\nname: x\nentities:\n  Order:\n    fields:\n      select: string\n      key: int\n  Group: {}\n", ""},
		{"optional self reference", head + "      n: int\n    relations:\n      parent: {belongs_to: A}\n", ""},
		{"two relations to one entity", head + "      n: int\n    relations:\n      from_a: {belongs_to: A}\n      to_a: {belongs_to: A}\n", ""},
		{"unknown type", head + "      price: money\n", `scaffold.yaml:6:14: field "price": unknown type "money" (known: string, text, int, float, decimal, bool, time, date, uuid, json, enum) (did you mean "decimal"?)`},
		{"typo in top key", "version: 1\nname: x\nentites: {}\nentities: {A: {}}\n", `scaffold.yaml:3:1: unknown key "entites" (did you mean "entities"?)`},
		{"version", "version: \"1\"\nname: x\nentities: {A: {}}\n", `scaffold.yaml:1:10: unsupported schema version "1" (this scaffold reads version 1)`},
		{"decimal default scale", head + "      p: {type: decimal, scale: 1, default: \"1.25\"}\n", `scaffold.yaml:6:45: field "p": default 1.25 has more than 1 decimals (scale)`},
		{"path-like name", head + "      \"../x\": string\n", `scaffold.yaml:6:7: field "../x": name "../x" must be a snake_case identifier (lower-case letters, digits and single underscores, starting with a letter)`},
		{"required self reference", head + "      n: int\n    relations:\n      parent: {belongs_to: A, required: true}\n",
			`scaffold.yaml:8:7: relation "parent": required belongs_to relations form a cycle A -> A (via parent), so no first row could be inserted; make one of them optional`},
		{"empty", "", `scaffold.yaml:1:1: the schema file is empty; start with "version: 1" and "name:"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("scaffold.yaml", []byte(tt.src))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestErrorListSorted(t *testing.T) {
	_, err := Parse("s.yaml", []byte("version: 1\nname: x\nentities:\n  A:\n    fields:\n      b: bogus\n      a: nope\nzzz: 1\n"))
	list, ok := err.(ErrorList)
	if !ok || len(list) != 3 {
		t.Fatalf("err = %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if !strings.HasPrefix(lines[0], "s.yaml:6:") || !strings.HasPrefix(lines[2], "s.yaml:8:1:") {
		t.Errorf("not sorted:\n%s", err)
	}
}

func TestSuggest(t *testing.T) {
	types := strings.Split(knownTypes(), ", ")
	tests := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"entites", projectKeys, "entities"},
		{"feilds", entityKeys, "fields"},
		{"strng", types, "string"},
		{"money", types, ""},
		{"x", projectKeys, ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.word, tt.candidates); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if d := editDistance("ab", "ba"); d != 1 {
		t.Errorf("transposition distance = %d, want 1", d)
	}
}

func TestJSONSchema(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(JSONSchema(), &doc); err != nil {
		t.Fatalf("JSONSchema is not JSON: %v", err)
	}
	props, _ := doc["properties"].(map[string]any)
	for _, key := range projectKeys {
		if _, ok := props[key]; !ok {
			t.Errorf("JSON Schema misses the key %q", key)
		}
	}
}
