package conventions

import (
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

const shop = `version: 1
name: shop
api:
  max_page_size: 500
auth:
  enabled: true
entities:
  Product:
    fields:
      title: string
      price: float
      tenant_id: string
    permissions:
      list: [public]
      read: [public]
      create: [admin]
  order_line:
    fields:
      qty: int
      tenant_id: uuid
  Tag: ~
  Audit:
    fields:
      tenant_id: uuid
    permissions:
      list: [admin]
      read: [admin]
      create: [admin]
      update: [admin]
      delete: [admin]
`

func load(t *testing.T, src string) *schema.Project {
	t.Helper()
	p, err := schema.Parse("shop.yaml", []byte(src))
	if err != nil {
		t.Fatalf("the test schema is invalid:\n%v", err)
	}
	return p
}

func TestCheckReportsEveryRuleAtItsPosition(t *testing.T) {
	p := load(t, strings.Replace(shop, "order_line", "OrderLine", 1))
	c, err := Compile(Rules{
		RequiredFields:     []RequiredField{{Name: "tenant_id", Type: "uuid"}},
		EntityNamePattern:  `^[A-Z][a-z]+$`,
		FieldNamePattern:   `^[a-z]+(_id)?$`,
		ForbiddenTypes:     []string{"float", "json"},
		RequirePermissions: true,
		MaxPageSize:        100,
	})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Check(p, []byte(strings.Replace(shop, "order_line", "OrderLine", 1)))
	want := `shop.yaml:4:18: api: max_page_size 500 is above the house limit 100 (rules.max_page_size); set api.max_page_size to 100 or less
shop.yaml:11:7: entity "Product": field "price" has type float, which the house rules forbid (rules.forbidden_types)
shop.yaml:12:7: entity "Product": field "tenant_id" has type string; the house rules ask for uuid (rules.required_fields)
shop.yaml:13:5: entity "Product": permissions do not say who may update, delete; the house rules ask for every action (rules.require_permissions)
shop.yaml:17:3: entity name "OrderLine" does not match the house pattern ^[A-Z][a-z]+$ (rules.entity_name_pattern)
shop.yaml:17:3: entity "OrderLine" declares no permissions; the house rules ask every entity to say who may list, read, create, update and delete it (rules.require_permissions)
shop.yaml:21:3: entity "Tag" has no field "tenant_id"; the house rules ask every entity for tenant_id: uuid (rules.required_fields)
shop.yaml:21:3: entity "Tag" declares no permissions; the house rules ask every entity to say who may list, read, create, update and delete it (rules.require_permissions)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestCheckFieldNamePattern(t *testing.T) {
	// A house pattern narrows scaffold's own snake_case rule.
	src := "version: 1\nname: x\nentities:\n  Line:\n    fields:\n      qty: int\n      unit_price: int\n"
	c, err := Compile(Rules{FieldNamePattern: `^[a-z]+$`})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Check(load(t, src), []byte(src))
	want := `shop.yaml:7:7: entity "Line": field name "unit_price" does not match the house pattern ^[a-z]+$ (rules.field_name_pattern)`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestCheckPermissionsNeedAuth(t *testing.T) {
	src := "version: 1\nname: x\nentities:\n  Line:\n    fields:\n      qty: int\n"
	c, _ := Compile(Rules{RequirePermissions: true})
	err := c.Check(load(t, src), []byte(src))
	want := `shop.yaml:4:3: entity "Line" cannot declare permissions without auth, and the house rules require them (rules.require_permissions); add auth: {enabled: true}`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestCheckSkipsTheBuiltInUser(t *testing.T) {
	src := "version: 1\nname: x\nauth: {enabled: true}\nentities:\n  Line:\n    fields:\n      tenant_id: uuid\n"
	c, _ := Compile(Rules{RequiredFields: []RequiredField{{Name: "tenant_id", Type: "uuid"}}, MaxPageSize: 100})
	if err := c.Check(load(t, src), []byte(src)); err != nil {
		t.Errorf("a schema that keeps the rules: %v", err)
	}
}

func TestCheckDefaultPageSizeAboveCap(t *testing.T) {
	src := "version: 1\nname: x\nentities:\n  Line:\n    fields:\n      qty: int\n"
	c, _ := Compile(Rules{MaxPageSize: 50})
	err := c.Check(load(t, src), []byte(src))
	want := "shop.yaml:1:1: api: max_page_size 100 is above the house limit 50 (rules.max_page_size); set api.max_page_size to 50 or less"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestCompileRejectsBadRules(t *testing.T) {
	_, err := Compile(Rules{
		EntityNamePattern: "(",
		ForbiddenTypes:    []string{"money"},
		RequiredFields:    []RequiredField{{Type: "uuid"}, {Name: "x", Type: "guid"}},
		MaxPageSize:       -1,
	})
	want := `invalid house rules:
  rules.entity_name_pattern: error parsing regexp: missing closing ): ` + "`(`" + `
  rules.forbidden_types: unknown type "money" (known: string, text, int, float, decimal, bool, time, date, uuid, json, enum)
  rules.required_fields[0]: missing name
  rules.required_fields[1]: type "guid" is not a field type (known: string, text, int, float, decimal, bool, time, date, uuid, json, enum)
  rules.max_page_size: must be positive, or 0 for no cap`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}
