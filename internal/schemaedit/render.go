package schemaedit

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Render writes p as a schema file: keys in the order of SCHEMA.md, fields
// in their short form when they have no options and as one flow mapping per
// line otherwise, and a comment above each section saying what it is for.
func Render(p *Project) ([]byte, error) {
	root := mapping()
	root.HeadComment = fmt.Sprintf("Schema of %s for scaffold, format version 1 (see SCHEMA.md).\n"+
		"Edit it by hand or with scaffold add (comments and order are kept); check it with scaffold validate.", p.Name)
	add(root, "version", scalar("1"))
	add(root, "name", str(p.Name))
	if p.Module != "" {
		add(root, "module", str(p.Module))
	}
	if p.Database != "" {
		add(root, "database", str(p.Database)).LineComment = "sqlite | postgres | mysql"
	}
	if p.Auth != nil {
		auth := mapping()
		add(auth, "enabled", scalar("true"))
		roles := flowSeq(p.Auth.Roles)
		roles.LineComment = "admin may always do everything"
		add(auth, "roles", roles)
		if p.Auth.DefaultRole != "" {
			add(auth, "default_role", str(p.Auth.DefaultRole)).LineComment = "given to users who register themselves"
		}
		add(root, "auth", auth).HeadComment = "Users register and log in with email and password; permissions below name these roles."
	}
	entities := mapping()
	for _, e := range p.Entities {
		add(entities, e.Name, entityNode(e))
	}
	add(root, "entities", entities).HeadComment = "Each entity is an API resource and a database table.\n" +
		"A field is name: type, or name: {type: ..., options}; relations link entities."
	return encode(root, 0)
}

// entityNode renders one entity's mapping.
func entityNode(e *Entity) *yaml.Node {
	n := mapping()
	if e.Owned {
		add(n, "owned", scalar("true")).LineComment = "owner_id: set from the caller's token on create"
	}
	fields := mapping()
	for _, f := range e.Fields {
		add(fields, f.Name, fieldNode(f))
	}
	add(n, "fields", fields)
	if len(e.Relations) > 0 {
		rels := mapping()
		for _, r := range e.Relations {
			add(rels, r.Name, relationNode(r))
		}
		add(n, "relations", rels)
	}
	if len(e.Permissions) > 0 {
		perms := mapping()
		for _, p := range e.Permissions {
			add(perms, p.Action, flowSeq(p.Words))
		}
		add(n, "permissions", perms)
	}
	return n
}

// fieldNode renders a field: its type alone, or a flow mapping of its type
// and options.
func fieldNode(f *Field) *yaml.Node {
	if len(f.Options) == 0 {
		return str(f.Type)
	}
	n := mapping()
	n.Style = yaml.FlowStyle
	add(n, "type", str(f.Type))
	for _, o := range f.sortedOptions() {
		switch {
		case o.List != nil:
			add(n, o.Key, flowSeq(o.List))
		case o.String:
			add(n, o.Key, str(o.Value))
		default:
			add(n, o.Key, scalar(o.Value))
		}
	}
	return n
}

// relationNode renders a relation as a flow mapping.
func relationNode(r *Relation) *yaml.Node {
	n := mapping()
	n.Style = yaml.FlowStyle
	add(n, r.Kind, str(r.Target))
	if r.Required {
		add(n, "required", scalar("true"))
	}
	if r.OnDelete != "" {
		add(n, "on_delete", str(r.OnDelete))
	}
	return n
}

// encode writes n as YAML indented by indent spaces, with a blank line
// before every commented top-level key so that sections stand apart.
func encode(n *yaml.Node, indent int) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("write schema: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write schema: %w", err)
	}
	var out bytes.Buffer
	pad := strings.Repeat(" ", indent)
	lines := strings.SplitAfter(buf.String(), "\n")
	for i, line := range lines {
		if line == "" {
			continue
		}
		if indent == 0 && i > 0 && strings.HasPrefix(line, "# ") && !strings.HasPrefix(lines[i-1], "#") {
			out.WriteString("\n")
		}
		if line != "\n" {
			out.WriteString(pad)
		}
		out.WriteString(line)
	}
	return out.Bytes(), nil
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

// scalar is a value written plain and read back as YAML reads it: 1, true.
func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

// str is a value that stays a string: quoted when it would read otherwise.
func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func flowSeq(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, it := range items {
		n.Content = append(n.Content, str(it))
	}
	return n
}

// add appends key: value to mapping m and returns the key node, which holds
// the comments.
func add(m *yaml.Node, key string, value *yaml.Node) *yaml.Node {
	k := str(key)
	m.Content = append(m.Content, k, value)
	return k
}
