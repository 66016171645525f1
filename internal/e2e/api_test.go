package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// securityHeaders must be on every response (API.md, Operations). A value of
// "" means any non-empty value; a policy may add directives after the one
// required ("default-src 'none'; frame-ancestors 'none'").
var securityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"Content-Security-Policy": "default-src 'none'",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "",
	"X-Request-ID":            "",
}

// client talks to one generated server and checks what every response must
// carry.
type client struct {
	base string
	http *http.Client
	// reported keeps a missing header from being reported on every request.
	reported map[string]bool
	// token, when not empty, is sent as the bearer token of every request.
	token string
}

func newClient(base string) *client {
	return &client{base: base, http: &http.Client{Timeout: 30 * time.Second}, reported: map[string]bool{}}
}

// response is an HTTP answer with its body read.
type response struct {
	req    string // "METHOD PATH", for messages
	status int
	header http.Header
	body   []byte
}

// do sends body (marshalled to JSON unless it is already []byte) and reads
// the whole answer.
func (c *client) do(t *testing.T, method, path string, body any) *response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("%s %s: marshalling the body: %v", method, path, err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, c.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	out := &response{req: method + " " + path, status: resp.StatusCode, header: resp.Header, body: data}
	c.checkHeaders(t, out)
	return out
}

func (c *client) checkHeaders(t *testing.T, r *response) {
	t.Helper()
	for name, want := range securityHeaders {
		got := r.header.Get(name)
		ok := got != "" && (want == "" || got == want || strings.HasPrefix(got, want+";"))
		if !ok && !c.reported[name] {
			c.reported[name] = true
			t.Errorf("%s: header %s = %q, want %s", r.req, name, got, orAny(want))
		}
	}
}

func orAny(want string) string {
	if want == "" {
		return "any value"
	}
	return fmt.Sprintf("%q", want)
}

// expect fails the test unless the status is want, showing the body.
func (r *response) expect(t *testing.T, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d; body:\n%s", r.req, r.status, want, r.body)
	}
}

// object decodes the body as a JSON object, numbers kept exact.
func (r *response) object(t *testing.T) map[string]any {
	t.Helper()
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("%s: body is not a JSON object (%v):\n%s", r.req, err, r.body)
	}
	return obj
}

// items decodes a list page and returns its items.
func (r *response) items(t *testing.T) []map[string]any {
	t.Helper()
	var page struct {
		Items   []map[string]any `json:"items"`
		Limit   *int             `json:"limit"`
		Offset  *int             `json:"offset"`
		HasMore *bool            `json:"has_more"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&page); err != nil {
		t.Fatalf("%s: body is not a list page (%v):\n%s", r.req, err, r.body)
	}
	if page.Items == nil || page.Limit == nil || page.Offset == nil || page.HasMore == nil {
		t.Fatalf("%s: list page lacks items, limit, offset or has_more:\n%s", r.req, r.body)
	}
	return page.Items
}

// expectProblem checks an RFC 9457 problem answer with the given status.
func (r *response) expectProblem(t *testing.T, status int) map[string]any {
	t.Helper()
	r.expect(t, status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s: Content-Type %q, want application/problem+json", r.req, ct)
	}
	p := r.object(t)
	if fmt.Sprint(p["status"]) != fmt.Sprint(status) || p["title"] == nil {
		t.Errorf("%s: problem lacks status %d or title:\n%s", r.req, status, r.body)
	}
	return p
}

// fixtures creates objects with valid sample bodies, creating the parents of
// required relations first, once per parent entity.
type fixtures struct {
	c       *client
	view    *generator.ProjectView
	n       map[string]int // samples used per entity, so unique fields stay unique
	parents map[string]any // entity name -> id (as JSON gave it) of the shared parent row
}

// create posts a new valid object of e and returns the server's answer.
func (f *fixtures) create(t *testing.T, e *generator.EntityView) map[string]any {
	t.Helper()
	f.n[e.Name]++
	body := generator.SampleObject(e.Schema, f.n[e.Name])
	if e.Schema.System {
		body["password"] = generator.SamplePassword(f.view.Auth.PasswordMinLength, f.n[e.Name])
	}
	for _, b := range e.BelongsTo {
		if !b.Schema.Required {
			continue
		}
		if b.Target == e {
			t.Fatalf("%s.%s: a required self-reference cannot have a first row", e.Name, b.Name)
		}
		body[b.Column] = f.parent(t, b.Target)
	}
	path := f.path(e)
	resp := f.c.do(t, http.MethodPost, path, body)
	resp.expect(t, http.StatusCreated)
	obj := resp.object(t)
	id := idOf(t, resp, obj)
	if loc := resp.header.Get("Location"); !strings.HasSuffix(loc, path+"/"+id) {
		t.Errorf("%s: Location %q, want it to end with %s/%s", resp.req, loc, path, id)
	}
	for _, fv := range e.Fields {
		if _, ok := obj[fv.Name]; ok == fv.Schema.Sensitive {
			if ok {
				t.Errorf("%s: sensitive field %q is in the response", resp.req, fv.Name)
			} else {
				t.Errorf("%s: field %q is missing from the response", resp.req, fv.Name)
			}
		}
	}
	if e.Timestamps && (obj["created_at"] == nil || obj["updated_at"] == nil) {
		t.Errorf("%s: created_at or updated_at missing:\n%s", resp.req, resp.body)
	}
	return obj
}

// parent returns the id of the shared row of e, creating it on first use.
// The id keeps its JSON type (a number or a string), ready for a body; print
// it with fmt.Sprint for a URL.
func (f *fixtures) parent(t *testing.T, e *generator.EntityView) any {
	t.Helper()
	if id, ok := f.parents[e.Name]; ok {
		return id
	}
	id := f.create(t, e)["id"]
	f.parents[e.Name] = id
	return id
}

func (f *fixtures) path(e *generator.EntityView) string {
	return f.view.BasePath + "/" + e.Route
}

// idOf returns the object's id as it appears in URLs.
func idOf(t *testing.T, r *response, obj map[string]any) string {
	t.Helper()
	id, ok := obj["id"]
	if !ok || id == nil {
		t.Fatalf("%s: the object has no id:\n%s", r.req, r.body)
	}
	return fmt.Sprint(id)
}

// driveAPI exercises every route of every entity of the project.
func driveAPI(t *testing.T, c *client, p *schema.Project) {
	view, err := generator.NewProjectView(p)
	if err != nil {
		t.Fatal(err)
	}
	// Each part runs as its own subtest: a missing piece fails its part and
	// the rest still runs.
	t.Run("healthz", func(t *testing.T) {
		c.do(t, http.MethodGet, "/healthz", nil).expect(t, http.StatusOK)
	})
	t.Run("metrics", func(t *testing.T) {
		c.do(t, http.MethodGet, "/metrics", nil).expect(t, http.StatusOK)
	})
	t.Run("openapi", func(t *testing.T) {
		doc := c.do(t, http.MethodGet, "/openapi.json", nil)
		doc.expect(t, http.StatusOK)
		if v, _ := doc.object(t)["openapi"].(string); !strings.HasPrefix(v, "3.1") {
			t.Errorf("%s: openapi version %q, want 3.1.x", doc.req, v)
		}
	})
	t.Run("unknown route", func(t *testing.T) {
		c.do(t, http.MethodGet, view.BasePath+"/no-such-resource", nil).expectProblem(t, http.StatusNotFound)
	})

	f := &fixtures{c: c, view: view, n: map[string]int{}, parents: map[string]any{}}
	for _, e := range view.Entities {
		t.Run(e.Name, func(t *testing.T) { driveEntity(t, f, e) })
	}
}

// driveEntity runs the CRUD cycle, list parameters, relations and error
// answers of one entity.
func driveEntity(t *testing.T, f *fixtures, e *generator.EntityView) {
	c, path := f.c, f.path(e)

	first := f.create(t, e)
	second := f.create(t, e)
	firstID, secondID := fmt.Sprint(first["id"]), fmt.Sprint(second["id"])

	got := c.do(t, http.MethodGet, path+"/"+firstID, nil)
	got.expect(t, http.StatusOK)
	if id := fmt.Sprint(got.object(t)["id"]); id != firstID {
		t.Errorf("%s: id %s, want %s", got.req, id, firstID)
	}

	// Sort: the newest first, one per page.
	page := c.do(t, http.MethodGet, path+"?sort=-id&limit=1", nil)
	page.expect(t, http.StatusOK)
	items := page.items(t)
	if len(items) != 1 {
		t.Errorf("%s: %d items, want 1", page.req, len(items))
	} else if !e.UUIDKey && fmt.Sprint(items[0]["id"]) != secondID {
		t.Errorf("%s: first item has id %v, want %s", page.req, items[0]["id"], secondID)
	}
	for _, fv := range e.Fields {
		if fv.Schema.Sortable {
			c.do(t, http.MethodGet, path+"?sort="+url.QueryEscape("-"+fv.Name+",id"), nil).expect(t, http.StatusOK)
			break
		}
	}

	// Filter: equality on a field of the first object.
	if name, value, ok := filterOn(e, first); ok {
		page := c.do(t, http.MethodGet, path+"?"+url.Values{name: {value}}.Encode(), nil)
		page.expect(t, http.StatusOK)
		var found bool
		for _, it := range page.items(t) {
			if fmt.Sprint(it[name]) != value {
				t.Errorf("%s: item %v has %s = %v", page.req, it["id"], name, it[name])
			}
			found = found || fmt.Sprint(it["id"]) == firstID
		}
		if !found {
			t.Errorf("%s: object %s is not listed:\n%s", page.req, firstID, page.body)
		}
	} else {
		t.Errorf("%s has no field to filter on; give the schema one", e.Name)
	}
	c.do(t, http.MethodGet, path+"?no_such_param=1", nil).expectProblem(t, http.StatusBadRequest)

	patchOne(t, f, e, firstID)
	checkRelations(t, f, e, firstID)

	// Bad requests: unknown field, malformed JSON.
	bad := c.do(t, http.MethodPost, path, map[string]any{"no_such_field": 1})
	bad.expectProblem(t, http.StatusBadRequest)
	c.do(t, http.MethodPost, path, []byte("{")).expectProblem(t, http.StatusBadRequest)

	c.do(t, http.MethodDelete, path+"/"+secondID, nil).expect(t, http.StatusNoContent)
	c.do(t, http.MethodGet, path+"/"+secondID, nil).expectProblem(t, http.StatusNotFound)
	c.do(t, http.MethodDelete, path+"/"+secondID, nil).expectProblem(t, http.StatusNotFound)
}

// filterable types whose JSON value prints as its query value.
var plainTypes = []schema.FieldType{schema.String, schema.Enum, schema.Int, schema.Bool, schema.UUID}

// filterOn picks a filterable field with a value in obj.
func filterOn(e *generator.EntityView, obj map[string]any) (name, value string, ok bool) {
	for _, fv := range e.Fields {
		if fv.Schema.Filterable && slices.Contains(plainTypes, fv.Schema.Type) && obj[fv.Name] != nil {
			return fv.Name, fmt.Sprint(obj[fv.Name]), true
		}
	}
	for _, b := range e.BelongsTo {
		if obj[b.Column] != nil {
			return b.Column, fmt.Sprint(obj[b.Column]), true
		}
	}
	return "", "", false
}

// patchOne changes one mutable field of the object with PATCH and reads it
// back; an entity without one gets an empty patch, which must succeed.
func patchOne(t *testing.T, f *fixtures, e *generator.EntityView, id string) {
	t.Helper()
	c, path := f.c, f.path(e)+"/"+id
	f.n[e.Name]++
	sample := generator.SampleObject(e.Schema, f.n[e.Name])
	patch := map[string]any{}
	var name string
	for _, fv := range e.Fields {
		s := fv.Schema
		if !s.Immutable && !s.Sensitive && slices.Contains(plainTypes, s.Type) && sample[fv.Name] != nil {
			name = fv.Name
			patch[name] = sample[name]
			break
		}
	}
	resp := c.do(t, http.MethodPatch, path, patch)
	resp.expect(t, http.StatusOK)
	if name == "" {
		return
	}
	want := fmt.Sprint(patch[name])
	if got := fmt.Sprint(resp.object(t)[name]); got != want {
		t.Errorf("%s: %s = %s after the patch, want %s", resp.req, name, got, want)
	}
	again := c.do(t, http.MethodGet, path, nil)
	again.expect(t, http.StatusOK)
	if got := fmt.Sprint(again.object(t)[name]); got != want {
		t.Errorf("%s: %s = %s after the patch, want %s", again.req, name, got, want)
	}
}

// checkRelations lists the object under each required parent, and links,
// lists and unlinks each many-to-many target.
func checkRelations(t *testing.T, f *fixtures, e *generator.EntityView, id string) {
	t.Helper()
	c, path := f.c, f.path(e)+"/"+id
	for _, b := range e.BelongsTo {
		if !b.Schema.Required {
			continue
		}
		parentID := fmt.Sprint(f.parent(t, b.Target))
		for _, hm := range b.Target.HasMany {
			if hm.Via != b {
				continue
			}
			page := c.do(t, http.MethodGet, f.path(b.Target)+"/"+parentID+"/"+hm.Route, nil)
			page.expect(t, http.StatusOK)
			if !listed(page.items(t), id) {
				t.Errorf("%s: child %s is not listed:\n%s", page.req, id, page.body)
			}
		}
	}
	for _, m := range e.ManyToMany {
		other := fmt.Sprint(f.parent(t, m.Target))
		link := path + "/" + m.Route + "/" + other
		for range 2 { // linking is idempotent
			if r := c.do(t, http.MethodPut, link, nil); r.status/100 != 2 {
				t.Errorf("%s: status %d, want 2xx:\n%s", r.req, r.status, r.body)
			}
		}
		page := c.do(t, http.MethodGet, path+"/"+m.Route, nil)
		page.expect(t, http.StatusOK)
		if !listed(page.items(t), other) {
			t.Errorf("%s: linked %s %s is not listed:\n%s", page.req, m.Target.Name, other, page.body)
		}
		if r := c.do(t, http.MethodDelete, link, nil); r.status/100 != 2 {
			t.Errorf("%s: status %d, want 2xx:\n%s", r.req, r.status, r.body)
		}
		page = c.do(t, http.MethodGet, path+"/"+m.Route, nil)
		page.expect(t, http.StatusOK)
		if listed(page.items(t), other) {
			t.Errorf("%s: unlinked %s %s is still listed", page.req, m.Target.Name, other)
		}
	}
}

func listed(items []map[string]any, id string) bool {
	return slices.ContainsFunc(items, func(it map[string]any) bool { return fmt.Sprint(it["id"]) == id })
}
