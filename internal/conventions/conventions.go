// Package conventions checks a schema against a team's house rules: the
// fields every entity must have, naming patterns, forbidden field types,
// permissions every entity must declare and a cap on the page size.
//
// The rules come from the "rules" key of .scaffold.yaml (see internal/config
// and docs/conventions.md). A schema that breaks them is valid for scaffold
// but not for the team, so problems are reported exactly like schema errors,
// as FILE:LINE:COL: message, by `scaffold validate` and `scaffold new`.
package conventions

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/scaffold-dev/scaffold/schema"
)

// Rules are the house rules as written in .scaffold.yaml. The zero value
// asks for nothing.
type Rules struct {
	// RequiredFields are fields every declared entity must have, with
	// their type.
	RequiredFields []RequiredField `mapstructure:"required_fields"`
	// EntityNamePattern and FieldNamePattern are RE2 expressions that
	// entity and field names must match, on top of scaffold's own rules.
	EntityNamePattern string `mapstructure:"entity_name_pattern"`
	FieldNamePattern  string `mapstructure:"field_name_pattern"`
	// ForbiddenTypes are field types the team does not allow.
	ForbiddenTypes []string `mapstructure:"forbidden_types"`
	// RequirePermissions asks every entity to declare who may do each of
	// list, read, create, update and delete, instead of relying on the
	// default. It needs auth.
	RequirePermissions bool `mapstructure:"require_permissions"`
	// MaxPageSize caps api.max_page_size (0: no cap).
	MaxPageSize int `mapstructure:"max_page_size"`
}

// RequiredField is one field every entity must have.
type RequiredField struct {
	Name string `mapstructure:"name"`
	Type string `mapstructure:"type"`
}

// Checker holds compiled rules. Build it with Compile.
type Checker struct {
	rules     Rules
	entityRE  *regexp.Regexp
	fieldRE   *regexp.Regexp
	forbidden map[schema.FieldType]bool
}

// Compile checks the rules themselves and prepares them. Its errors name
// the rule at fault as it is spelled in .scaffold.yaml.
func Compile(r Rules) (*Checker, error) {
	c := &Checker{rules: r, forbidden: map[schema.FieldType]bool{}}
	var problems []string
	var err error
	if r.EntityNamePattern != "" {
		if c.entityRE, err = regexp.Compile(r.EntityNamePattern); err != nil {
			problems = append(problems, fmt.Sprintf("rules.entity_name_pattern: %v", err))
		}
	}
	if r.FieldNamePattern != "" {
		if c.fieldRE, err = regexp.Compile(r.FieldNamePattern); err != nil {
			problems = append(problems, fmt.Sprintf("rules.field_name_pattern: %v", err))
		}
	}
	for _, t := range r.ForbiddenTypes {
		if !knownType(t) {
			problems = append(problems, fmt.Sprintf("rules.forbidden_types: unknown type %q (known: %s)", t, typeNames()))
			continue
		}
		c.forbidden[schema.FieldType(t)] = true
	}
	for i, f := range r.RequiredFields {
		if f.Name == "" {
			problems = append(problems, fmt.Sprintf("rules.required_fields[%d]: missing name", i))
		}
		if !knownType(f.Type) {
			problems = append(problems, fmt.Sprintf("rules.required_fields[%d]: type %q is not a field type (known: %s)", i, f.Type, typeNames()))
		}
	}
	if r.MaxPageSize < 0 {
		problems = append(problems, "rules.max_page_size: must be positive, or 0 for no cap")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid house rules:\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// Check returns every house rule p breaks, as a schema.ErrorList sorted by
// position, or nil. src is the schema file p was parsed from: permissions
// and API settings are checked as written, not as defaulted.
func (c *Checker) Check(p *schema.Project, src []byte) error {
	doc := parseDoc(src)
	ck := &check{file: p.File}
	for _, e := range p.Entities {
		decl := doc.entity(e.Name)
		if decl == nil {
			continue // the built-in User entity of auth: not the team's to shape
		}
		c.entity(ck, p, e, decl)
	}
	if c.rules.MaxPageSize > 0 && p.API.MaxPageSize > c.rules.MaxPageSize {
		at := doc.pos("api", "max_page_size")
		ck.add(at, "api: max_page_size %d is above the house limit %d (rules.max_page_size); set api.max_page_size to %d or less",
			p.API.MaxPageSize, c.rules.MaxPageSize, c.rules.MaxPageSize)
	}
	if len(ck.list) == 0 {
		return nil
	}
	sort.SliceStable(ck.list, func(i, j int) bool {
		a, b := ck.list[i], ck.list[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return ck.list
}

func (c *Checker) entity(ck *check, p *schema.Project, e *schema.Entity, decl *yaml.Node) {
	if c.entityRE != nil && !c.entityRE.MatchString(e.Name) {
		ck.add(e.Pos, "entity name %q does not match the house pattern %s (rules.entity_name_pattern)", e.Name, c.entityRE)
	}
	for _, f := range e.Fields {
		if f.Pos.Line == 0 {
			continue // a system field of the built-in User entity
		}
		if c.fieldRE != nil && !c.fieldRE.MatchString(f.Name) {
			ck.add(f.Pos, "entity %q: field name %q does not match the house pattern %s (rules.field_name_pattern)", e.Name, f.Name, c.fieldRE)
		}
		if c.forbidden[f.Type] {
			ck.add(f.Pos, "entity %q: field %q has type %s, which the house rules forbid (rules.forbidden_types)", e.Name, f.Name, f.Type)
		}
	}
	for _, want := range c.rules.RequiredFields {
		f := e.Field(want.Name)
		switch {
		case f == nil:
			ck.add(e.Pos, "entity %q has no field %q; the house rules ask every entity for %s: %s (rules.required_fields)", e.Name, want.Name, want.Name, want.Type)
		case string(f.Type) != want.Type:
			ck.add(f.Pos, "entity %q: field %q has type %s; the house rules ask for %s (rules.required_fields)", e.Name, f.Name, f.Type, want.Type)
		}
	}
	if !c.rules.RequirePermissions {
		return
	}
	if !p.Auth.Enabled {
		ck.add(e.Pos, "entity %q cannot declare permissions without auth, and the house rules require them (rules.require_permissions); add auth: {enabled: true}", e.Name)
		return
	}
	key, perms := lookup(decl, "permissions")
	if key == nil {
		ck.add(e.Pos, "entity %q declares no permissions; the house rules ask every entity to say who may list, read, create, update and delete it (rules.require_permissions)", e.Name)
		return
	}
	var missing []string
	for _, a := range schema.Actions {
		if k, _ := lookup(perms, string(a)); k == nil {
			missing = append(missing, string(a))
		}
	}
	if len(missing) > 0 {
		ck.add(nodePos(key), "entity %q: permissions do not say who may %s; the house rules ask for every action (rules.require_permissions)", e.Name, strings.Join(missing, ", "))
	}
}

// check collects problems.
type check struct {
	file string
	list schema.ErrorList
}

func (c *check) add(at schema.Pos, format string, args ...any) {
	c.list = append(c.list, &schema.Error{File: c.file, Line: at.Line, Column: at.Column, Message: fmt.Sprintf(format, args...)})
}

// document is the schema file's YAML tree, for what the resolved model does
// not keep: whether a key was written, and where.
type document struct{ root *yaml.Node }

// parseDoc parses src; a schema that parsed once parses again, so a failure
// only leaves positions unknown.
func parseDoc(src []byte) document {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil || len(n.Content) == 0 {
		return document{}
	}
	return document{root: n.Content[0]}
}

// entity returns the mapping of the entity declared under name, or nil when
// the file does not declare it. An entity declared with no body (Tag: ~) is
// returned as its null node.
func (d document) entity(name string) *yaml.Node {
	_, entities := lookup(d.root, "entities")
	_, e := lookup(entities, name)
	return e
}

// pos returns the position of the value at the key path, else of the
// deepest key found, else of the document start.
func (d document) pos(keys ...string) schema.Pos {
	at := schema.Pos{Line: 1, Column: 1}
	n := d.root
	for _, k := range keys {
		key, v := lookup(n, k)
		if key == nil {
			return at
		}
		at = nodePos(key)
		if v != nil && v.Kind == yaml.ScalarNode {
			at = nodePos(v)
		}
		n = v
	}
	return at
}

// lookup returns the key and value nodes of key in mapping m, or nils.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func nodePos(n *yaml.Node) schema.Pos { return schema.Pos{Line: n.Line, Column: n.Column} }

func knownType(t string) bool { return slices.Contains(schema.FieldTypes, schema.FieldType(t)) }

func typeNames() string {
	names := make([]string, len(schema.FieldTypes))
	for i, t := range schema.FieldTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
