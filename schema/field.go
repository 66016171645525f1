package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/scaffold-dev/scaffold/internal/naming"
)

// Limits of the databases that options must respect.
const (
	maxPrecision = 65    // MySQL DECIMAL
	maxScale     = 30    // MySQL DECIMAL
	maxVarchar   = 16383 // MySQL VARCHAR in utf8mb4 characters
)

// typeAliases are type names of other tools that users write by habit.
var typeAliases = map[string]FieldType{
	"integer": Int, "int64": Int, "bigint": Int, "number": Float, "double": Float,
	"float64": Float, "numeric": Decimal, "money": Decimal, "boolean": Bool,
	"str": String, "varchar": String, "datetime": Time, "timestamp": Time,
	"timestamptz": Time, "jsonb": JSON, "object": JSON,
}

// optionTypes lists the types an option applies to; options not listed
// apply to every type.
var optionTypes = map[string][]FieldType{
	"min":        {Int, Float, Decimal},
	"max":        {Int, Float, Decimal},
	"min_length": {String, Text},
	"max_length": {String, Text},
	"pattern":    {String, Text},
	"format":     {String, Text},
	"values":     {Enum},
	"precision":  {Decimal},
	"scale":      {Decimal},
}

// field resolves one field. It returns nil when the field is too broken to
// check further (bad name or type); the problem is recorded.
func (r *resolver) field(e *Entity, raw *rawField) *Field {
	ctx := fmt.Sprintf("field %q", raw.Name.Value)
	if !r.checkSnake(ctx, "name", raw.Name) {
		return nil
	}
	f := &Field{Name: raw.Name.Value, Pos: raw.Name.Pos}
	if isSystemColumn(f.Name) {
		r.add(raw.Name.Pos, "%s%s is a system column managed by the generated code and cannot be declared", prefix(ctx), f.Name)
		return nil
	}
	typ, ok := r.str(ctx, "type", raw.Type)
	if !ok {
		return nil
	}
	f.Type = FieldType(typ)
	if !slices.Contains(FieldTypes, f.Type) {
		hint := didYouMean(typ, strings.Split(knownTypes(), ", "))
		if alias, ok := typeAliases[strings.ToLower(typ)]; ok {
			hint = fmt.Sprintf(" (did you mean %q?)", alias)
		}
		r.add(raw.Type.Pos, "%sunknown type %q (known: %s)%s", prefix(ctx), typ, knownTypes(), hint)
		return nil
	}

	opts := make(map[string]rawOption, len(raw.Options))
	for _, o := range raw.Options {
		if types, limited := optionTypes[o.Key]; limited && !slices.Contains(types, f.Type) {
			r.add(o.KeyPos, "%s%s applies to %s fields only, not %s", prefix(ctx), o.Key, joinTypes(types), f.Type)
			continue
		}
		opts[o.Key] = o
	}
	flag := func(key string, def bool) bool {
		o, ok := opts[key]
		if !ok {
			return def
		}
		return r.boolean(ctx, key, r.optScalar(ctx, o), def)
	}
	f.Required = flag("required", false)
	f.Unique = flag("unique", false)
	f.Immutable = flag("immutable", false)
	f.Sensitive = flag("sensitive", false)
	searchable := f.Type != Text && f.Type != JSON && !f.Sensitive
	f.Filterable = flag("filterable", searchable)
	f.Sortable = flag("sortable", searchable)
	for _, key := range []string{"filterable", "sortable"} {
		o, set := opts[key]
		if !set || !flag(key, false) {
			continue
		}
		switch {
		case f.Type == JSON:
			r.add(o.KeyPos, "%s%s is not possible on json fields", prefix(ctx), key)
		case f.Sensitive:
			r.add(o.KeyPos, "%s%s would reveal a sensitive field; remove one of them", prefix(ctx), key)
		}
	}
	if o, set := opts["unique"]; set && f.Unique && (f.Type == Text || f.Type == JSON) {
		r.add(o.KeyPos, "%sunique is not possible on %s fields (MySQL cannot index them); use a string with max_length", prefix(ctx), f.Type)
	}
	if o, ok := opts["description"]; ok {
		f.Description, _ = r.str(ctx, "description", r.optScalar(ctx, o))
	}
	if o, ok := opts["format"]; ok {
		f.Format = r.oneOf(ctx, "format", r.optScalar(ctx, o), []string{"email", "url"}, "")
	}
	if o, ok := opts["pattern"]; ok {
		if pat, ok := r.str(ctx, "pattern", r.optScalar(ctx, o)); ok {
			if _, err := regexp.Compile(pat); err != nil {
				r.add(pos(o.Value), "%spattern is not a valid RE2 expression: %s", prefix(ctx), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			} else {
				f.Pattern = pat
			}
		}
	}
	r.lengths(ctx, f, opts)
	r.bounds(ctx, f, opts)
	r.decimal(ctx, f, opts, raw)
	r.values(ctx, f, opts, raw)
	r.fieldRename(ctx, f, opts)
	if o, ok := opts["default"]; ok {
		f.Default = r.defaultValue(ctx, f, o.Value)
	}
	if o, ok := opts["example"]; ok {
		var v any
		if err := o.Value.Decode(&v); err != nil {
			r.add(pos(o.Value), "%sexample is not a usable value: %v", prefix(ctx), err)
		} else {
			f.Example = v
		}
	}
	return f
}

// optScalar returns an option's value as a scalar, reporting lists and
// mappings.
func (r *resolver) optScalar(ctx string, o rawOption) scalar {
	if isNull(o.Value) {
		return scalar{Pos: o.KeyPos}
	}
	if o.Value.Kind != yaml.ScalarNode {
		r.add(pos(o.Value), "%s%q must be a single value, not %s", prefix(ctx), o.Key, describe(o.Value))
		return scalar{Pos: o.KeyPos}
	}
	return scalar{Value: o.Value.Value, Tag: o.Value.ShortTag(), Pos: pos(o.Value), Set: true}
}

// lengths resolves min_length and max_length; string fields default to 255.
func (r *resolver) lengths(ctx string, f *Field, opts map[string]rawOption) {
	read := func(key string, least int) *int {
		o, ok := opts[key]
		if !ok {
			return nil
		}
		s := r.optScalar(ctx, o)
		if !s.Set {
			return nil
		}
		n := r.integer(ctx, key, s, -1)
		if n < least {
			if n != -1 || s.Value == "-1" {
				r.add(s.Pos, "%s%s must be at least %d", prefix(ctx), key, least)
			}
			return nil
		}
		return &n
	}
	f.MinLength = read("min_length", 0)
	f.MaxLength = read("max_length", 1)
	if f.Type == String {
		if f.MaxLength == nil {
			n := defaultMaxLength
			f.MaxLength = &n
		} else if *f.MaxLength > maxVarchar {
			r.add(pos(opts["max_length"].Value), "%smax_length %d is too long for a string column (limit %d); use type text", prefix(ctx), *f.MaxLength, maxVarchar)
		}
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		at := pos(opts["min_length"].Value)
		r.add(at, "%smin_length %d is larger than max_length %d", prefix(ctx), *f.MinLength, *f.MaxLength)
	}
}

// bounds resolves min and max.
func (r *resolver) bounds(ctx string, f *Field, opts map[string]rawOption) {
	read := func(key string) *Number {
		o, ok := opts[key]
		if !ok {
			return nil
		}
		s := r.optScalar(ctx, o)
		if !s.Set {
			return nil
		}
		n, ok := parseNumber(s)
		if !ok {
			r.add(s.Pos, "%s%s must be a number, not %q", prefix(ctx), key, s.Value)
			return nil
		}
		if _, whole := n.Int64(); f.Type == Int && !whole {
			r.add(s.Pos, "%s%s must be a whole number for an int field, not %s", prefix(ctx), key, s.Value)
			return nil
		}
		return n
	}
	f.Min, f.Max = read("min"), read("max")
	if f.Min != nil && f.Max != nil && f.Min.Rat().Cmp(f.Max.Rat()) > 0 {
		r.add(pos(opts["min"].Value), "%smin %s is larger than max %s", prefix(ctx), f.Min, f.Max)
	}
}

// decimal resolves precision and scale.
func (r *resolver) decimal(ctx string, f *Field, opts map[string]rawOption, raw *rawField) {
	if f.Type != Decimal {
		return
	}
	f.Precision, f.Scale = defaultPrecision, defaultScale
	if o, ok := opts["precision"]; ok {
		s := r.optScalar(ctx, o)
		if p := r.integer(ctx, "precision", s, defaultPrecision); p < 1 || p > maxPrecision {
			r.add(s.Pos, "%sprecision must be between 1 and %d", prefix(ctx), maxPrecision)
		} else {
			f.Precision = p
		}
	}
	if o, ok := opts["scale"]; ok {
		s := r.optScalar(ctx, o)
		if sc := r.integer(ctx, "scale", s, defaultScale); sc < 0 || sc > maxScale {
			r.add(s.Pos, "%sscale must be between 0 and %d", prefix(ctx), maxScale)
		} else {
			f.Scale = sc
		}
	}
	if f.Scale > f.Precision {
		at := raw.Name.Pos
		if o, ok := opts["scale"]; ok {
			at = pos(o.Value)
		}
		r.add(at, "%sscale %d is larger than precision %d", prefix(ctx), f.Scale, f.Precision)
	}
}

// values resolves the values of an enum: a non-empty list of distinct
// strings that each make a Go constant name.
func (r *resolver) values(ctx string, f *Field, opts map[string]rawOption, raw *rawField) {
	if f.Type != Enum {
		return
	}
	o, ok := opts["values"]
	if !ok || isNull(o.Value) {
		r.add(raw.Type.Pos, "%senum needs values, e.g. values: [draft, active]", prefix(ctx))
		return
	}
	if o.Value.Kind != yaml.SequenceNode {
		r.add(pos(o.Value), "%svalues must be a list, e.g. [draft, active]", prefix(ctx))
		return
	}
	if len(o.Value.Content) == 0 {
		r.add(pos(o.Value), "%svalues must not be empty", prefix(ctx))
		return
	}
	goNames := make(map[string]string)
	for _, item := range o.Value.Content {
		item = deref(item)
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			r.add(pos(item), "%senum values must be strings, not %s (quote it)", prefix(ctx), describe(item))
			continue
		}
		v := item.Value
		if !validEnumValue(v) {
			r.add(pos(item), "%senum value %q must start with a letter or digit and hold only letters, digits, spaces, _, - and .", prefix(ctx), v)
			continue
		}
		goName := naming.Pascal(v)
		if prev, dup := goNames[goName]; dup {
			if prev == v {
				r.add(pos(item), "%senum value %q is listed twice", prefix(ctx), v)
			} else {
				r.add(pos(item), "%senum values %q and %q make the same Go constant %s", prefix(ctx), prev, v, goName)
			}
			continue
		}
		goNames[goName] = v
		f.Values = append(f.Values, v)
	}
}

func validEnumValue(v string) bool {
	for i, c := range v {
		ok := unicode.IsLetter(c) || unicode.IsDigit(c)
		if i > 0 {
			ok = ok || c == ' ' || c == '_' || c == '-' || c == '.'
		}
		if !ok {
			return false
		}
	}
	return v != "" && len(v) <= maxIdent
}

func joinTypes(types []FieldType) string {
	s := make([]string, len(types))
	for i, t := range types {
		s[i] = string(t)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
