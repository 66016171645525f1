// Package schemaedit writes and edits schema files (scaffold.yaml) as text
// a person would write: keys in the order of SCHEMA.md, short forms where
// they exist, comments kept.
//
// Render writes a whole new file from a Project spec (scaffold init).
// AddEntity and AddField edit an existing file in place (scaffold add): they
// find where the new lines go from the file's yaml.Node positions and splice
// them into the original bytes, so every comment, blank line and key order of
// the user's file survives untouched.
//
// Nothing here validates: callers run schema.Parse on the result, the one
// place where the rules of the format live.
package schemaedit

import (
	"fmt"
	"slices"
	"strings"
)

// Project is a schema file to render. Zero values are left out of the file,
// so the format's defaults apply.
type Project struct {
	Name     string
	Module   string
	Database string
	Auth     *Auth // nil: no auth
	Entities []*Entity
}

// Auth is the auth section; Render writes it with enabled: true.
type Auth struct {
	Roles       []string
	DefaultRole string
}

// Entity is one entry of entities.
type Entity struct {
	Name        string
	Owned       bool
	Fields      []*Field
	Relations   []*Relation
	Permissions []Permission
}

// Field is one entry of an entity's fields.
type Field struct {
	Name    string
	Type    string
	Options []Option // in any order; rendered in the order of SCHEMA.md
}

// Option is one field option.
type Option struct {
	Key string
	// Value is the option's value as written in YAML: "true", "80", "draft".
	Value string
	// String keeps Value a string even where YAML would read it as
	// something else (a string default "0" is written "0", quoted).
	String bool
	// List is the value of a list option (values); Value is then unused.
	List []string
}

// Relation is one entry of an entity's relations.
type Relation struct {
	Name     string
	Kind     string // belongs_to or many_to_many
	Target   string
	Required bool
	OnDelete string // "" leaves the default
}

// Permission lists who may perform an action.
type Permission struct {
	Action string
	Words  []string
}

// optionOrder is the order of field options in SCHEMA.md. Unknown options go
// last, in the order given, for schema.Parse to reject with a suggestion.
var optionOrder = []string{
	"required", "unique", "default", "min", "max", "min_length", "max_length",
	"pattern", "format", "values", "precision", "scale", "immutable",
	"sensitive", "filterable", "sortable", "description", "example",
}

// stringOptions hold text whatever it looks like.
var stringOptions = []string{"pattern", "format", "description"}

// stringTypes are the field types whose default and example are text.
var stringTypes = []string{"string", "text", "enum", "date", "time", "uuid"}

// sortedOptions returns f's options in the order of SCHEMA.md.
func (f *Field) sortedOptions() []Option {
	opts := slices.Clone(f.Options)
	rank := func(k string) int {
		if i := slices.Index(optionOrder, k); i >= 0 {
			return i
		}
		return len(optionOrder)
	}
	slices.SortStableFunc(opts, func(a, b Option) int { return rank(a.Key) - rank(b.Key) })
	return opts
}

// ParseField parses the command-line form of a field,
// NAME:TYPE[:OPTION...], where an OPTION is a flag (required, unique,
// immutable, sensitive) or KEY=VALUE (max_length=80, default=0,
// values=a|b|c). Only the shape is checked here; the rules of the format
// are schema.Parse's.
func ParseField(spec string) (*Field, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("field %q: want NAME:TYPE[:OPTION...], e.g. title:string:required:max_length=80", spec)
	}
	f := &Field{Name: parts[0], Type: parts[1]}
	seen := map[string]bool{}
	for _, p := range parts[2:] {
		key, value, hasValue := strings.Cut(p, "=")
		if key == "" {
			return nil, fmt.Errorf("field %q: empty option; options are separated by single colons", spec)
		}
		if seen[key] {
			return nil, fmt.Errorf("field %q: option %s is given twice", spec, key)
		}
		seen[key] = true
		switch {
		case !hasValue:
			f.Options = append(f.Options, Option{Key: key, Value: "true"})
		case key == "values":
			f.Options = append(f.Options, Option{Key: key, List: strings.Split(value, "|")})
		default:
			f.Options = append(f.Options, Option{Key: key, Value: value, String: f.isText(key)})
		}
	}
	return f, nil
}

// isText reports whether option key of f holds text, so that "0" stays the
// string "0" and "true" the string "true".
func (f *Field) isText(key string) bool {
	if slices.Contains(stringOptions, key) {
		return true
	}
	return (key == "default" || key == "example") && slices.Contains(stringTypes, f.Type)
}

// Option returns the value of option key, or "".
func (f *Field) Option(key string) string {
	for _, o := range f.Options {
		if o.Key == key {
			if o.List != nil {
				return strings.Join(o.List, "|")
			}
			return o.Value
		}
	}
	return ""
}

// Set sets option key to value (text when the option holds text), replacing
// any previous value.
func (f *Field) Set(key, value string) {
	f.Unset(key)
	f.Options = append(f.Options, Option{Key: key, Value: value, String: f.isText(key)})
}

// SetList sets a list option.
func (f *Field) SetList(key string, values []string) {
	f.Unset(key)
	f.Options = append(f.Options, Option{Key: key, List: values})
}

// Unset removes option key.
func (f *Field) Unset(key string) {
	f.Options = slices.DeleteFunc(f.Options, func(o Option) bool { return o.Key == key })
}

// String returns the command-line form of the field, the inverse of
// ParseField.
func (f *Field) String() string {
	parts := []string{f.Name, f.Type}
	for _, o := range f.sortedOptions() {
		switch {
		case o.List != nil:
			parts = append(parts, o.Key+"="+strings.Join(o.List, "|"))
		case o.Value == "true" && !o.String:
			parts = append(parts, o.Key)
		default:
			parts = append(parts, o.Key+"="+o.Value)
		}
	}
	return strings.Join(parts, ":")
}
