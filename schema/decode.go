package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Keys accepted at each level of the file, in documentation order. Anything
// else is an error, with a suggestion when a known key is close.
var (
	projectKeys  = []string{"version", "name", "module", "database", "id", "api", "auth", "entities"}
	apiKeys      = []string{"base_path", "page_size", "max_page_size"}
	authKeys     = []string{"enabled", "roles", "default_role", "registration", "access_ttl", "refresh_ttl", "password_min_length", "oidc"}
	oidcKeys     = []string{"issuer", "audience", "jwks_url", "role_claim", "email_claim"}
	entityKeys   = []string{"table", "plural", "id", "timestamps", "soft_delete", "owned", "renamed_from", "fields", "indexes", "relations", "permissions"}
	fieldKeys    = []string{"type", "required", "unique", "default", "min", "max", "min_length", "max_length", "pattern", "format", "values", "precision", "scale", "immutable", "sensitive", "filterable", "sortable", "description", "example", "renamed_from"}
	relationKeys = []string{"belongs_to", "many_to_many", "required", "on_delete"}
	indexKeys    = []string{"fields", "unique"}
)

// yamlLine extracts the line from the syntax errors of the YAML parser,
// which come as "yaml: line N: problem".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decoder turns the YAML tree into the raw types, checking only shapes:
// mappings where mappings belong, known keys, no duplicates.
type decoder struct {
	*errs
}

// decodeFile parses data as a single YAML document. It returns nil when the
// file is not valid YAML or not a mapping; the problem is recorded.
func (d *decoder) decodeFile(data []byte) *rawProject {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.add(Pos{1, 1}, "the schema file is empty; start with \"version: 1\" and \"name:\"")
			return nil
		}
		d.yamlError(err, data)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.add(pos(&extra), "a schema file holds one YAML document; remove the second one")
	} else if !errors.Is(err, io.EOF) {
		d.yamlError(err, data)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	root = deref(root)
	if isNull(root) {
		d.add(pos(root), "the schema file is empty; start with \"version: 1\" and \"name:\"")
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.add(pos(root), "the schema must be a mapping of keys (version, name, entities, ...)")
		return nil
	}
	return d.project(root)
}

// yamlError records a syntax error of the YAML parser. The parser names
// only a line, and often the line where the enclosing block starts rather
// than the offending one; the offending line is the first one whose prefix
// of the file fails with the same problem.
func (d *decoder) yamlError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Pos{Line: 1, Column: 1}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			p.Line = n
		}
		msg = m[2]
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) <= maxBisectLines {
		for n := 1; n <= len(lines); n++ {
			if prefixErr := yamlProblem(bytes.Join(lines[:n], nil)); prefixErr == msg {
				p.Line = n
				break
			}
		}
	}
	if p.Line <= len(lines) {
		// Point at the first character of the line, past its indentation.
		p.Column = len(lines[p.Line-1]) - len(bytes.TrimLeft(lines[p.Line-1], " ")) + 1
	}
	d.add(p, "invalid YAML: %s", msg)
}

// maxBisectLines bounds the search for the offending line of a YAML error;
// each step parses a prefix of the file.
const maxBisectLines = 2000

// yamlProblem returns the problem the YAML parser finds in data, or "".
func yamlProblem(data []byte) string {
	var n yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		err := dec.Decode(&n)
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) {
			return ""
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return m[2]
		}
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
}

func (d *decoder) project(n *yaml.Node) *rawProject {
	p := &rawProject{Pos: pos(n)}
	d.mapping(n, "", projectKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			p.Version = d.scalar("", key, k, v)
		case "name":
			p.Name = d.scalar("", key, k, v)
		case "module":
			p.Module = d.scalar("", key, k, v)
		case "database":
			p.Database = d.scalar("", key, k, v)
		case "id":
			p.ID = d.scalar("", key, k, v)
		case "api":
			d.mapping(v, "api", apiKeys, func(key string, k, v *yaml.Node) {
				s := d.scalar("api", key, k, v)
				switch key {
				case "base_path":
					p.API.BasePath = s
				case "page_size":
					p.API.PageSize = s
				case "max_page_size":
					p.API.MaxPageSize = s
				}
			})
		case "auth":
			p.Auth = d.auth(k, v)
		case "entities":
			d.entries(v, "entities", func(k, v *yaml.Node) {
				p.Entities = append(p.Entities, d.entity(k, v))
			})
		}
	})
	return p
}

func (d *decoder) auth(k, v *yaml.Node) *rawAuth {
	a := &rawAuth{Pos: pos(k)}
	d.mapping(v, "auth", authKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "enabled":
			a.Enabled = d.scalar("auth", key, k, v)
		case "roles":
			a.Roles, a.RolesSet = d.list("auth", key, k, v), true
		case "default_role":
			a.DefaultRole = d.scalar("auth", key, k, v)
		case "registration":
			a.Registration = d.scalar("auth", key, k, v)
		case "access_ttl":
			a.AccessTTL = d.scalar("auth", key, k, v)
		case "refresh_ttl":
			a.RefreshTTL = d.scalar("auth", key, k, v)
		case "password_min_length":
			a.PasswordMinLength = d.scalar("auth", key, k, v)
		case "oidc":
			a.OIDC = d.oidc(k, v)
		}
	})
	return a
}

func (d *decoder) oidc(k, v *yaml.Node) *rawOIDC {
	o := &rawOIDC{Pos: pos(k)}
	d.mapping(v, "auth.oidc", oidcKeys, func(key string, k, v *yaml.Node) {
		s := d.scalar("auth.oidc", key, k, v)
		switch key {
		case "issuer":
			o.Issuer = s
		case "audience":
			o.Audience = s
		case "jwks_url":
			o.JWKSURL = s
		case "role_claim":
			o.RoleClaim = s
		case "email_claim":
			o.EmailClaim = s
		}
	})
	return o
}

func (d *decoder) entity(k, v *yaml.Node) *rawEntity {
	e := &rawEntity{Name: keyScalar(k)}
	ctx := fmt.Sprintf("entity %q", k.Value)
	d.mapping(v, ctx, entityKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "table":
			e.Table = d.scalar(ctx, key, k, v)
		case "plural":
			e.Plural = d.scalar(ctx, key, k, v)
		case "id":
			e.ID = d.scalar(ctx, key, k, v)
		case "timestamps":
			e.Timestamps = d.scalar(ctx, key, k, v)
		case "soft_delete":
			e.SoftDelete = d.scalar(ctx, key, k, v)
		case "owned":
			e.Owned = d.scalar(ctx, key, k, v)
		case "renamed_from":
			e.RenamedFrom = d.scalar(ctx, key, k, v)
		case "fields":
			d.entries(v, ctx+" fields", func(k, v *yaml.Node) {
				e.Fields = append(e.Fields, d.field(k, v))
			})
		case "relations":
			d.entries(v, ctx+" relations", func(k, v *yaml.Node) {
				e.Relations = append(e.Relations, d.relation(k, v))
			})
		case "indexes":
			e.Indexes = d.indexes(ctx, v)
		case "permissions":
			e.PermissionsPos, e.PermissionsSet = pos(k), true
			d.entries(v, ctx+" permissions", func(k, v *yaml.Node) {
				e.Permissions = append(e.Permissions, &rawPermission{
					Action: keyScalar(k),
					Words:  d.list(ctx, "permissions "+k.Value, k, v),
				})
			})
		}
	})
	return e
}

// field decodes a field: the shorthand "title: string" or a mapping of options.
func (d *decoder) field(k, v *yaml.Node) *rawField {
	f := &rawField{Name: keyScalar(k)}
	ctx := fmt.Sprintf("field %q", k.Value)
	v = deref(v)
	if v.Kind == yaml.ScalarNode && !isNull(v) {
		f.Type = d.scalar(ctx, "type", k, v)
		return f
	}
	if isNull(v) {
		d.add(pos(k), "%s: missing type; write %s: string, or a mapping with a type key", ctx, k.Value)
		return f
	}
	d.mapping(v, ctx, fieldKeys, func(key string, k, v *yaml.Node) {
		if key == "type" {
			f.Type = d.scalar(ctx, key, k, v)
			return
		}
		f.Options = append(f.Options, rawOption{Key: key, KeyPos: pos(k), Value: deref(v)})
	})
	if !f.Type.Set && v.Kind == yaml.MappingNode {
		d.add(pos(v), "%s: missing key \"type\" (one of %s)", ctx, knownTypes())
	}
	return f
}

func (d *decoder) relation(k, v *yaml.Node) *rawRelation {
	r := &rawRelation{Name: keyScalar(k), Pos: pos(deref(v))}
	ctx := fmt.Sprintf("relation %q", k.Value)
	d.mapping(v, ctx, relationKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "belongs_to", "many_to_many":
			if r.Kind != "" {
				d.add(pos(k), "%s: give either belongs_to or many_to_many, not both", ctx)
				return
			}
			r.Kind, r.Target = RelationKind(key), d.scalar(ctx, key, k, v)
		case "required":
			r.Required = d.scalar(ctx, key, k, v)
		case "on_delete":
			r.OnDelete = d.scalar(ctx, key, k, v)
		}
	})
	if r.Kind == "" && deref(v).Kind == yaml.MappingNode {
		d.add(r.Pos, "%s: missing belongs_to or many_to_many", ctx)
	}
	return r
}

// indexes decodes the list of indexes: each is a list of columns, or a
// mapping {fields: [...], unique: true}.
func (d *decoder) indexes(ctx string, n *yaml.Node) []*rawIndex {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.add(pos(n), "%s: indexes must be a list, e.g. [[status, created_at]]", ctx)
		return nil
	}
	var out []*rawIndex
	for _, item := range n.Content {
		item = deref(item)
		ix := &rawIndex{Pos: pos(item)}
		switch item.Kind {
		case yaml.SequenceNode:
			ix.Columns = d.list(ctx, "index", item, item)
		case yaml.MappingNode:
			d.mapping(item, ctx+" index", indexKeys, func(key string, k, v *yaml.Node) {
				switch key {
				case "fields":
					ix.Columns = d.list(ctx+" index", key, k, v)
				case "unique":
					ix.Unique = d.scalar(ctx+" index", key, k, v)
				}
			})
		default:
			d.add(ix.Pos, "%s: an index is a list of columns or a mapping {fields: [...], unique: true}", ctx)
			continue
		}
		out = append(out, ix)
	}
	return out
}

// mapping walks the keys of a mapping node. Unknown and duplicate keys are
// reported; known ones are passed to fn. A null node is an empty mapping.
func (d *decoder) mapping(n *yaml.Node, ctx string, known []string, fn func(key string, k, v *yaml.Node)) {
	d.entries(n, ctx, func(k, v *yaml.Node) {
		for _, want := range known {
			if k.Value == want {
				fn(want, k, v)
				return
			}
		}
		d.add(pos(k), "%sunknown key %q%s", prefix(ctx), k.Value, didYouMean(k.Value, known))
	})
}

// entries walks the pairs of a mapping whose keys are names chosen by the
// user (entities, fields, ...), reporting keys that are not plain strings and
// duplicates. A null node is an empty mapping.
func (d *decoder) entries(n *yaml.Node, ctx string, fn func(k, v *yaml.Node)) {
	n = deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.add(pos(n), "%smust be a mapping, not %s", prefix(ctx), describe(n))
		return
	}
	seen := make(map[string]Pos)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.add(pos(k), "%skeys must be plain names, not %s", prefix(ctx), describe(k))
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			d.add(pos(k), "%smerge keys (<<) are not supported; repeat the keys instead", prefix(ctx))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.add(pos(k), "%sduplicate key %q (first at line %d)", prefix(ctx), k.Value, first.Line)
			continue
		}
		seen[k.Value] = pos(k)
		fn(k, v)
	}
}

// scalar returns the value of key, which must be a single value.
func (d *decoder) scalar(ctx, key string, k, v *yaml.Node) scalar {
	v = deref(v)
	if isNull(v) {
		return scalar{Pos: pos(k), Tag: "!!null"}
	}
	if v.Kind != yaml.ScalarNode {
		d.add(pos(v), "%s%q must be a single value, not %s", prefix(ctx), key, describe(v))
		return scalar{Pos: pos(k)}
	}
	return scalar{Value: v.Value, Tag: v.ShortTag(), Pos: pos(v), Set: true}
}

// list returns the items of a list of single values. A single value is
// accepted as a list of one.
func (d *decoder) list(ctx, key string, k, v *yaml.Node) []scalar {
	v = deref(v)
	switch {
	case isNull(v):
		return nil
	case v.Kind == yaml.ScalarNode:
		return []scalar{d.scalar(ctx, key, k, v)}
	case v.Kind != yaml.SequenceNode:
		d.add(pos(v), "%s%q must be a list, not %s", prefix(ctx), key, describe(v))
		return nil
	}
	out := make([]scalar, 0, len(v.Content))
	for _, item := range v.Content {
		if s := d.scalar(ctx, key+" item", item, item); s.Set {
			out = append(out, s)
		}
	}
	return out
}

// keyScalar returns a mapping key as a scalar.
func keyScalar(k *yaml.Node) scalar {
	return scalar{Value: k.Value, Tag: k.ShortTag(), Pos: pos(k), Set: true}
}

func pos(n *yaml.Node) Pos { return Pos{Line: n.Line, Column: n.Column} }

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names the kind of a node for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

// prefix returns "ctx: " or "" for the project level.
func prefix(ctx string) string {
	if ctx == "" {
		return ""
	}
	return ctx + ": "
}

// knownTypes lists the field types for messages.
func knownTypes() string {
	names := make([]string, len(FieldTypes))
	for i, t := range FieldTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
