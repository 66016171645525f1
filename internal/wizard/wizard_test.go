package wizard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/internal/prompt"
	"github.com/scaffold-dev/scaffold/internal/prompt/prompttest"
	"github.com/scaffold-dev/scaffold/schema"
)

const (
	yes = "y"
	no  = "n"
	def = prompttest.Default
)

// session joins answer groups into one script.
func session(groups ...[]string) []string { return slices.Concat(groups...) }

// start answers the project questions: shop, default module, sqlite, no auth.
var start = []string{"shop", def, def, no}

// TestRunWritesValidSchema drives a whole session and checks the file
// written, byte for byte, and that the schema package accepts it.
func TestRunWritesValidSchema(t *testing.T) {
	fake := prompttest.New(session(
		[]string{"shop", "github.com/acme/shop", "postgres", yes, "admin, editor, user", "user"},
		// Category: owned no, one field, no relation, default permissions.
		[]string{"Category", no, "name", "string", yes, yes, "80", def, def, def, def, def, no, no, yes},
		// Product: a field, a relation to Category, permissions.
		[]string{"Product", yes, "price", "decimal", yes, no, "12", def, "0", def, def, def},
		[]string{yes, "Category", "belongs_to", def, yes, "cascade", no},
		[]string{yes, "public", "public", "editor", "owner,editor", "admin"},
		[]string{no, yes},
	)...)
	var summary strings.Builder
	res, err := Run(fake, Options{File: "scaffold.yaml", Out: &summary})
	if err != nil {
		t.Fatalf("Run: %v\nasked: %q", err, fake.Asked)
	}
	if left := fake.Remaining(); len(left) > 0 {
		t.Errorf("answers left over: %q", left)
	}
	want := `# Schema of shop for scaffold, format version 1 (see SCHEMA.md).
# Edit it by hand or with scaffold add (comments and order are kept); check it with scaffold validate.
version: 1
name: shop
module: github.com/acme/shop
database: postgres # sqlite | postgres | mysql

# Users register and log in with email and password; permissions below name these roles.
auth:
  enabled: true
  roles: [admin, editor, user] # admin may always do everything
  default_role: user # given to users who register themselves

# Each entity is an API resource and a database table.
# A field is name: type, or name: {type: ..., options}; relations link entities.
entities:
  Category:
    fields:
      name: {type: string, required: true, unique: true, max_length: 80}
  Product:
    owned: true # owner_id: set from the caller's token on create
    fields:
      price: {type: decimal, required: true, min: 0, precision: 12}
    relations:
      category: {belongs_to: Category, required: true, on_delete: cascade}
    permissions:
      list: [public]
      read: [public]
      create: [editor]
      update: [owner, editor]
      delete: [admin]
`
	if got := string(res.Source); got != want {
		t.Errorf("schema written:\n%s\nwant:\n%s", got, want)
	}
	if _, err := schema.Parse("scaffold.yaml", res.Source); err != nil {
		t.Errorf("schema.Parse rejects the result: %v", err)
	}
	if res.Project.Database != schema.Postgres || len(res.Project.Entities) != 3 {
		t.Errorf("project: database %s, %d entities; want postgres and 3 (User, Category, Product)", res.Project.Database, len(res.Project.Entities))
	}
	if !strings.Contains(summary.String(), "category: belongs_to Category, required, on_delete cascade") {
		t.Errorf("summary lacks the relation:\n%s", summary.String())
	}
}

// TestConstraintQuestions checks that each type is asked exactly the
// constraints it allows.
func TestConstraintQuestions(t *testing.T) {
	tests := []struct {
		typ     string
		answers []string // after the type
		asked   []string // constraint questions, prefix-matched, after the type
		field   string   // the field as NAME:TYPE[:OPTION...]
	}{
		{"string", []string{yes, yes, "40", "2", "^[a-z@.]+$", "email", "a@b.co"},
			[]string{"Is f required", "Must f be unique", "f: Maximum length", "f: Minimum length", "f: Pattern", "Format", "f: Default"},
			"f:string:required:unique:default=a@b.co:min_length=2:max_length=40:pattern=^[a-z@.]+$:format=email"},
		{"text", []string{no, "1000", def, def},
			[]string{"Is f required", "f: Maximum length", "f: Minimum length", "f: Default"},
			"f:text:max_length=1000"},
		{"int", []string{no, no, "0", "10", "5"},
			[]string{"Is f required", "Must f be unique", "f: Minimum", "f: Maximum", "f: Default"},
			"f:int:default=5:min=0:max=10"},
		{"float", []string{no, no, def, def, "1.5"},
			[]string{"Is f required", "Must f be unique", "f: Minimum", "f: Maximum", "f: Default"},
			"f:float:default=1.5"},
		{"decimal", []string{no, no, "10", "4", def, def, def},
			[]string{"Is f required", "Must f be unique", "f: Precision", "f: Scale", "f: Minimum", "f: Maximum", "f: Default"},
			"f:decimal:precision=10:scale=4"},
		{"bool", []string{yes, "false"},
			[]string{"Is f required", "f: Default"},
			"f:bool:required:default=false"},
		{"time", []string{no, no, def}, []string{"Is f required", "Must f be unique", "f: Default"}, "f:time"},
		{"date", []string{no, no, "2024-01-31"}, []string{"Is f required", "Must f be unique", "f: Default"}, "f:date:default=2024-01-31"},
		{"uuid", []string{no, yes, def}, []string{"Is f required", "Must f be unique", "f: Default"}, "f:uuid:unique"},
		{"json", []string{no}, []string{"Is f required"}, "f:json"},
		{"enum", []string{"draft, live", yes, no, "draft"},
			[]string{"f: Values", "Is f required", "Must f be unique", "f: Default value, one of draft|live"},
			"f:enum:required:default=draft:values=draft|live"},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			fake := prompttest.New(session(start, []string{"Note", "f", tt.typ}, tt.answers, []string{def, no, no, yes})...)
			res, err := Run(fake, Options{})
			if err != nil {
				t.Fatalf("Run: %v\nasked: %q\nrejected: %q", err, fake.Asked, fake.Rejected)
			}
			i := slices.IndexFunc(fake.Asked, func(q string) bool { return strings.HasPrefix(q, "Type of f") })
			asked := fake.Asked[i+1 : i+1+len(tt.asked)]
			for j, q := range tt.asked {
				if !strings.HasPrefix(asked[j], q) {
					t.Errorf("question %d after the type = %q, want %q...", j, asked[j], q)
				}
			}
			if next := fake.Asked[i+1+len(tt.asked)]; !strings.HasPrefix(next, "Field of Note") {
				t.Errorf("after the constraints, asked %q; want the next field", next)
			}
			if got := res.Spec.Entities[0].Fields[0].String(); got != tt.field {
				t.Errorf("field = %s, want %s", got, tt.field)
			}
		})
	}
}

// TestValidationRetry checks that answers the schema rules reject are shown
// the rule's message and asked again.
func TestValidationRetry(t *testing.T) {
	fake := prompttest.New(session(
		[]string{"My Shop", "shop", "not a module", def, def, no},
		[]string{"", "Products", "Product", "", "id", "Title", "title", "int", no, no, "10", "5", "20", "30", "15", def, no, no, yes},
	)...)
	res, err := Run(fake, Options{})
	if err != nil {
		t.Fatalf("Run: %v\nasked: %q", err, fake.Asked)
	}
	want := []string{
		`name "My Shop" must start with a lower-case letter`,
		`module "not a module" is not a valid Go module path`,
		"enter an entity name",
		`entity "Products": name must be singular, such as "Product"`,
		"add at least one field to Product",
		`id is a system column`,
		`name "Title" must be a snake_case identifier such as "title"`,
		"min 10 is larger than max 5",
		"default 30 is greater than max 20",
	}
	if len(fake.Rejected) != len(want) {
		t.Fatalf("rejected %d answers, want %d:\n%s", len(fake.Rejected), len(want), strings.Join(fake.Rejected, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(fake.Rejected[i], w) {
			t.Errorf("rejection %d = %q, want it to say %q", i, fake.Rejected[i], w)
		}
	}
	if got := res.Spec.Entities[0].Fields[0].String(); got != "title:int:default=15:min=10:max=20" {
		t.Errorf("field = %s, want title:int:default=15:min=10:max=20", got)
	}
}

// TestRelationTargets checks that relations offer the entities so far,
// the entity itself included, and that set_null is offered only for
// optional relations.
func TestRelationTargets(t *testing.T) {
	fake := prompttest.New(session(start,
		[]string{"Category", "name", "text", no, def, def, def, def, no, yes},
		[]string{"Product", "title", "text", no, def, def, def, def},
		[]string{yes, "Product", "belongs_to", "parent", no, "set_null"},
		[]string{yes, "Category", "many_to_many", def},
		[]string{yes, "Category", "belongs_to", "main_category", yes, "restrict"},
		[]string{no, no, yes},
	)...)
	res, err := Run(fake, Options{})
	if err != nil {
		t.Fatalf("Run: %v\nasked: %q", err, fake.Asked)
	}
	for _, want := range []string{
		"Related entity: [Category|Product]",
		"When a Product is deleted, its Product rows: [restrict|cascade|set_null]",
		"When a Category is deleted, its Product rows: [restrict|cascade]",
	} {
		if !slices.Contains(fake.Asked, want) {
			t.Errorf("never asked %q; asked:\n%s", want, strings.Join(fake.Asked, "\n"))
		}
	}
	rels := res.Spec.Entities[1].Relations
	got := []string{}
	for _, r := range rels {
		got = append(got, r.Name+"="+r.Kind+":"+r.Target+":"+r.OnDelete)
	}
	want := []string{"parent=belongs_to:Product:set_null", "categories=many_to_many:Category:", "main_category=belongs_to:Category:"}
	if !slices.Equal(got, want) {
		t.Errorf("relations = %q, want %q", got, want)
	}
}

// TestRequiredCycleAskedAgain checks that a required relation closing a
// cycle of required relations is refused at the question.
func TestRequiredCycleAskedAgain(t *testing.T) {
	fake := prompttest.New(session(start,
		[]string{"Node", "label", "text", no, def, def, def, def},
		[]string{yes, "Node", "belongs_to", "parent", yes, no, "cascade", no, no, yes},
	)...)
	res, err := Run(fake, Options{})
	if err != nil {
		t.Fatalf("Run: %v\nasked: %q", err, fake.Asked)
	}
	if !slices.ContainsFunc(fake.Asked, func(q string) bool {
		return strings.Contains(q, "form a cycle") && strings.HasSuffix(q, "Is parent required?")
	}) {
		t.Errorf("the cycle was not explained; asked:\n%s", strings.Join(fake.Asked, "\n"))
	}
	if r := res.Spec.Entities[0].Relations[0]; r.Required {
		t.Error("the relation closing a cycle was kept required")
	}
}

// TestCancel checks that Ctrl-C at any question ends the session with
// prompt.ErrInterrupted, a context.Canceled, and no result.
func TestCancel(t *testing.T) {
	full := session(start, []string{"Note", "title", "text", no, def, def, def, def, no, no, yes})
	for i := range full {
		answers := slices.Concat(full[:i], []string{prompttest.Interrupt})
		res, err := Run(prompttest.New(answers...), Options{})
		if !errors.Is(err, prompt.ErrInterrupted) || !errors.Is(err, context.Canceled) || res != nil {
			t.Errorf("Ctrl-C at answer %d: result %v, error %v; want nil and ErrInterrupted", i, res, err)
		}
	}
}

// TestDeclined checks that not confirming the summary writes nothing.
func TestDeclined(t *testing.T) {
	fake := prompttest.New(session(start, []string{"Note", "title", "text", no, def, def, def, def, no, no, no})...)
	res, err := Run(fake, Options{})
	if !errors.Is(err, ErrDeclined) || res != nil {
		t.Errorf("declined summary: result %v, error %v; want nil and ErrDeclined", res, err)
	}
}

// TestFields checks the questions of scaffold add against an existing file.
func TestFields(t *testing.T) {
	src := []byte("version: 1\nname: shop\nentities:\n  Product:\n    fields:\n      title: string\n")
	fake := prompttest.New("title", "sku", "string", yes, yes, "32", def, def, def, def, def)
	fields, err := Fields(fake, "scaffold.yaml", src, "Product", false)
	if err != nil {
		t.Fatalf("Fields: %v\nasked: %q", err, fake.Asked)
	}
	if len(fake.Rejected) != 1 || !strings.Contains(fake.Rejected[0], "title") {
		t.Errorf("rejected %q; want the duplicate title", fake.Rejected)
	}
	if len(fields) != 1 || fields[0].String() != "sku:string:required:unique:max_length=32" {
		t.Errorf("fields = %v", fields)
	}
	// A new entity needs a field; the name is checked against the file.
	fake = prompttest.New(def, "label", "text", no, def, def, def, def)
	fields, err = Fields(fake, "scaffold.yaml", src, "Tag", true)
	if err != nil || len(fields) != 1 || len(fake.Rejected) != 1 {
		t.Errorf("Fields for a new entity: %v, %v; rejected %q", fields, err, fake.Rejected)
	}
}
