package generator

import (
	"encoding/json"
	"go/token"
	"strconv"
	"strings"

	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/schema"
)

// This file holds the view-model methods behind internal/api: routes,
// handler names and the stores each handler needs.

// Path is the collection route, e.g. /api/v1/products.
func (e *EntityView) Path() string { return e.Project.BasePath + "/" + e.Route }

// HandlerName is the handler type, e.g. productHandler.
func (e *EntityView) HandlerName() string { return e.VarName + "Handler" }

// StoreField is the handler field holding the entity's store, e.g. products.
func (e *EntityView) StoreField() string {
	name := naming.Camel(e.Plural)
	if token.IsKeyword(name) || reservedVars[name] || name == "logger" {
		return name + "Store"
	}
	return name
}

// ParseID is the api helper parsing a path key of the entity's id type.
func (e *EntityView) ParseID() string {
	if e.UUIDKey {
		return "parseUUID"
	}
	return "parseIntID"
}

// HandlerStores are the stores the entity's handler uses: its own, then the
// stores of the children it lists (has-many), each once.
func (e *EntityView) HandlerStores() []*EntityView {
	out := []*EntityView{e}
	for _, hm := range e.HasMany {
		seen := false
		for _, s := range out {
			seen = seen || s == hm.Child
		}
		if !seen {
			out = append(out, hm.Child)
		}
	}
	return out
}

// Path is the listing route under one parent, e.g. /api/v1/categories/{id}/products.
func (hm *HasManyView) Path() string { return hm.Parent.Path() + "/{id}/" + hm.Route }

// HandlerMethod is the handler method serving the listing, e.g. listProducts.
func (hm *HasManyView) HandlerMethod() string { return "list" + hm.GoName }

// Path is the listing route of the linked rows, e.g. /api/v1/products/{id}/tags.
func (m *ManyToManyView) Path() string { return m.Entity.Path() + "/{id}/" + m.Route }

// ProjectUsesUUID reports whether some entity has UUID keys; the api then
// needs parseUUID.
func (p *ProjectView) ProjectUsesUUID() bool {
	for _, e := range p.Entities {
		if e.UUIDKey {
			return true
		}
	}
	return false
}

// ProjectUsesIntID reports whether some entity has integer keys.
func (p *ProjectView) ProjectUsesIntID() bool {
	for _, e := range p.Entities {
		if !e.UUIDKey {
			return true
		}
	}
	return false
}

// HasManyToMany reports whether some entity has a many-to-many relation,
// which needs the link routes.
func (p *ProjectView) HasManyToMany() bool {
	for _, e := range p.Entities {
		if len(e.ManyToMany) > 0 {
			return true
		}
	}
	return false
}

// sampleCount is how many distinct sample bodies the generated tests hold
// per entity.
const sampleCount = 12

// TestSamples are request bodies for creating rows of the entity in the
// generated tests: the entity's own fields (see SampleObject), as Go string
// literals of JSON objects in field order. Foreign keys are added by the
// tests, which create the referenced rows first.
func (e *EntityView) TestSamples() []string {
	out := make([]string, sampleCount)
	for n := range out {
		var b strings.Builder
		b.WriteByte('{')
		for i, f := range e.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(f.Name) + ":" + mustJSON(SampleValue(f.Schema, n)))
		}
		if e.Schema.System {
			b.WriteString(`,"password":` + mustJSON(SamplePassword(e.Project.Auth.PasswordMinLength, n)))
		}
		b.WriteByte('}')
		out[n] = strconv.Quote(b.String())
	}
	return out
}

// mustJSON encodes a sample value; samples are plain values that always encode.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// InvalidCase is one rejected value of the generated validation tests.
type InvalidCase struct {
	Name    string // test case name, e.g. price/min
	Field   string
	JSON    string // Go string literal of the JSON value; "" leaves the field out
	Message string // Go string literal of the expected message
}

// InvalidCases lists, for every field, each value its rules reject (see
// InvalidSamples), and a required field left out.
func (e *EntityView) InvalidCases() []InvalidCase {
	var out []InvalidCase
	for _, f := range e.Fields {
		if f.Schema.Required {
			out = append(out, InvalidCase{Name: f.Name + "/missing", Field: f.Name, Message: strconv.Quote("is required")})
		}
		for _, s := range InvalidSamples(f.Schema) {
			out = append(out, InvalidCase{
				Name:    f.Name + "/" + s.Rule,
				Field:   f.Name,
				JSON:    strconv.Quote(mustJSON(s.Value)),
				Message: strconv.Quote(s.Message),
			})
		}
	}
	return out
}

// RequiredParents are the required foreign keys the tests must fill by
// creating the referenced rows first. A required self-reference cannot be
// satisfied by a first row, so it is left out.
func (e *EntityView) RequiredParents() []*BelongsToView {
	var out []*BelongsToView
	for _, b := range e.BelongsTo {
		if !b.Nullable && b.Target != e {
			out = append(out, b)
		}
	}
	return out
}

// PatchField is the field a generated PATCH test changes: the first one
// that may change and is returned in responses, or nil.
func (e *EntityView) PatchField() *FieldView {
	for _, f := range e.Fields {
		if !f.Schema.Immutable && !f.Schema.Sensitive {
			return f
		}
	}
	return nil
}

// SampleJSON is the JSON of the field's sample n, as a Go string literal.
func (f *FieldView) SampleJSON(n int) string {
	return strconv.Quote(mustJSON(SampleValue(f.Schema, n)))
}

// SensitiveNames lists the fields never returned, as a Go string slice literal.
func (e *EntityView) SensitiveNames() string {
	var names []string
	for _, f := range e.Fields {
		if f.Schema.Sensitive {
			names = append(names, strconv.Quote(f.Name))
		}
	}
	if e.Schema.System {
		names = append(names, strconv.Quote("password"))
	}
	return "[]string{" + strings.Join(names, ", ") + "}"
}

// EqFilterFields are the fields the generated list tests filter by equality.
func (e *EntityView) EqFilterFields() []*FieldView {
	var out []*FieldView
	for _, f := range e.Fields {
		if f.Schema.Filterable && f.Schema.Type != schema.JSON && !f.Schema.Sensitive {
			out = append(out, f)
		}
	}
	return out
}

// SortNames lists the sortable names, for the generated sort tests.
func (e *EntityView) SortNames() []string {
	var out []string
	for _, f := range e.SpecFields() {
		if f.Sort {
			out = append(out, f.Name)
		}
	}
	return out
}

// HasMany is the listing of the parent that this foreign key derives.
func (b *BelongsToView) HasMany() *HasManyView {
	for _, hm := range b.Target.HasMany {
		if hm.Via == b {
			return hm
		}
	}
	return nil
}

// MissingID is a well-formed key no test row has, as a path segment.
func (e *EntityView) MissingID() string {
	if e.UUIDKey {
		return "0190a1b2-c3d4-7e5f-8a6b-ffffffffffff"
	}
	return "999999999"
}

// Rule is the Go literal of the api package's rule for one action of the
// entity's permissions, e.g. rule{owner: true, roles: []string{"staff"}}.
// Admins need no mention: the rule always lets them through.
func (e *EntityView) Rule(action string) string {
	var parts []string
	var roles []string
	for _, who := range e.Schema.Permissions[schema.Action(action)] {
		switch who {
		case schema.PermPublic:
			parts = append(parts, "public: true")
		case schema.PermAuthenticated:
			parts = append(parts, "authenticated: true")
		case schema.PermOwner:
			parts = append(parts, "owner: true")
		case "admin":
		default:
			roles = append(roles, strconv.Quote(who))
		}
	}
	if len(roles) > 0 {
		parts = append(parts, "roles: []string{"+strings.Join(roles, ", ")+"}")
	}
	return "rule{" + strings.Join(parts, ", ") + "}"
}
