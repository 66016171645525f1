package schema

// userFields are the fields of the built-in User entity that a schema shows;
// the password hash is managed by the generated auth code and is no field.
var userFields = []string{"email", "role", "password_hash"}

// builtinUser returns the User entity that auth brings: email and role, with
// timestamps. Only admins manage users unless the schema says otherwise.
func (r *resolver) builtinUser() *Entity {
	a := r.p.Auth
	maxLen := defaultMaxLength
	return &Entity{
		Name:       userEntity,
		Plural:     "users",
		Table:      "users",
		ID:         r.p.ID,
		Timestamps: true,
		System:     true,
		Fields: []*Field{
			{
				Name: "email", Type: String, Required: true, Unique: true, Format: "email",
				MaxLength: &maxLen, Filterable: true, Sortable: true,
			},
			{
				Name: "role", Type: Enum, Required: true, Values: append([]string(nil), a.Roles...),
				Default: a.DefaultRole, Filterable: true, Sortable: true,
			},
		},
	}
}

// extendUser adds the fields, relations, indexes and permissions of a
// declared User entity to the built-in one. What makes the entity work with
// auth (its name, table and keys) stays managed.
func (r *resolver) extendUser(u *Entity, raw *rawEntity) {
	u.Pos = raw.Name.Pos
	r.entities[u] = raw
	u.ID = IDType(r.oneOf(ctxEntity(u), "id", raw.ID, []string{string(IDInt), string(IDUUID)}, string(u.ID)))
	for _, s := range []struct {
		key string
		v   scalar
	}{
		{"table", raw.Table}, {"plural", raw.Plural}, {"timestamps", raw.Timestamps},
		{"soft_delete", raw.SoftDelete}, {"owned", raw.Owned},
	} {
		if s.v.Set {
			r.add(s.v.Pos, "entity \"User\": %s cannot be set on the built-in User entity of auth", s.key)
		}
	}
	declared := *raw
	declared.Fields = nil
	for _, f := range raw.Fields {
		if isUserField(f.Name.Value) {
			r.add(f.Name.Pos, "entity \"User\": field %q is managed by auth and cannot be declared", f.Name.Value)
			continue
		}
		declared.Fields = append(declared.Fields, f)
	}
	r.members(u, &declared)
}

// isUserField reports whether name is managed by auth on the User entity.
func isUserField(name string) bool {
	for _, n := range userFields {
		if n == name {
			return true
		}
	}
	return false
}
