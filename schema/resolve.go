package schema

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/scaffold-dev/scaffold/internal/naming"
)

// Defaults of SCHEMA.md.
const (
	defaultBasePath    = "/api/v1"
	defaultPageSize    = 20
	defaultMaxPageSize = 100
	defaultAccessTTL   = 15 * time.Minute
	defaultRefreshTTL  = 720 * time.Hour

	// Passwords: OWASP's minimum of 8 is the floor; 12 is the default.
	defaultPasswordMinLength = 12
	minPasswordMinLength     = 8
	maxPasswordLength        = 256 // the generated code refuses longer passwords
	defaultMaxLength         = 255
	defaultPrecision         = 18
	defaultScale             = 2
	adminRole                = "admin"
	userEntity               = "User"
)

// resolver builds the resolved Project from the raw file, applying every
// default and reporting every problem it meets. It remembers which raw value
// each resolved element came from, so later checks can point at the file.
type resolver struct {
	*errs
	p         *Project
	entities  map[*Entity]*rawEntity
	relations map[*Relation]*rawRelation
	indexes   map[*Index]*rawIndex
}

// resolve returns the project; it is only meaningful when no problem was
// recorded.
func resolve(e *errs, raw *rawProject) *Project {
	r := &resolver{
		errs:      e,
		p:         &Project{File: e.file},
		entities:  make(map[*Entity]*rawEntity),
		relations: make(map[*Relation]*rawRelation),
		indexes:   make(map[*Index]*rawIndex),
	}
	r.project(raw)
	r.validate()
	return r.p
}

func (r *resolver) project(raw *rawProject) {
	p := r.p
	switch v := raw.Version; {
	case !v.Set:
		r.add(raw.Pos, "missing key \"version\"; add version: 1 at the top")
	case v.Tag != "!!int" || v.Value != "1":
		r.add(v.Pos, "unsupported schema version %q (this scaffold reads version 1)", v.Value)
	default:
		p.Version = 1
	}
	if name, ok := r.str("", "name", raw.Name); ok {
		if projectNameRE.MatchString(name) {
			p.Name = name
		} else {
			r.add(raw.Name.Pos, "name %q must start with a lower-case letter and hold only lower-case letters, digits and hyphens", name)
		}
	} else if !raw.Name.Set {
		r.add(raw.Pos, "missing key \"name\"; add the project name, e.g. name: shop")
	}
	p.Module = p.Name
	if mod, ok := r.str("", "module", raw.Module); ok {
		if err := module.CheckImportPath(mod); err != nil {
			r.add(raw.Module.Pos, "module %q is not a valid Go module path: %v", mod, unwrapModuleErr(err))
		} else {
			p.Module = mod
		}
	}
	p.Database = Database(r.oneOf("", "database", raw.Database, databaseNames(), string(SQLite)))
	p.ID = IDType(r.oneOf("", "id", raw.ID, []string{string(IDInt), string(IDUUID)}, string(IDInt)))
	r.api(raw.API)
	r.auth(raw.Auth)

	if p.Auth.Enabled {
		p.Entities = append(p.Entities, r.builtinUser())
	}
	for _, re := range raw.Entities {
		if re.Name.Value == userEntity && p.Auth.Enabled {
			r.extendUser(p.Entities[0], re)
			continue
		}
		if e := r.entity(re); e != nil {
			p.Entities = append(p.Entities, e)
		}
	}
	if len(raw.Entities) == 0 {
		r.add(raw.Pos, "no entities; add an entities mapping, e.g. entities: {Product: {fields: {title: string}}}")
	}
	for _, e := range p.Entities {
		for _, rel := range e.Relations {
			r.linkRelation(rel)
		}
	}
}

func (r *resolver) api(raw rawAPI) {
	a := &r.p.API
	a.BasePath = defaultBasePath
	if bp, ok := r.str("api", "base_path", raw.BasePath); ok {
		if clean, problem := cleanBasePath(bp); problem != "" {
			r.add(raw.BasePath.Pos, "api: base_path %q %s", bp, problem)
		} else {
			a.BasePath = clean
		}
	}
	a.PageSize = r.integer("api", "page_size", raw.PageSize, defaultPageSize)
	a.MaxPageSize = r.integer("api", "max_page_size", raw.MaxPageSize, defaultMaxPageSize)
	if a.PageSize < 1 {
		r.add(raw.PageSize.Pos, "api: page_size must be at least 1")
	}
	if a.MaxPageSize < 1 {
		r.add(raw.MaxPageSize.Pos, "api: max_page_size must be at least 1")
	} else if a.PageSize > a.MaxPageSize {
		at := raw.PageSize.Pos
		if !raw.PageSize.Set {
			at = raw.MaxPageSize.Pos
		}
		r.add(at, "api: page_size %d is larger than max_page_size %d", a.PageSize, a.MaxPageSize)
	}
}

// cleanBasePath checks a base path and drops its trailing slash; "/" means
// the API is served at the root.
func cleanBasePath(bp string) (string, string) {
	if !strings.HasPrefix(bp, "/") {
		return "", "must start with /"
	}
	clean := strings.TrimSuffix(bp, "/")
	if clean == "" {
		return "", ""
	}
	for _, seg := range strings.Split(clean[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", "must not hold empty, . or .. segments"
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return "", "may hold only letters, digits, -, _, . and /"
			}
		}
	}
	return clean, ""
}

func (r *resolver) auth(raw *rawAuth) {
	a := &r.p.Auth
	if raw == nil {
		return
	}
	a.Pos = raw.Pos
	// A present auth section means auth is wanted unless it says otherwise.
	a.Enabled = r.boolean("auth", "enabled", raw.Enabled, true)
	if !a.Enabled {
		return
	}
	seen := make(map[string]bool)
	for _, s := range raw.Roles {
		role, ok := r.str("auth", "roles item", s)
		if !ok || !r.checkSnake("auth", "role", s) {
			continue
		}
		switch {
		case role == PermPublic || role == PermAuthenticated || role == PermOwner:
			r.add(s.Pos, "auth: %q is a permission word, not a role name", role)
		case seen[role]:
			r.add(s.Pos, "auth: role %q is listed twice", role)
		default:
			seen[role] = true
			a.Roles = append(a.Roles, role)
		}
	}
	if !raw.RolesSet {
		a.Roles = []string{adminRole, "user"}
	}
	listed := a.Roles
	if !seen[adminRole] && raw.RolesSet {
		a.Roles = append([]string{adminRole}, a.Roles...)
	}
	a.DefaultRole = adminRole
	if len(listed) > 0 {
		a.DefaultRole = listed[len(listed)-1]
	}
	if role, ok := r.str("auth", "default_role", raw.DefaultRole); ok {
		if seen[role] || role == adminRole || (!raw.RolesSet && role == "user") {
			a.DefaultRole = role
		} else {
			r.add(raw.DefaultRole.Pos, "auth: default_role %q is not one of the roles (%s)%s", role, strings.Join(a.Roles, ", "), didYouMean(role, a.Roles))
		}
	}
	a.Registration = r.boolean("auth", "registration", raw.Registration, true)
	a.AccessTTL = r.duration("auth", "access_ttl", raw.AccessTTL, defaultAccessTTL)
	a.RefreshTTL = r.duration("auth", "refresh_ttl", raw.RefreshTTL, defaultRefreshTTL)
	a.PasswordMinLength = r.integer("auth", "password_min_length", raw.PasswordMinLength, defaultPasswordMinLength)
	if a.PasswordMinLength < minPasswordMinLength || a.PasswordMinLength > maxPasswordLength {
		r.add(raw.PasswordMinLength.Pos, "auth: password_min_length must be from %d to %d, not %d", minPasswordMinLength, maxPasswordLength, a.PasswordMinLength)
	}
	if raw.OIDC != nil {
		a.OIDC = r.oidc(raw.OIDC)
	}
	defaultRoleBroken := raw.DefaultRole.Set && a.DefaultRole != raw.DefaultRole.Value
	if a.Registration && a.DefaultRole == adminRole && !defaultRoleBroken {
		at := raw.DefaultRole.Pos
		if !raw.DefaultRole.Set {
			at = raw.Pos
		}
		r.add(at, "auth: self-registration would make every new user an admin; add a role such as user to roles, or set registration: false")
	}
}

// oidc resolves the external identity provider settings: issuer, audience
// and jwks_url are required, the URLs must be absolute https URLs (http is
// accepted for localhost, for tests and local identity providers).
func (r *resolver) oidc(raw *rawOIDC) *OIDC {
	const ctx = "auth.oidc"
	o := &OIDC{Pos: raw.Pos, RoleClaim: "role", EmailClaim: "email"}
	required := func(key string, s scalar) string {
		v, ok := r.str(ctx, key, s)
		if !s.Set {
			r.add(raw.Pos, "auth.oidc: %q is required", key)
		} else if ok && strings.TrimSpace(v) == "" {
			r.add(s.Pos, "auth.oidc: %q must not be empty", key)
		}
		return v
	}
	o.Issuer = required("issuer", raw.Issuer)
	o.Audience = required("audience", raw.Audience)
	o.JWKSURL = required("jwks_url", raw.JWKSURL)
	for _, u := range []struct {
		key string
		s   scalar
		v   string
	}{{"issuer", raw.Issuer, o.Issuer}, {"jwks_url", raw.JWKSURL, o.JWKSURL}} {
		if u.v != "" {
			if problem := checkProviderURL(u.v); problem != "" {
				r.add(u.s.Pos, "auth.oidc: %q %s", u.key, problem)
			}
		}
	}
	for _, c := range []struct {
		key string
		s   scalar
		dst *string
	}{{"role_claim", raw.RoleClaim, &o.RoleClaim}, {"email_claim", raw.EmailClaim, &o.EmailClaim}} {
		if v, ok := r.str(ctx, c.key, c.s); ok {
			if !claimPath.MatchString(v) {
				r.add(c.s.Pos, "auth.oidc: %q must be a claim name or a dotted path such as realm_access.roles, not %q", c.key, v)
				continue
			}
			*c.dst = v
		}
	}
	return o
}

// claimPath matches a claim name or a dotted path of names; names may hold
// the characters providers use in namespaced claims (https://acme.com/roles
// is one name to Auth0, so "/" and ":" are allowed).
var claimPath = regexp.MustCompile(`^[A-Za-z0-9_:/\-]+(\.[A-Za-z0-9_:/\-]+)*$`)

// checkProviderURL explains why s is not a usable identity provider URL, or
// returns "".
func checkProviderURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return "must be an absolute URL such as https://idp.example.com/"
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
	default:
		return "must use https (http only for localhost)"
	}
	return ""
}

func (r *resolver) entity(raw *rawEntity) *Entity {
	e := &Entity{Name: raw.Name.Value, Pos: raw.Name.Pos}
	// A badly named entity is still resolved, so relations to it do not
	// report a second, misleading problem.
	r.checkEntityName(raw.Name, raw.Plural.Set)
	r.entities[e] = raw
	e.Plural = naming.Plural(e.Name)
	if plural, ok := r.str(ctxEntity(e), "plural", raw.Plural); ok && r.checkSnake(ctxEntity(e), "plural", raw.Plural) {
		e.Plural = plural
	}
	e.Table = e.Plural
	if table, ok := r.str(ctxEntity(e), "table", raw.Table); ok && r.checkSnake(ctxEntity(e), "table", raw.Table) {
		e.Table = table
	}
	e.ID = IDType(r.oneOf(ctxEntity(e), "id", raw.ID, []string{string(IDInt), string(IDUUID)}, string(r.p.ID)))
	e.Timestamps = r.boolean(ctxEntity(e), "timestamps", raw.Timestamps, true)
	e.SoftDelete = r.boolean(ctxEntity(e), "soft_delete", raw.SoftDelete, false)
	e.Owned = r.boolean(ctxEntity(e), "owned", raw.Owned, false)
	r.entityRename(e, raw)
	if e.Owned && !r.p.Auth.Enabled {
		r.add(raw.Owned.Pos, "%sowned needs auth: rows are owned by users; add auth: {enabled: true}", prefix(ctxEntity(e)))
		e.Owned = false
	}
	r.members(e, raw)
	return e
}

// members resolves the fields, relations, indexes and permissions of raw
// into e, after any built-in ones.
func (r *resolver) members(e *Entity, raw *rawEntity) {
	for _, rf := range raw.Fields {
		if f := r.field(e, rf); f != nil {
			e.Fields = append(e.Fields, f)
		}
	}
	for _, rr := range raw.Relations {
		if rel := r.relation(e, rr); rel != nil {
			e.Relations = append(e.Relations, rel)
		}
	}
	for _, ri := range raw.Indexes {
		ix := &Index{Pos: ri.Pos, Unique: r.boolean(ctxEntity(e)+" index", "unique", ri.Unique, false)}
		for _, c := range ri.Columns {
			if col, ok := r.str(ctxEntity(e)+" index", "column", c); ok {
				ix.Columns = append(ix.Columns, col)
			}
		}
		r.indexes[ix] = ri
		e.Indexes = append(e.Indexes, ix)
	}
}

func (r *resolver) relation(e *Entity, raw *rawRelation) *Relation {
	ctx := fmt.Sprintf("relation %q", raw.Name.Value)
	if !r.checkSnake(ctx, "name", raw.Name) {
		return nil
	}
	rel := &Relation{Name: raw.Name.Value, Kind: raw.Kind, Owner: e, Pos: raw.Name.Pos}
	if raw.Kind == "" {
		return nil
	}
	r.relations[rel] = raw
	switch raw.Kind {
	case BelongsTo:
		rel.Column = rel.Name + "_id"
		rel.Required = r.boolean(ctx, "required", raw.Required, false)
		rel.OnDelete = OnDelete(r.oneOf(ctx, "on_delete", raw.OnDelete, []string{string(Restrict), string(Cascade), string(SetNull)}, string(Restrict)))
		if rel.OnDelete == SetNull && rel.Required {
			r.add(raw.OnDelete.Pos, "%son_delete: set_null needs an optional relation; remove required: true or choose restrict or cascade", prefix(ctx))
		}
	case ManyToMany:
		rel.JoinTable = naming.Singular(e.Table) + "_" + rel.Name
		if raw.Required.Set {
			r.add(raw.Required.Pos, "%srequired applies to belongs_to relations only", prefix(ctx))
		}
		if raw.OnDelete.Set {
			r.add(raw.OnDelete.Pos, "%son_delete applies to belongs_to relations only", prefix(ctx))
		}
	}
	return rel
}

// linkRelation resolves the target of a relation once every entity is known.
func (r *resolver) linkRelation(rel *Relation) {
	raw := r.relations[rel]
	ctx := fmt.Sprintf("relation %q", rel.Name)
	name, ok := r.str(ctx, string(rel.Kind), raw.Target)
	if !ok {
		if !raw.Target.Set {
			r.add(raw.Target.Pos, "%s%s needs an entity name", prefix(ctx), rel.Kind)
		}
		return
	}
	rel.Target = r.p.Entity(name)
	if rel.Target != nil {
		return
	}
	names := make([]string, len(r.p.Entities))
	for i, e := range r.p.Entities {
		names[i] = e.Name
	}
	hint := didYouMean(name, names)
	if hint == "" && name == userEntity {
		hint = " (the built-in User entity exists when auth is enabled)"
	}
	r.add(raw.Target.Pos, "%sunknown entity %q%s", prefix(ctx), name, hint)
}

func ctxEntity(e *Entity) string { return fmt.Sprintf("entity %q", e.Name) }

func databaseNames() []string {
	out := make([]string, len(Databases))
	for i, d := range Databases {
		out[i] = string(d)
	}
	return out
}

// unwrapModuleErr drops the repetition of the path from x/mod's messages.
func unwrapModuleErr(err error) string {
	if inv, ok := errors.AsType[*module.InvalidPathError](err); ok {
		return inv.Err.Error()
	}
	return err.Error()
}
