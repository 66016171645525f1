package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/template"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// The independent tools of the contract test, at exact versions.
const (
	// oapiCodegen generates the typed client. It reads OpenAPI 3.0 only
	// (https://github.com/oapi-codegen/oapi-codegen/issues/373), so it is
	// given a 3.0 copy of the document made by downgradeTo30.
	oapiCodegen = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.5.1"
	// oapiRuntime is the support module the generated client imports.
	oapiRuntime = "github.com/oapi-codegen/runtime v1.1.2"
	// The npm linters, run through npx.
	redoclyCLI   = "@redocly/cli@2.77.0"
	spectralCLI  = "@stoplight/spectral-cli@6.16.3"
	lintRulesDir = "testdata/openapi"
)

// TestOpenAPIContract checks, for every testdata schema, that the generated
// api/openapi.json is a valid OpenAPI 3.1 document (libopenapi-validator,
// Redocly and Spectral), then generates a typed Go client from it with
// oapi-codegen, drives every operation of the running server through that
// client, and validates every response the server sends against the
// document.
func TestOpenAPIContract(t *testing.T) {
	skipUnlessServersRun(t, "contract")
	cases := selectCases(t, findCases(t))
	scaffold := buildScaffold(t)
	codegen := filepath.Join(t.TempDir(), "bin")
	mustRunWith(t, repoRoot, []string{"GOBIN=" + codegen}, "go", "install", oapiCodegen)
	codegen = filepath.Join(codegen, "oapi-codegen")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runContract(t, scaffold, codegen, c) })
	}
}

func runContract(t *testing.T, scaffold, codegen string, c schemaCase) {
	p, err := schema.Load(c.file)
	if err != nil {
		t.Fatalf("loading %s:\n%v", c.file, err)
	}
	view, err := generator.NewProjectView(p)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, c.name)
	mustRunWith(t, tmp, nil, scaffold, "new", dir, "--schema", c.file)
	// The generated file is the document under test; the server must
	// serve the same bytes (checked below).
	docPath := filepath.Join(dir, "api", "openapi.json")
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	v := newContractValidator(t, doc)
	lintDocument(t, docPath)

	driver := filepath.Join(tmp, "driver")
	writeDriver(t, driver, codegen, doc, view)

	server := filepath.Join(tmp, "server")
	mustRunWith(t, dir, nil, "go", "build", "-o", server, "./cmd/server")
	env := append([]string{
		"APP_ENV=development",
		"DATABASE_URL=sqlite:" + filepath.Join(tmp, "app.db"),
	}, authEnv(p)...)
	if p.Auth.Enabled {
		// The driver signs in as this admin, whose users row needs the
		// migrated database before the server starts.
		if _, ok := output(t, dir, env, server, "migrate", "up"); !ok {
			t.FailNow()
		}
		createUser(t, server, dir, env, adminEmail, "admin", adminPassword)
	}
	srv := startServer(t, server, dir, env)
	proxy := httptest.NewServer(v.proxy(t, srv.url))
	defer proxy.Close()

	// A failing driver still leaves the validation to report.
	runWith(t, driver, nil, "go", "run", ".", proxy.URL)
	v.check(t)
	checkServedDocument(t, srv.url, doc)
	srv.stop(t)
}

// checkServedDocument compares GET /openapi.json with api/openapi.json.
func checkServedDocument(t *testing.T, base string, doc []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+generator.OpenAPIPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	served, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(served, doc) {
		t.Errorf("GET %s: %s, %d bytes; want 200 and the %d bytes of api/openapi.json",
			generator.OpenAPIPath, resp.Status, len(served), len(doc))
	}
}

// lintDocument runs Redocly and Spectral on the document with the rules in
// testdata/openapi. Without npx they cannot run: that fails in CI and is
// reported as a skip elsewhere.
func lintDocument(t *testing.T, docPath string) {
	t.Run("lint", func(t *testing.T) {
		if _, err := exec.LookPath("npx"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("npx not found: CI must install Node.js to lint the OpenAPI documents")
			}
			t.Skip("npx not found: install Node.js to lint the OpenAPI documents with Redocly and Spectral")
		}
		rules, err := filepath.Abs(filepath.Join(repoRoot, lintRulesDir))
		if err != nil {
			t.Fatal(err)
		}
		// Redocly fails on errors only; warnings count too.
		redocly := exec.CommandContext(t.Context(), "npx", "--yes", redoclyCLI, "lint",
			"--config", filepath.Join(rules, "redocly.yaml"), docPath)
		redocly.Dir = rules
		out, err := redocly.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("Your API description is valid")) || redoclyWarnings.Match(out) {
			t.Errorf("redocly lint: %v\n%s", err, out)
		}
		runWith(t, rules, nil, "npx", "--yes", spectralCLI, "lint", "--fail-severity", "warn",
			"--ruleset", filepath.Join(rules, ".spectral.yaml"), docPath)
	})
}

// redoclyWarnings matches Redocly's count of warnings, as in "You have 2
// warnings."
var redoclyWarnings = regexp.MustCompile(`\b[0-9]+ warnings?\b`)

// mustRunWith runs a command with extra environment variables; its failure
// leaves nothing else to test.
func mustRunWith(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	if !runWith(t, dir, env, name, args...) {
		t.FailNow()
	}
}

// runWith runs a command in dir with extra environment variables. On
// failure it marks the test failed with the command's whole output and
// returns false.
func runWith(t *testing.T, dir string, env []string, name string, args ...string) bool {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s (in %s): %v\n%s", strings.Join(cmd.Args, " "), dir, err, out)
		return false
	}
	return true
}

// contractValidator checks exchanges against the document and records which
// operations were exercised.
type contractValidator struct {
	v   validator.Validator
	ops []docOperation

	mu        sync.Mutex
	exercised map[string]bool
	problems  []string
}

// docOperation is one operation of the document.
type docOperation struct {
	key     string // "GET /api/v1/products/{id}"
	method  string
	pattern *regexp.Regexp
}

func newContractValidator(t *testing.T, doc []byte) *contractValidator {
	t.Helper()
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatalf("libopenapi cannot read api/openapi.json: %v", err)
	}
	// Formats (date-time, date, uuid, email, uri) are annotations in JSON
	// Schema 2020-12 unless asserted: the contract includes them.
	v, errs := validator.NewValidator(d, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("libopenapi-validator cannot use api/openapi.json: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("api/openapi.json breaks the OpenAPI 3.1 schema: %s", e.Error())
		}
		t.FailNow()
	}
	var raw struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		t.Fatal(err)
	}
	cv := &contractValidator{v: v, exercised: map[string]bool{}}
	segment := regexp.MustCompile(`\\\{[a-z_]+\\\}`)
	for path, item := range raw.Paths {
		re := regexp.MustCompile("^" + segment.ReplaceAllString(regexp.QuoteMeta(path), "[^/]+") + "$")
		for method := range item {
			if method == "parameters" {
				continue
			}
			m := strings.ToUpper(method)
			cv.ops = append(cv.ops, docOperation{key: m + " " + path, method: m, pattern: re})
		}
	}
	slices.SortFunc(cv.ops, func(a, b docOperation) int { return strings.Compare(a.key, b.key) })
	return cv
}

// proxy forwards to the server and validates each response against the
// document on its way back to the client.
func (cv *contractValidator) proxy(t *testing.T, target string) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		cv.validate(resp.Request, resp, body)
		return nil
	}
	return rp
}

func (cv *contractValidator) validate(req *http.Request, resp *http.Response, body []byte) {
	cv.mu.Lock()
	defer cv.mu.Unlock()
	exchange := fmt.Sprintf("%s %s -> %d", req.Method, req.URL.RequestURI(), resp.StatusCode)
	matched := false
	for _, op := range cv.ops {
		if op.method == req.Method && op.pattern.MatchString(req.URL.Path) {
			cv.exercised[op.key+" "+fmt.Sprint(resp.StatusCode)] = true
			cv.exercised[op.key] = true
			matched = true
		}
	}
	if !matched {
		cv.problems = append(cv.problems, exchange+": no operation of the document matches")
		return
	}
	// The validator reads the body: give it a copy.
	check := *resp
	check.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := cv.v.ValidateHttpResponse(req, &check); !ok {
		for _, e := range errs {
			msg := e.Error()
			for _, se := range e.SchemaValidationErrors {
				msg += "; " + se.FieldPath + ": " + se.Reason
			}
			cv.problems = append(cv.problems, fmt.Sprintf("%s: %s\n\tbody: %.400s", exchange, msg, body))
		}
	}
}

// check reports every response that broke the document and every operation
// the driver did not reach.
func (cv *contractValidator) check(t *testing.T) {
	t.Helper()
	cv.mu.Lock()
	defer cv.mu.Unlock()
	for _, p := range cv.problems {
		t.Errorf("response does not match api/openapi.json: %s", p)
	}
	n := 0
	for _, op := range cv.ops {
		if !cv.exercised[op.key] {
			t.Errorf("the driver never called %s", op.key)
			continue
		}
		n++
	}
	t.Logf("%d operations exercised, %d distinct (operation, status) pairs validated", n, len(cv.exercised)-n)
}

// downgradeTo30 rewrites the 3.1 document as OpenAPI 3.0.3 for
// oapi-codegen, which reads 3.0 only. The generated document uses exactly
// three 3.1 features, each with a 3.0 equivalent: type arrays with "null"
// (type plus nullable: true), null in enum (dropped; nullable says it), and
// examples (example, the first one).
func downgradeTo30(doc []byte) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	d["openapi"] = "3.0.3"
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if types, ok := x["type"].([]any); ok {
				var rest []any
				for _, ty := range types {
					if ty == "null" {
						x["nullable"] = true
					} else {
						rest = append(rest, ty)
					}
				}
				if len(rest) == 1 {
					x["type"] = rest[0]
				}
			}
			if enum, ok := x["enum"].([]any); ok {
				x["enum"] = slices.DeleteFunc(enum, func(v any) bool { return v == nil })
			}
			if ex, ok := x["examples"].([]any); ok && len(ex) > 0 {
				x["example"] = ex[0]
				delete(x, "examples")
			}
			for _, v := range x {
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	walk(d)
	return json.MarshalIndent(d, "", "  ")
}

// writeDriver writes the driver module: the typed client generated by
// oapi-codegen from the 3.0 copy, and a main program calling every
// operation through it.
func writeDriver(t *testing.T, dir, codegen string, doc []byte, view *generator.ProjectView) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "client"), 0o755); err != nil {
		t.Fatal(err)
	}
	doc30, err := downgradeTo30(doc)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("openapi-3.0.json", string(doc30))
	write("oapi-codegen.yaml", "package: client\ngenerate:\n  client: true\n  models: true\noutput: client/client.gen.go\n")
	write("go.mod", "module contractdriver\n\ngo 1.24\n\nrequire "+oapiRuntime+"\n")
	mustRunWith(t, dir, nil, codegen, "-config", "oapi-codegen.yaml", "openapi-3.0.json")

	var src bytes.Buffer
	if err := driverTemplate.Execute(&src, newDriverView(t, view)); err != nil {
		t.Fatal(err)
	}
	write("main.go", src.String())
	mustRunWith(t, dir, []string{"GOFLAGS=-mod=mod"}, "go", "mod", "tidy")
}

// driverView is the data of the driver template.
type driverView struct {
	Entities []driverEntity
	Auth     *driverAuth // nil without auth
}

// driverAuth is what the driver needs to sign in and to call the auth
// operations. Strings are Go string literals.
type driverAuth struct {
	AdminEmail, AdminPassword string // the admin the test creates
	Registration              bool   // authRegister exists
	DefaultRole               string // the role of a registered user
	// Register is a registration body, RegisterShort the same with a
	// password below the minimum length (JSON, as Go string literals).
	Register, RegisterShort         string
	RegisteredEmail, RegisteredPass string
	// The user the driver creates through POST /users, as created: it has
	// a role other than admin.
	UserEmail, UserPassword string
	// The statuses of GET /users for an anonymous caller and for that user.
	ListUsersAnonymous, ListUsersAsUser int
}

type driverEntity struct {
	*generator.EntityView
	Create, Replace, Patch string   // JSON bodies, as Go string literals
	Parents                []string // "json_key": parent id variable
	Unique                 bool     // a second create with the same body conflicts
	// StillReferenced: a soft-deleted child row keeps referencing the row,
	// so deleting it is refused.
	StillReferenced bool
	Filters         []string // list parameters, as Go string literals of JSON
}

// MissingJSON is a well-formed id no row has, as a Go literal of JSON.
func (e driverEntity) MissingJSON() string {
	if e.UUIDKey {
		return fmt.Sprintf("%q", `"`+e.MissingID()+`"`)
	}
	return fmt.Sprintf("%q", e.MissingID())
}

// IDVar is the variable of the entity's created id.
func (e driverEntity) IDVar() string { return "id" + e.Name }

func newDriverView(t *testing.T, pv *generator.ProjectView) driverView {
	t.Helper()
	var out driverView
	created := map[string]bool{}
	// Parents first, so that every foreign key can be filled.
	remaining := slices.Clone(pv.Entities)
	for len(remaining) > 0 {
		progress := false
		for i, e := range remaining {
			ready := true
			for _, b := range e.RequiredParents() {
				ready = ready && created[b.Target.Name]
			}
			if !ready {
				continue
			}
			out.Entities = append(out.Entities, newDriverEntity(t, e, created))
			created[e.Name] = true
			remaining = slices.Delete(remaining, i, i+1)
			progress = true
			break
		}
		if !progress {
			t.Fatalf("required relations form a cycle among %d entities", len(remaining))
		}
	}
	if pv.Auth != nil {
		out.Auth = newDriverAuth(t, pv)
	}
	// A child created later references the row; a soft-deleted child keeps
	// that reference.
	position := map[string]int{}
	for i, de := range out.Entities {
		position[de.Name] = i
	}
	for i := range out.Entities {
		de := &out.Entities[i]
		for _, hm := range de.RestrictChildren() {
			if hm.Child.SoftDelete && position[hm.Child.Name] > i {
				de.StillReferenced = true
			}
		}
	}
	return out
}

// jsonLiteral is v as JSON, in a Go string literal.
func jsonLiteral(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%q", b)
}

// userRole is the role of the user the driver creates through /users: the
// last role that is not admin, so that its token is refused somewhere.
func userRole(a *generator.AuthView) string {
	for _, r := range slices.Backward(a.Roles) {
		if r != "admin" {
			return r
		}
	}
	return "admin"
}

// registeredEmail is the email of the user the driver registers; the
// samples of the User entity's email are different.
const registeredEmail = "registered@contract.example.com"

func newDriverAuth(t *testing.T, pv *generator.ProjectView) *driverAuth {
	a := pv.Auth
	user := generator.SampleObject(a.User.Schema, 0)
	role := userRole(a)
	da := &driverAuth{
		AdminEmail:         fmt.Sprintf("%q", adminEmail),
		AdminPassword:      fmt.Sprintf("%q", adminPassword),
		Registration:       a.Registration,
		DefaultRole:        fmt.Sprintf("%q", a.DefaultRole),
		UserEmail:          fmt.Sprintf("%q", user["email"]),
		UserPassword:       fmt.Sprintf("%q", generator.SamplePassword(a.PasswordMinLength, 0)),
		ListUsersAnonymous: a.User.ExpectedStatus(generator.Actor{Name: "anonymous"}, "list"),
		ListUsersAsUser:    a.User.ExpectedStatus(generator.Actor{Name: role, Role: role}, "list"),
	}
	// Registration takes the declared fields of User, not its role.
	register := generator.SampleObject(a.User.Schema, 3)
	delete(register, "role")
	register["email"] = registeredEmail
	register["password"] = generator.SamplePassword(a.PasswordMinLength, 3)
	da.Register = jsonLiteral(t, register)
	da.RegisteredEmail = fmt.Sprintf("%q", registeredEmail)
	da.RegisteredPass = fmt.Sprintf("%q", register["password"])
	register["email"] = "short." + registeredEmail
	register["password"] = "short"
	da.RegisterShort = jsonLiteral(t, register)
	return da
}

func newDriverEntity(t *testing.T, e *generator.EntityView, created map[string]bool) driverEntity {
	de := driverEntity{EntityView: e}
	sample := func(n int) map[string]any { return generator.SampleObject(e.Schema, n) }
	lit := func(v any) string { return jsonLiteral(t, v) }
	create, replace := sample(0), sample(1)
	for _, f := range e.Fields {
		if f.Schema.Immutable {
			replace[f.Name] = create[f.Name]
		}
		de.Unique = de.Unique || f.Schema.Unique
	}
	patch := map[string]any{}
	if f := e.PatchField(); f != nil {
		patch[f.Name] = sample(2)[f.Name]
	}
	if e.Schema.System {
		// The users of auth: a password to create one, and a new one on
		// every change, which the write-only member accepts.
		minLength := e.Project.Auth.PasswordMinLength
		create["role"] = userRole(e.Project.Auth)
		create["password"] = generator.SamplePassword(minLength, 0)
		replace["password"] = generator.SamplePassword(minLength, 1)
		patch["password"] = generator.SamplePassword(minLength, 2)
	}
	de.Create, de.Replace, de.Patch = lit(create), lit(replace), lit(patch)

	for _, b := range e.BelongsTo {
		if created[b.Target.Name] {
			de.Parents = append(de.Parents, fmt.Sprintf("%q: id%s", b.Column, b.Target.Name))
		}
	}
	de.Filters = append(de.Filters, lit(map[string]any{"total": true, "limit": 5, "sort": "-id"}))
	for _, f := range e.EqFilterFields() {
		de.Filters = append(de.Filters, lit(map[string]any{f.Name: create[f.Name]}))
	}
	return de
}

var driverTemplate = template.Must(template.New("driver").Parse(`// Command contractdriver calls every operation of the API through the
// client that oapi-codegen generated from the document.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"contractdriver/client"
)

var failures []string

// expect records a failure unless the answer has the wanted status.
func expect(op string, got, want int, body []byte) {
	if got != want {
		failures = append(failures, fmt.Sprintf("%s: status %d, want %d: %.300s", op, got, want, body))
	}
}

func must(op string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", op, err)
		os.Exit(1)
	}
}

// typed decodes JSON text into the client's type T, after setting extra keys.
func typed[T any](text string, extra map[string]any) T {
	var m map[string]any
	must("sample", json.Unmarshal([]byte(text), &m))
	for k, v := range extra {
		m[k] = v
	}
	data, err := json.Marshal(m)
	must("sample", err)
	var out T
	must("sample", json.Unmarshal(data, &out))
	return out
}

// zero returns the zero value of the type p points to. Ids are pointers in
// the client's models because the document marks them readOnly.
func zero[T any](p *T) T {
	var v T
	return v
}

{{- if .Auth}}

// bearer sends token in the Authorization header of every request.
func bearer(token string) client.ClientOption {
	return client.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	})
}

// login signs in through authLogin; without a token pair nothing else can
// be called.
func login(ctx context.Context, c *client.ClientWithResponses, op, email, password string) client.TokenPair {
	r, err := c.AuthLoginWithResponse(ctx, typed[client.AuthLoginJSONRequestBody]("{}", map[string]any{"email": email, "password": password}))
	must(op, err)
	expect(op, r.StatusCode(), http.StatusOK, r.Body)
	if r.JSON200 == nil || r.JSON200.AccessToken == "" || r.JSON200.RefreshToken == "" || r.JSON200.TokenType != "Bearer" {
		fmt.Fprintf(os.Stderr, "%s: no token pair: %s\n", op, r.Body)
		os.Exit(1)
	}
	return *r.JSON200
}

// signedIn is a client sending token.
func signedIn(token string) *client.ClientWithResponses {
	c, err := client.NewClientWithResponses(os.Args[1], bearer(token))
	must("client", err)
	return c
}

// refresh calls authRefresh with token and expects want.
func refresh(ctx context.Context, c *client.ClientWithResponses, op, token string, want int) *client.AuthRefreshResponse {
	r, err := c.AuthRefreshWithResponse(ctx, typed[client.AuthRefreshJSONRequestBody]("{}", map[string]any{"refresh_token": token}))
	must(op, err)
	expect(op, r.StatusCode(), want, r.Body)
	return r
}

// me calls authMe and expects want; on 200 the user must be email's.
func me(ctx context.Context, c *client.ClientWithResponses, op, email string, want int) *client.AuthMeResponse {
	r, err := c.AuthMeWithResponse(ctx)
	must(op, err)
	expect(op, r.StatusCode(), want, r.Body)
	if want == http.StatusOK && (r.JSON200 == nil || string(r.JSON200.Email) != email) {
		failures = append(failures, fmt.Sprintf("%s: not the user %s: %.300s", op, email, r.Body))
	}
	return r
}

// listUsers calls listUsers and expects want.
func listUsers(ctx context.Context, c *client.ClientWithResponses, op string, want int) {
	r, err := c.ListUsersWithResponse(ctx, &client.ListUsersParams{})
	must(op, err)
	expect(op, r.StatusCode(), want, r.Body)
}
{{- end}}

func main() {
	ctx := context.Background()
	c, err := client.NewClientWithResponses(os.Args[1])
	must("client", err)
{{- with .Auth}}
	// Every operation is called as the admin; the auth operations below
	// also sign in as other users.
	anon := c
	admin := login(ctx, anon, "authLogin admin", {{.AdminEmail}}, {{.AdminPassword}})
	c = signedIn(admin.AccessToken)
{{- end}}
{{range .Entities}}
	var {{.IDVar}} = zero(client.{{.Name}}{}.Id)
	missing{{.Name}} := {{.IDVar}}
	must("missing{{.Name}}", json.Unmarshal([]byte({{.MissingJSON}}), &missing{{.Name}}))
	{
		body := typed[client.Create{{.Name}}JSONRequestBody]({{.Create}}, map[string]any{ {{- range $i, $p := .Parents}}{{if $i}}, {{end}}{{$p}}{{end -}} })
		r, err := c.Create{{.Name}}WithResponse(ctx, body)
		must("create{{.Name}}", err)
		expect("create{{.Name}}", r.StatusCode(), http.StatusCreated, r.Body)
		if r.JSON201 == nil || r.JSON201.Id == nil {
			fmt.Fprintf(os.Stderr, "create{{.Name}}: no typed body: %s\n", r.Body)
			os.Exit(1)
		}
		{{.IDVar}} = *r.JSON201.Id
{{- if .Unique}}
		r, err = c.Create{{.Name}}WithResponse(ctx, body)
		must("create{{.Name}} again", err)
		expect("create{{.Name}} again", r.StatusCode(), http.StatusConflict, r.Body)
{{- end}}
		bad, err := c.Create{{.Name}}WithBodyWithResponse(ctx, "application/json", strings.NewReader(` + "`" + `{"no_such_field": 1}` + "`" + `))
		must("create{{.Name}} unknown field", err)
		expect("create{{.Name}} unknown field", bad.StatusCode(), http.StatusBadRequest, bad.Body)
		bad, err = c.Create{{.Name}}WithBodyWithResponse(ctx, "text/plain", strings.NewReader("x"))
		must("create{{.Name}} text", err)
		expect("create{{.Name}} text", bad.StatusCode(), http.StatusUnsupportedMediaType, bad.Body)
	}
	{
		r, err := c.Get{{.Name}}WithResponse(ctx, {{.IDVar}})
		must("get{{.Name}}", err)
		expect("get{{.Name}}", r.StatusCode(), http.StatusOK, r.Body)
		r, err = c.Get{{.Name}}WithResponse(ctx, missing{{.Name}})
		must("get{{.Name}} missing", err)
		expect("get{{.Name}} missing", r.StatusCode(), http.StatusNotFound, r.Body)
	}
{{- end}}
{{- with .Auth}}
	{
		r, err := anon.AuthLoginWithResponse(ctx, typed[client.AuthLoginJSONRequestBody]("{}", map[string]any{"email": {{.AdminEmail}}, "password": "not the password"}))
		must("authLogin wrong password", err)
		expect("authLogin wrong password", r.StatusCode(), http.StatusUnauthorized, r.Body)
		bad, err := anon.AuthLoginWithBodyWithResponse(ctx, "application/json", strings.NewReader(` + "`" + `{"email": 1}` + "`" + `))
		must("authLogin bad body", err)
		expect("authLogin bad body", bad.StatusCode(), http.StatusBadRequest, bad.Body)
		bad, err = anon.AuthLoginWithBodyWithResponse(ctx, "text/plain", strings.NewReader("x"))
		must("authLogin text", err)
		expect("authLogin text", bad.StatusCode(), http.StatusUnsupportedMediaType, bad.Body)
		me(ctx, anon, "authMe anonymous", "", http.StatusUnauthorized)
		me(ctx, signedIn("not-a-token"), "authMe invalid token", "", http.StatusUnauthorized)
		me(ctx, c, "authMe admin", {{.AdminEmail}}, http.StatusOK)
		listUsers(ctx, anon, "listUsers anonymous", {{.ListUsersAnonymous}})
	}
{{- if .Registration}}
	{
		body := typed[client.AuthRegisterJSONRequestBody]({{.Register}}, nil)
		r, err := anon.AuthRegisterWithResponse(ctx, body)
		must("authRegister", err)
		expect("authRegister", r.StatusCode(), http.StatusCreated, r.Body)
		if r.StatusCode() == http.StatusCreated && (r.JSON201 == nil || string(r.JSON201.Role) != {{.DefaultRole}}) {
			failures = append(failures, fmt.Sprintf("authRegister: want a user with role %s: %.300s", {{.DefaultRole}}, r.Body))
		}
		r, err = anon.AuthRegisterWithResponse(ctx, body)
		must("authRegister again", err)
		expect("authRegister again", r.StatusCode(), http.StatusConflict, r.Body)
		r, err = anon.AuthRegisterWithResponse(ctx, typed[client.AuthRegisterJSONRequestBody]({{.RegisterShort}}, nil))
		must("authRegister short password", err)
		expect("authRegister short password", r.StatusCode(), http.StatusBadRequest, r.Body)
		r, err = anon.AuthRegisterWithBodyWithResponse(ctx, "application/json", strings.NewReader(` + "`" + `{"email": "role@contract.example.com", "password": "a long enough password", "role": "admin"}` + "`" + `))
		must("authRegister with a role", err)
		expect("authRegister with a role", r.StatusCode(), http.StatusBadRequest, r.Body)
		r, err = anon.AuthRegisterWithBodyWithResponse(ctx, "text/plain", strings.NewReader("x"))
		must("authRegister text", err)
		expect("authRegister text", r.StatusCode(), http.StatusUnsupportedMediaType, r.Body)
		pair := login(ctx, anon, "authLogin registered", {{.RegisteredEmail}}, {{.RegisteredPass}})
		me(ctx, signedIn(pair.AccessToken), "authMe registered", {{.RegisteredEmail}}, http.StatusOK)
	}
{{- end}}
	{
		// The user created through /users signs in with its password.
		first := login(ctx, anon, "authLogin user", {{.UserEmail}}, {{.UserPassword}})
		user := signedIn(first.AccessToken)
		me(ctx, user, "authMe user", {{.UserEmail}}, http.StatusOK)
		listUsers(ctx, user, "listUsers as user", {{.ListUsersAsUser}})
		// A refresh token is good for one refresh; presenting it again
		// revokes the tokens refreshed from it too.
		r := refresh(ctx, anon, "authRefresh", first.RefreshToken, http.StatusOK)
		if r.JSON200 == nil || r.JSON200.AccessToken == "" || r.JSON200.RefreshToken == first.RefreshToken {
			fmt.Fprintf(os.Stderr, "authRefresh: no new token pair: %s\n", r.Body)
			os.Exit(1)
		}
		me(ctx, signedIn(r.JSON200.AccessToken), "authMe refreshed", {{.UserEmail}}, http.StatusOK)
		refresh(ctx, anon, "authRefresh reused", first.RefreshToken, http.StatusUnauthorized)
		refresh(ctx, anon, "authRefresh after reuse", r.JSON200.RefreshToken, http.StatusUnauthorized)
		bad, err := anon.AuthRefreshWithBodyWithResponse(ctx, "application/json", strings.NewReader("{}"))
		must("authRefresh no token", err)
		expect("authRefresh no token", bad.StatusCode(), http.StatusBadRequest, bad.Body)
		// Logging out revokes the refresh token; an unknown one is no error.
		second := login(ctx, anon, "authLogin user again", {{.UserEmail}}, {{.UserPassword}})
		for _, step := range []struct {
			op, token string
		}{
			{"authLogout", second.RefreshToken},
			{"authLogout again", second.RefreshToken},
			{"authLogout unknown", "no-such-refresh-token"},
		} {
			l, err := anon.AuthLogoutWithResponse(ctx, typed[client.AuthLogoutJSONRequestBody]("{}", map[string]any{"refresh_token": step.token}))
			must(step.op, err)
			expect(step.op, l.StatusCode(), http.StatusNoContent, l.Body)
		}
		refresh(ctx, anon, "authRefresh after logout", second.RefreshToken, http.StatusUnauthorized)
		l, err := anon.AuthLogoutWithBodyWithResponse(ctx, "application/json", strings.NewReader("[]"))
		must("authLogout bad body", err)
		expect("authLogout bad body", l.StatusCode(), http.StatusBadRequest, l.Body)
	}
{{- end}}
{{range .Entities}}{{$e := .}}
	{
{{- range .Filters}}
		{
			r, err := c.List{{$e.PluralName}}WithResponse(ctx, typed[*client.List{{$e.PluralName}}Params]({{.}}, nil))
			must("list{{$e.PluralName}}", err)
			expect("list{{$e.PluralName}} "+{{.}}, r.StatusCode(), http.StatusOK, r.Body)
			if r.StatusCode() == http.StatusOK && (r.JSON200 == nil || len(r.JSON200.Items) == 0) {
				failures = append(failures, "list{{$e.PluralName}} "+{{.}}+": no rows")
			}
		}
{{- end}}
		bad, err := c.List{{.PluralName}}WithResponse(ctx, typed[*client.List{{.PluralName}}Params]("{\"limit\":0}", nil))
		must("list{{.PluralName}} limit 0", err)
		expect("list{{.PluralName}} limit 0", bad.StatusCode(), http.StatusBadRequest, bad.Body)
	}
	{
		body := typed[client.Replace{{.Name}}JSONRequestBody]({{.Replace}}, map[string]any{ {{- range $i, $p := .Parents}}{{if $i}}, {{end}}{{$p}}{{end -}} })
		r, err := c.Replace{{.Name}}WithResponse(ctx, {{.IDVar}}, body)
		must("replace{{.Name}}", err)
		expect("replace{{.Name}}", r.StatusCode(), http.StatusOK, r.Body)
		p, err := c.Update{{.Name}}WithApplicationMergePatchPlusJSONBodyWithResponse(ctx, {{.IDVar}},
			typed[client.Update{{.Name}}ApplicationMergePatchPlusJSONRequestBody]({{.Patch}}, nil))
		must("update{{.Name}}", err)
		expect("update{{.Name}}", p.StatusCode(), http.StatusOK, p.Body)
		p, err = c.Update{{.Name}}WithResponse(ctx, {{.IDVar}}, typed[client.Update{{.Name}}JSONRequestBody]({{.Patch}}, nil))
		must("update{{.Name}} json", err)
		expect("update{{.Name}} json", p.StatusCode(), http.StatusOK, p.Body)
		p, err = c.Update{{.Name}}WithResponse(ctx, missing{{.Name}}, typed[client.Update{{.Name}}JSONRequestBody]({{.Patch}}, nil))
		must("update{{.Name}} missing", err)
		expect("update{{.Name}} missing", p.StatusCode(), http.StatusNotFound, p.Body)
	}
{{- range .HasMany}}
	{
		r, err := c.List{{.GoName}}Of{{$e.Name}}WithResponse(ctx, {{$e.IDVar}}, &client.List{{.GoName}}Of{{$e.Name}}Params{})
		must("list{{.GoName}}Of{{$e.Name}}", err)
		expect("list{{.GoName}}Of{{$e.Name}}", r.StatusCode(), http.StatusOK, r.Body)
		r, err = c.List{{.GoName}}Of{{$e.Name}}WithResponse(ctx, missing{{$e.Name}}, &client.List{{.GoName}}Of{{$e.Name}}Params{})
		must("list{{.GoName}}Of{{$e.Name}} missing", err)
		expect("list{{.GoName}}Of{{$e.Name}} missing", r.StatusCode(), http.StatusNotFound, r.Body)
	}
{{- end}}
{{- range .ManyToMany}}
	{
		l, err := c.Link{{$e.Name}}{{.GoName}}WithResponse(ctx, {{$e.IDVar}}, id{{.Target.Name}})
		must("link{{$e.Name}}{{.GoName}}", err)
		expect("link{{$e.Name}}{{.GoName}}", l.StatusCode(), http.StatusNoContent, l.Body)
		r, err := c.List{{.GoName}}Of{{$e.Name}}WithResponse(ctx, {{$e.IDVar}}, &client.List{{.GoName}}Of{{$e.Name}}Params{})
		must("list{{.GoName}}Of{{$e.Name}}", err)
		expect("list{{.GoName}}Of{{$e.Name}}", r.StatusCode(), http.StatusOK, r.Body)
		r, err = c.List{{.GoName}}Of{{$e.Name}}WithResponse(ctx, missing{{$e.Name}}, &client.List{{.GoName}}Of{{$e.Name}}Params{})
		must("list{{.GoName}}Of{{$e.Name}} missing", err)
		expect("list{{.GoName}}Of{{$e.Name}} missing", r.StatusCode(), http.StatusNotFound, r.Body)
		u, err := c.Unlink{{$e.Name}}{{.GoName}}WithResponse(ctx, {{$e.IDVar}}, id{{.Target.Name}})
		must("unlink{{$e.Name}}{{.GoName}}", err)
		expect("unlink{{$e.Name}}{{.GoName}}", u.StatusCode(), http.StatusNoContent, u.Body)
		l, err = c.Link{{$e.Name}}{{.GoName}}WithResponse(ctx, {{$e.IDVar}}, missing{{.Target.Name}})
		must("link{{$e.Name}}{{.GoName}} missing", err)
		expect("link{{$e.Name}}{{.GoName}} missing", l.StatusCode(), http.StatusNotFound, l.Body)
	}
{{- end}}
{{- end}}
{{range .ReversedEntities}}
	{
		r, err := c.Delete{{.Name}}WithResponse(ctx, {{.IDVar}})
		must("delete{{.Name}}", err)
{{- if .StillReferenced}}
		// A soft-deleted child keeps its reference, which restricts the delete.
		expect("delete{{.Name}}", r.StatusCode(), http.StatusConflict, r.Body)
{{- else}}
		expect("delete{{.Name}}", r.StatusCode(), http.StatusNoContent, r.Body)
		r, err = c.Delete{{.Name}}WithResponse(ctx, {{.IDVar}})
		must("delete{{.Name}} again", err)
		expect("delete{{.Name}} again", r.StatusCode(), http.StatusNotFound, r.Body)
{{- end}}
	}
{{- end}}
	{
		h, err := c.GetHealthWithResponse(ctx)
		must("getHealth", err)
		expect("getHealth", h.StatusCode(), http.StatusOK, h.Body)
		r, err := c.GetReadinessWithResponse(ctx)
		must("getReadiness", err)
		expect("getReadiness", r.StatusCode(), http.StatusOK, r.Body)
		m, err := c.GetMetricsWithResponse(ctx)
		must("getMetrics", err)
		expect("getMetrics", m.StatusCode(), http.StatusOK, m.Body)
		d, err := c.GetOpenAPIWithResponse(ctx)
		must("getOpenAPI", err)
		expect("getOpenAPI", d.StatusCode(), http.StatusOK, d.Body)
	}
	if len(failures) > 0 {
		fmt.Fprintln(os.Stderr, strings.Join(failures, "\n"))
		os.Exit(1)
	}
}
`))

// ReversedEntities lists the entities children first, the order in which
// they can be deleted.
func (v driverView) ReversedEntities() []driverEntity {
	out := slices.Clone(v.Entities)
	slices.Reverse(out)
	return out
}

// TestContractValidatorRejects proves that the contract check can fail: a
// response that breaks the shop document in one way each is reported, and a
// conforming one is not.
func TestContractValidatorRejects(t *testing.T) {
	p, err := schema.Load(filepath.Join(repoRoot, "testdata", "golden", "shop", "scaffold.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	view, err := generator.NewProjectView(p)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := view.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	cv := newContractValidator(t, []byte(doc))
	const ts = `, "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z"}`
	const good = `{"id": 1, "name": "Books", "slug": "books"` + ts
	cases := []struct {
		name, method, path, status, contentType, body string
		header                                        string // a Location header, if any
		wantProblem                                   bool
	}{
		{"conforming", "GET", "/api/v1/categories/1", "200", "application/json", good, "", false},
		{"missing key", "GET", "/api/v1/categories/1", "200", "application/json", `{"id": 1, "name": "Books"` + ts, "", true},
		{"unknown key", "GET", "/api/v1/categories/1", "200", "application/json", `{"id": 1, "name": "Books", "slug": "books", "secret": "x"` + ts, "", true},
		{"rule broken", "GET", "/api/v1/categories/1", "200", "application/json", `{"id": 1, "name": "Books", "slug": "Not A Slug"` + ts, "", true},
		{"wrong type", "GET", "/api/v1/categories/1", "200", "application/json", `{"id": "1", "name": "Books", "slug": "books"` + ts, "", true},
		{"bad timestamp", "GET", "/api/v1/categories/1", "200", "application/json", `{"id": 1, "name": "Books", "slug": "books", "created_at": "yesterday", "updated_at": "2024-01-02T03:04:05Z"}`, "", true},
		{"undeclared status", "GET", "/api/v1/categories/1", "201", "application/json", good, "", true},
		{"problem", "GET", "/api/v1/categories/1", "404", "application/problem+json", `{"type": "about:blank", "title": "Not Found", "status": 404}`, "", false},
		{"problem without status", "GET", "/api/v1/categories/1", "404", "application/problem+json", `{"type": "about:blank", "title": "Not Found"}`, "", true},
		{"created", "POST", "/api/v1/categories", "201", "application/json", good, "/api/v1/categories/1", false},
		{"created without Location", "POST", "/api/v1/categories", "201", "application/json", good, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cv.problems = nil
			req := httptest.NewRequest(c.method, c.path, nil)
			resp := &http.Response{
				StatusCode: atoi(t, c.status),
				Header:     http.Header{"Content-Type": {c.contentType}},
				Body:       io.NopCloser(strings.NewReader(c.body)),
				Request:    req,
			}
			if c.header != "" {
				resp.Header.Set("Location", c.header)
			}
			cv.validate(req, resp, []byte(c.body))
			if got := len(cv.problems) > 0; got != c.wantProblem {
				t.Errorf("problem reported: %v, want %v (%q)", got, c.wantProblem, cv.problems)
			}
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
