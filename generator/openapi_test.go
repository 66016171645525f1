package generator

import (
	"encoding/json"
	"fmt"
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
		`{"type":"http","scheme":"bearer","bearerFormat":"JWT","description":"An access token from POST /api/v1/auth/login or /auth/refresh, sent as Authorization: Bearer <token>."}`)
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

const openAPIAuthSchema = `version: 1
name: secured
auth:
  enabled: true
  roles: [admin, editor, user]
  default_role: user
  access_ttl: 10m
  refresh_ttl: 48h
  password_min_length: 14
entities:
  User:
    fields:
      nickname: {type: string, required: true, max_length: 30}
      bio: text
    permissions:
      read: [authenticated]
      update: [authenticated]
  Note:
    owned: true
    fields:
      body: text
    permissions:
      list: [owner, editor]
      read: [authenticated]
      create: [authenticated]
      update: [owner]
      delete: [editor]
`

func TestOpenAPIAuthRoutes(t *testing.T) {
	_, doc := openAPIDoc(t, openAPIAuthSchema)
	paths := at(t, doc, "paths").(map[string]any)
	for path, method := range map[string]string{
		"/api/v1/auth/register": "post", "/api/v1/auth/login": "post", "/api/v1/auth/refresh": "post",
		"/api/v1/auth/logout": "post", "/api/v1/auth/me": "get",
	} {
		item, ok := paths[path].(map[string]any)
		if !ok || len(item) != 1 || item[method] == nil {
			t.Errorf("%s: want only %s, got %v", path, method, item)
		}
	}
	// Operations reached without a token say so; /auth/me needs one.
	for _, path := range []string{"register", "login", "refresh", "logout"} {
		checkJSON(t, at(t, doc, "paths", "/api/v1/auth/"+path, "post", "security"), `[]`)
	}
	checkJSON(t, at(t, doc, "paths", "/api/v1/auth/me", "get", "security"), `[{"bearerAuth":[]}]`)
	codes := func(path, method string) []string {
		var out []string
		for code := range at(t, doc, "paths", path, method, "responses").(map[string]any) {
			out = append(out, code)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		path, method string
		want         []string
	}{
		{"/api/v1/auth/register", "post", []string{"201", "400", "409", "413", "415", "429", "500"}},
		{"/api/v1/auth/login", "post", []string{"200", "400", "401", "413", "415", "429", "500"}},
		{"/api/v1/auth/refresh", "post", []string{"200", "400", "401", "413", "415", "429", "500"}},
		{"/api/v1/auth/logout", "post", []string{"204", "400", "413", "415", "500"}},
		{"/api/v1/auth/me", "get", []string{"200", "401", "500"}},
		// Every token holder may read, and owners act on their own rows
		// only (404 for the others): no 403.
		{"/api/v1/notes/{id}", "get", []string{"200", "400", "401", "404", "500"}},
		{"/api/v1/notes/{id}", "put", []string{"200", "400", "401", "404", "409", "413", "415", "500"}},
		{"/api/v1/notes/{id}", "delete", []string{"204", "400", "401", "403", "404", "409", "500"}},
		{"/api/v1/users", "post", []string{"201", "400", "401", "403", "409", "413", "415", "500"}},
		{"/api/v1/users/{id}", "get", []string{"200", "400", "401", "404", "500"}},
		// Only admins set roles, whoever may update users.
		{"/api/v1/users/{id}", "patch", []string{"200", "400", "401", "403", "404", "409", "413", "415", "500"}},
	} {
		if got := codes(c.path, c.method); !slices.Equal(got, c.want) {
			t.Errorf("%s %s answers %v, want %v", c.method, c.path, got, c.want)
		}
	}
	checkJSON(t, at(t, doc, "paths", "/api/v1/auth/login", "post", "responses", "401", "description"),
		`"The email or password is wrong; the answer does not say which."`)
	checkJSON(t, at(t, doc, "components", "responses", "TooManyRequests", "headers"),
		`{"Retry-After":{"description":"The seconds to wait before retrying.","required":true,"schema":{"type":"integer","minimum":0}}}`)
	if got := at(t, doc, "paths", "/api/v1/notes/{id}", "put", "description").(string); !strings.Contains(got, "gets 404 for a row it did not create") {
		t.Errorf("PUT /notes/{id} does not explain the 404 of other owners' rows: %q", got)
	}
	if got := at(t, doc, "paths", "/api/v1/notes", "get", "description").(string); !strings.Contains(got, "sees only the rows it created") {
		t.Errorf("GET /notes does not explain that owners see their own rows: %q", got)
	}
	if got := at(t, doc, "paths", "/api/v1/notes/{id}", "delete", "description").(string); strings.Contains(got, "owner") {
		t.Errorf("DELETE /notes/{id}, not granted to owners, mentions them: %q", got)
	}

	schemas := at(t, doc, "components", "schemas").(map[string]any)
	password := `{"type":"string","minLength":14,"maxLength":256,"writeOnly":true,"description":%q}`
	register := schemas["RegisterRequest"].(map[string]any)
	if got := toStrings(register["required"]); !slices.Equal(got, []string{"email", "password", "nickname"}) {
		t.Errorf("RegisterRequest.required = %v", got)
	}
	regProps := register["properties"].(map[string]any)
	if _, ok := regProps["role"]; ok {
		t.Error("RegisterRequest lets the caller choose a role")
	}
	checkJSON(t, regProps["email"], `{"type":"string","maxLength":255,"format":"email","description":"Unique."}`)
	checkJSON(t, regProps["password"], fmt.Sprintf(password, "The password to log in with. From 14 to 256 characters. Write-only: never returned."))
	checkJSON(t, schemas["TokenPair"], `{"type":"object","description":"The tokens of a login or refresh.",
		"required":["access_token","refresh_token","token_type","expires_in"],
		"properties":{
			"access_token":{"type":"string","description":"A JWT to send as Authorization: Bearer <token> until it expires."},
			"refresh_token":{"type":"string","description":"An opaque token for one call of POST /api/v1/auth/refresh, valid for 2 days unless the server is configured otherwise."},
			"token_type":{"type":"string","enum":["Bearer"]},
			"expires_in":{"type":"integer","minimum":1,"examples":[600],"description":"The seconds until the access token expires."}},
		"additionalProperties":false}`)
	checkJSON(t, at(t, schemas, "LoginRequest", "required"), `["email","password"]`)
	checkJSON(t, at(t, schemas, "RefreshRequest", "required"), `["refresh_token"]`)

	// The User: its password is write-only, required on create only, and
	// neither it nor its hash is ever in a response.
	for name, props := range at(t, schemas, "User", "properties").(map[string]any) {
		if strings.Contains(name, "password") {
			t.Errorf("the User response schema has %s: %v", name, props)
		}
	}
	if got := toStrings(at(t, schemas, "UserCreate", "required")); !slices.Equal(got, []string{"email", "password", "role", "nickname"}) {
		t.Errorf("UserCreate.required = %v", got)
	}
	checkJSON(t, at(t, schemas, "UserCreate", "properties", "password"),
		fmt.Sprintf(password, "The user's password, stored as an argon2id hash. From 14 to 256 characters. Write-only: never returned."))
	for _, name := range []string{"UserReplace", "UserPatch"} {
		if req, ok := schemas[name].(map[string]any)["required"]; ok && slices.Contains(toStrings(req), "password") {
			t.Errorf("%s requires a password", name)
		}
		checkJSON(t, at(t, schemas, name, "properties", "password"),
			fmt.Sprintf(password, "A new password for the user; left out, the password stays. From 14 to 256 characters. Write-only: never returned."))
	}
	if _, ok := at(t, doc, "components", "securitySchemes").(map[string]any)["oidc"]; ok {
		t.Error("an OpenID Connect scheme without auth.oidc")
	}
}

func TestOpenAPIOIDC(t *testing.T) {
	_, doc := openAPIDoc(t, `version: 1
name: federated
auth:
  enabled: true
  registration: false
  oidc:
    issuer: https://tenant.eu.auth0.com/
    audience: https://api.example.com
    jwks_url: https://tenant.eu.auth0.com/.well-known/jwks.json
    role_claim: roles
entities:
  Note:
    fields:
      body: text
`)
	if _, ok := at(t, doc, "paths").(map[string]any)["/api/v1/auth/register"]; ok {
		t.Error("POST /auth/register is documented with registration: false")
	}
	both := `[{"bearerAuth":[]},{"oidc":[]}]`
	checkJSON(t, at(t, doc, "security"), both)
	checkJSON(t, at(t, doc, "paths", "/api/v1/auth/me", "get", "security"), both)
	// OpenID Connect Discovery drops the issuer's terminating slash.
	checkJSON(t, at(t, doc, "components", "securitySchemes", "oidc"), `{"type":"openIdConnect",
		"openIdConnectUrl":"https://tenant.eu.auth0.com/.well-known/openid-configuration",
		"description":"An ID or access token of https://tenant.eu.auth0.com/, sent as Authorization: Bearer <token>. Its aud must hold https://api.example.com; the caller's role comes from its roles claim."}`)
	if got := at(t, doc, "components", "securitySchemes", "bearerAuth", "description").(string); !strings.Contains(got, "https://tenant.eu.auth0.com/") {
		t.Errorf("the bearer scheme does not mention the identity provider: %q", got)
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
