package generator

import (
	"fmt"

	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/schema"
)

// ProjectView is the data of project templates (templates/project): the
// schema's project with every name and setting computed for Go and SQL, so
// templates only print.
type ProjectView struct {
	Schema      *schema.Project
	Name        string // binary and image name
	Module      string // Go module path
	Database    string // sqlite | postgres | mysql
	BasePath    string // e.g. /api/v1
	PageSize    int
	MaxPageSize int
	AuthEnabled bool
	Auth        *AuthView // nil when auth is off
	Versions    Versions
	Entities    []*EntityView
}

// Entity returns the view of the named schema entity, or nil.
func (p *ProjectView) Entity(name string) *EntityView {
	for _, e := range p.Entities {
		if e.Schema.Name == name {
			return e
		}
	}
	return nil
}

// EntityView is the data of entity templates (templates/entity).
type EntityView struct {
	Project    *ProjectView
	Schema     *schema.Entity
	Name       string // Go type name, e.g. OrderItem
	VarName    string // unexported Go name, e.g. orderItem
	FileName   string // snake_case, replaces [entity] in template paths
	Plural     string // snake_case plural, e.g. order_items
	PluralName string // Go name of the plural, e.g. OrderItems
	Route      string // path segment, e.g. order-items
	Table      string // SQL table name, unquoted
	UUIDKey    bool   // the primary key is a UUID (else int64 auto-increment)
	Timestamps bool
	SoftDelete bool
	Owned      bool
	Fields     []*FieldView
	BelongsTo  []*BelongsToView
	ManyToMany []*ManyToManyView
	HasMany    []*HasManyView // filled after every entity exists
}

// IDGoType is the Go type of the primary key.
func (e *EntityView) IDGoType() string {
	if e.UUIDKey {
		return "types.UUID"
	}
	return "int64"
}

// FieldView is one scalar field.
type FieldView struct {
	Entity *EntityView
	Schema *schema.Field
	Name   string // JSON, query and column name (snake_case)
	GoName string // exported Go name, e.g. UnitPrice
	// Nullable fields are optional in the schema: a pointer in Go, NULL in SQL.
	Nullable bool
	// EnumType is the Go type of an enum field, e.g. ProductStatus.
	EnumType string
}

// GoBaseType is the Go type of a present value.
func (f *FieldView) GoBaseType() string {
	switch f.Schema.Type {
	case schema.String, schema.Text:
		return "string"
	case schema.Int:
		return "int64"
	case schema.Float:
		return "float64"
	case schema.Decimal:
		return "types.Decimal"
	case schema.Bool:
		return "bool"
	case schema.Time:
		return "time.Time"
	case schema.Date:
		return "types.Date"
	case schema.UUID:
		return "types.UUID"
	case schema.JSON:
		return "types.JSON"
	case schema.Enum:
		return f.EnumType
	}
	panic(fmt.Sprintf("generator: field %s has unknown type %q", f.Name, f.Schema.Type))
}

// GoType is the Go type of the struct field: a pointer when nullable.
func (f *FieldView) GoType() string {
	if f.Nullable {
		return "*" + f.GoBaseType()
	}
	return f.GoBaseType()
}

// QueryKind is the internal/query kind constant of the field.
func (f *FieldView) QueryKind() string {
	switch f.Schema.Type {
	case schema.String, schema.Text:
		return "query.String"
	case schema.Int:
		return "query.Int"
	case schema.Float:
		return "query.Float"
	case schema.Decimal:
		return "query.Decimal"
	case schema.Bool:
		return "query.Bool"
	case schema.Time:
		return "query.Time"
	case schema.Date:
		return "query.Date"
	case schema.UUID:
		return "query.UUID"
	case schema.Enum:
		return "query.Enum"
	}
	return "query.String"
}

// BelongsToView is a foreign key of the entity.
type BelongsToView struct {
	Entity   *EntityView
	Schema   *schema.Relation
	Name     string // relation name, e.g. from_account
	Column   string // column and JSON name, e.g. from_account_id
	GoName   string // struct field, e.g. FromAccountID
	Target   *EntityView
	Nullable bool // optional relation
}

// GoBaseType is the Go type of the key value.
func (b *BelongsToView) GoBaseType() string { return b.Target.IDGoType() }

// GoType is the struct field type: a pointer when optional.
func (b *BelongsToView) GoType() string {
	if b.Nullable {
		return "*" + b.GoBaseType()
	}
	return b.GoBaseType()
}

// OnDeleteSQL is the ON DELETE action.
func (b *BelongsToView) OnDeleteSQL() string {
	switch b.Schema.OnDelete {
	case schema.Cascade:
		return "CASCADE"
	case schema.SetNull:
		return "SET NULL"
	}
	return "RESTRICT"
}

// ManyToManyView is a many-to-many relation declared on the entity.
type ManyToManyView struct {
	Entity       *EntityView
	Schema       *schema.Relation
	Name         string // relation name, e.g. tags
	GoName       string // e.g. Tags
	Route        string // path segment, e.g. tags
	Target       *EntityView
	JoinTable    string
	OwnerColumn  string // join table column pointing at Entity, e.g. product_id
	TargetColumn string // join table column pointing at Target, e.g. tag_id
}

// HasManyView is the derived inverse of another entity's belongs_to: the
// listing GET /<parents>/{id}/<Route>.
type HasManyView struct {
	Parent *EntityView    // the entity being pointed at
	Child  *EntityView    // the entity holding the foreign key
	Via    *BelongsToView // the foreign key
	Route  string         // path segment under the parent, e.g. products
	GoName string         // e.g. Products, or TransfersFromAccount
}

// NewProjectView computes the view model of a validated project.
func NewProjectView(p *schema.Project) (*ProjectView, error) {
	v := &ProjectView{
		Schema:      p,
		Name:        p.Name,
		Module:      p.Module,
		Database:    string(p.Database),
		BasePath:    p.API.BasePath,
		PageSize:    p.API.PageSize,
		MaxPageSize: p.API.MaxPageSize,
		AuthEnabled: p.Auth.Enabled,
		Versions:    pinnedVersions(),
	}
	for _, e := range p.Entities {
		v.Entities = append(v.Entities, newEntityView(v, e))
	}
	if p.Auth.Enabled {
		v.Auth = newAuthView(p, v)
	}
	for _, e := range v.Entities {
		if err := e.link(); err != nil {
			return nil, err
		}
	}
	for _, e := range v.Entities {
		e.HasMany = hasMany(v, e)
	}
	return v, nil
}

func newEntityView(p *ProjectView, e *schema.Entity) *EntityView {
	ev := &EntityView{
		Project:    p,
		Schema:     e,
		Name:       naming.Pascal(e.Name),
		VarName:    naming.Camel(e.Name),
		FileName:   naming.Snake(e.Name),
		Plural:     e.Plural,
		PluralName: naming.Pascal(e.Plural),
		Route:      naming.Kebab(e.Plural),
		Table:      e.Table,
		UUIDKey:    e.ID == schema.IDUUID,
		Timestamps: e.Timestamps,
		SoftDelete: e.SoftDelete,
		Owned:      e.Owned,
	}
	for _, f := range e.Fields {
		fv := &FieldView{
			Entity:   ev,
			Schema:   f,
			Name:     f.Name,
			GoName:   naming.Pascal(f.Name),
			Nullable: !f.Required,
		}
		if f.Type == schema.Enum {
			fv.EnumType = ev.Name + fv.GoName
		}
		ev.Fields = append(ev.Fields, fv)
	}
	return ev
}

// link resolves the entity's relations to the other entity views.
func (e *EntityView) link() error {
	for _, r := range e.Schema.Relations {
		target := e.Project.Entity(r.Target.Name)
		if target == nil {
			return fmt.Errorf("generator: relation %s.%s: unknown entity %s", e.Name, r.Name, r.Target.Name)
		}
		switch r.Kind {
		case schema.BelongsTo:
			e.BelongsTo = append(e.BelongsTo, &BelongsToView{
				Entity:   e,
				Schema:   r,
				Name:     r.Name,
				Column:   r.Column,
				GoName:   naming.Pascal(r.Column),
				Target:   target,
				Nullable: !r.Required,
			})
		case schema.ManyToMany:
			owner := naming.Snake(e.Schema.Name) + "_id"
			other := naming.Singular(r.Name) + "_id"
			if other == owner {
				// A self-referencing many-to-many (User friends User) needs two
				// distinct columns.
				other = "related_" + other
			}
			e.ManyToMany = append(e.ManyToMany, &ManyToManyView{
				Entity:       e,
				Schema:       r,
				Name:         r.Name,
				GoName:       naming.Pascal(r.Name),
				Route:        naming.Kebab(r.Name),
				Target:       target,
				JoinTable:    r.JoinTable,
				OwnerColumn:  owner,
				TargetColumn: other,
			})
		}
	}
	return nil
}

// hasMany derives the inverse listings of parent. When one child points at
// the same parent more than once (from_account, to_account), each listing is
// named after its relation so the routes stay distinct.
func hasMany(p *ProjectView, parent *EntityView) []*HasManyView {
	var out []*HasManyView
	for _, child := range p.Entities {
		var via []*BelongsToView
		for _, b := range child.BelongsTo {
			if b.Target == parent {
				via = append(via, b)
			}
		}
		for _, b := range via {
			hm := &HasManyView{
				Parent: parent,
				Child:  child,
				Via:    b,
				Route:  child.Route,
				GoName: child.PluralName,
			}
			if len(via) > 1 {
				hm.Route = child.Route + "-" + naming.Kebab(b.Name)
				hm.GoName = child.PluralName + naming.Pascal(b.Name)
			}
			out = append(out, hm)
		}
	}
	return out
}
