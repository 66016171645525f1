package schema

import "go.yaml.in/yaml/v3"

// The raw types are the schema file as written: every value keeps the YAML
// node it came from, so that resolution and validation can point at it.
// Nothing in them is defaulted or checked beyond its YAML shape.

// scalar is a single YAML value, or the zero scalar when the key is absent.
type scalar struct {
	Value string
	Tag   string // resolved short tag: !!str, !!int, !!float, !!bool, ...
	Pos   Pos    // of the value, or of the key for the zero scalar
	Set   bool   // false when the key is absent or its value is null
}

type rawProject struct {
	Pos                                 Pos // of the document
	Version, Name, Module, Database, ID scalar
	API                                 rawAPI
	Auth                                *rawAuth // nil when the key is absent
	Entities                            []*rawEntity
}

type rawAPI struct {
	BasePath, PageSize, MaxPageSize scalar
}

type rawAuth struct {
	Pos                                                       Pos // of the auth key
	Enabled, DefaultRole, Registration, AccessTTL, RefreshTTL scalar
	PasswordMinLength                                         scalar
	Roles                                                     []scalar
	RolesSet                                                  bool
	OIDC                                                      *rawOIDC // nil when absent
}

type rawOIDC struct {
	Pos                                              Pos // of the oidc key
	Issuer, Audience, JWKSURL, RoleClaim, EmailClaim scalar
}

type rawEntity struct {
	Name                                             scalar // the key in entities
	Table, Plural, ID, Timestamps, SoftDelete, Owned scalar
	RenamedFrom                                      scalar
	Fields                                           []*rawField
	Relations                                        []*rawRelation
	Indexes                                          []*rawIndex
	Permissions                                      []*rawPermission
	PermissionsPos                                   Pos
	PermissionsSet                                   bool
}

type rawField struct {
	Name scalar // the key in fields
	Type scalar
	// Options holds every option key but type, in document order.
	Options []rawOption
}

// rawOption is one key of a field's mapping. Its value is kept as a node
// because a default, example or values list may be any YAML value.
type rawOption struct {
	Key    string
	KeyPos Pos
	Value  *yaml.Node
}

type rawRelation struct {
	Name     scalar       // the key in relations
	Kind     RelationKind // "" when neither belongs_to nor many_to_many is given
	Target   scalar
	Required scalar
	OnDelete scalar
	Pos      Pos // of the relation's value
}

type rawIndex struct {
	Pos     Pos
	Columns []scalar
	Unique  scalar
}

type rawPermission struct {
	Action scalar
	Words  []scalar
}
