package generator

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

// openAPIDoc generates the document of a schema and decodes it.
func openAPIDoc(t *testing.T, yaml string) (string, map[string]any) {
	t.Helper()
	p, err := schema.Parse("scaffold.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewProjectView(p)
	if err != nil {
		t.Fatal(err)
	}
	text, err := v.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	return text, doc
}

// at walks the decoded document along keys.
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not an object", strings.Join(keys, "/"))
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("%s: no key %q", strings.Join(keys, "/"), k)
		}
	}
	return v
}

const openAPISchema = `version: 1
name: store
entities:
  Product:
    soft_delete: true
    fields:
      title: {type: string, required: true, min_length: 3, max_length: 120, description: Shown in lists, example: Blue mug}
      price: {type: decimal, precision: 8, scale: 2, required: true, min: 0}
      status: {type: enum, values: [draft, active], default: draft}
      secret: {type: string, sensitive: true}
      notes: text
      sku: {type: string, required: true, immutable: true, pattern: "^[A-Z]{3}$"}
    relations:
      tags: {many_to_many: Tag}
  Tag:
    id: uuid
    fields:
      label: {type: string, required: true, unique: true}
`

func TestOpenAPIDocument(t *testing.T) {
	text, doc := openAPIDoc(t, openAPISchema)

	if again, _ := openAPIDoc(t, openAPISchema); again != text {
		t.Error("two generations of the same schema differ")
	}
	// Keys keep their deliberate order, not the alphabetical one of maps.
	var order []string
	for _, k := range []string{`"openapi"`, `"info"`, `"servers"`, `"security"`, `"tags"`, `"paths"`, `"components"`} {
		order = append(order, k)
		if !strings.Contains(text, k) {
			t.Fatalf("no %s member", k)
		}
	}
	for i := 1; i < len(order); i++ {
		if strings.Index(text, order[i-1]) > strings.Index(text, order[i]) {
			t.Errorf("%s comes after %s", order[i-1], order[i])
		}
	}
	if got := at(t, doc, "openapi"); got != "3.1.0" {
		t.Errorf("openapi = %v", got)
	}

	product := at(t, doc, "components", "schemas", "Product").(map[string]any)
	if got := product["additionalProperties"]; got != false {
		t.Errorf("Product.additionalProperties = %v, want false", got)
	}
	props := product["properties"].(map[string]any)
	if _, ok := props["secret"]; ok {
		t.Error("the sensitive field is in the response schema")
	}
	wantKeys := []string{"id", "title", "price", "status", "notes", "sku", "created_at", "updated_at"}
	for _, k := range wantKeys {
		if !slices.Contains(toStrings(product["required"]), k) {
			t.Errorf("Product.required lacks %s (responses always carry every key)", k)
		}
	}
	checkJSON(t, props["title"], `{"type":"string","minLength":3,"maxLength":120,"description":"Shown in lists.","examples":["Blue mug"]}`)
	checkJSON(t, props["price"], `{"type":"string","pattern":"^-?[0-9]{1,6}\\.[0-9]{2}$","description":"A decimal(8,2) as a string, at least 0; requests may also send a JSON number."}`)
	checkJSON(t, props["status"], `{"type":["string","null"],"enum":["draft","active",null]}`)
	checkJSON(t, props["id"], `{"type":"integer","format":"int64","minimum":1,"readOnly":true,"description":"The primary key, assigned by the server."}`)

	create := at(t, doc, "components", "schemas", "ProductCreate").(map[string]any)
	if got := toStrings(create["required"]); !slices.Equal(got, []string{"title", "price", "sku"}) {
		t.Errorf("ProductCreate.required = %v", got)
	}
	createProps := create["properties"].(map[string]any)
	checkJSON(t, createProps["secret"], `{"type":["string","null"],"maxLength":255,"description":"Write-only: never returned.","writeOnly":true}`)
	checkJSON(t, createProps["status"], `{"type":["string","null"],"enum":["draft","active",null],"default":"draft"}`)
	checkJSON(t, createProps["price"], `{"type":"string","pattern":"^-?[0-9]{1,6}(?:\\.[0-9]{1,2})?$","description":"A decimal(8,2) as a string, at least 0; requests may also send a JSON number."}`)
	if got := toStrings(at(t, doc, "components", "schemas", "ProductReplace", "required")); !slices.Equal(got, []string{"title", "price"}) {
		t.Errorf("ProductReplace.required = %v (immutable sku may be left out)", got)
	}
	if _, ok := at(t, doc, "components", "schemas", "ProductPatch").(map[string]any)["required"]; ok {
		t.Error("ProductPatch has required keys")
	}

	// Every route of the handlers, and nothing else.
	var routes []string
	for path, item := range at(t, doc, "paths").(map[string]any) {
		for method := range item.(map[string]any) {
			if method != "parameters" {
				routes = append(routes, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(routes)
	want := []string{
		"DELETE /api/v1/products/{id}",
		"DELETE /api/v1/products/{id}/tags/{other_id}",
		"DELETE /api/v1/tags/{id}",
		"GET /api/v1/products",
		"GET /api/v1/products/{id}",
		"GET /api/v1/products/{id}/tags",
		"GET /api/v1/tags",
		"GET /api/v1/tags/{id}",
		"GET /healthz",
		"GET /metrics",
		"GET /openapi.json",
		"GET /readyz",
		"PATCH /api/v1/products/{id}",
		"PATCH /api/v1/tags/{id}",
		"POST /api/v1/products",
		"POST /api/v1/tags",
		"PUT /api/v1/products/{id}",
		"PUT /api/v1/products/{id}/tags/{other_id}",
		"PUT /api/v1/tags/{id}",
	}
	if !slices.Equal(routes, want) {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(routes, "\n"), strings.Join(want, "\n"))
	}

	// Filters: one parameter per field and operator the field's kind
	// supports; text and sensitive fields are not filterable.
	var names []string
	for _, p := range at(t, doc, "paths", "/api/v1/products", "get", "parameters").([]any) {
		if n, ok := p.(map[string]any)["name"]; ok {
			names = append(names, n.(string))
		}
	}
	for _, n := range []string{"sort", "title", "title[contains]", "title[in]", "price[gte]", "status[in]", "sku[eq]", "created_at[lt]", "id[ne]"} {
		if !slices.Contains(names, n) {
			t.Errorf("GET /api/v1/products has no parameter %s", n)
		}
	}
	for _, n := range []string{"notes", "secret", "status[lt]", "status[contains]", "price[contains]"} {
		if slices.Contains(names, n) {
			t.Errorf("GET /api/v1/products has parameter %s, which the server refuses", n)
		}
	}
	if _, ok := at(t, doc, "components").(map[string]any)["securitySchemes"]; ok {
		t.Error("security schemes without auth")
	}
	link := at(t, doc, "paths", "/api/v1/products/{id}/tags/{other_id}", "parameters").([]any)
	checkJSON(t, at(t, link[1], "schema"), `{"type":"string","format":"uuid"}`)
}

func TestOpenAPINameCollisions(t *testing.T) {
	_, doc := openAPIDoc(t, `version: 1
name: clash
entities:
  Problem:
    fields:
      title: string
  ProblemCreate:
    fields:
      title: string
`)
	schemas := at(t, doc, "components", "schemas").(map[string]any)
	for _, name := range []string{"Problem", "ProblemCreate", "ProblemCreate2", "Problem2", "FieldError"} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("no schema %s", name)
		}
	}
	ref := at(t, doc, "components", "responses", "NotFound", "content", "application/problem+json", "schema", "$ref")
	if ref != "#/components/schemas/Problem2" {
		t.Errorf("problem responses refer to %v", ref)
	}
}

func TestOpenAPIAuth(t *testing.T) {
	_, doc := openAPIDoc(t, `version: 1
name: secured
auth:
  enabled: true
entities:
  Note:
    fields:
      body: text
    permissions:
      list: [public]
`)
	checkJSON(t, at(t, doc, "components", "securitySchemes", "bearerAuth"),
		`{"type":"http","scheme":"bearer","bearerFormat":"JWT","description":"An access token from POST /api/v1/auth/login."}`)
	checkJSON(t, at(t, doc, "security"), `[{"bearerAuth":[]}]`)
	checkJSON(t, at(t, doc, "paths", "/api/v1/notes", "get", "security"), `[]`)
	post := at(t, doc, "paths", "/api/v1/notes", "post").(map[string]any)
	if _, ok := post["security"]; ok {
		t.Error("a protected operation overrides the global security")
	}
	if _, ok := at(t, post, "responses").(map[string]any)["401"]; !ok {
		t.Error("a protected operation has no 401 response")
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// checkJSON compares v, re-encoded, with want.
func checkJSON(t *testing.T, v any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %s: %v", want, err)
	}
	got, _ := json.Marshal(v)
	wantText, _ := json.Marshal(w)
	if string(got) != string(wantText) {
		t.Errorf("got  %s\nwant %s", got, wantText)
	}
}
