package generator

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scaffold-dev/scaffold/internal/naming"
	"github.com/scaffold-dev/scaffold/schema"
)

// This file holds the view methods of the internal/model templates: Go
// expressions for decoding, defaults, rules and comparisons, computed here so
// that templates/entity/internal/model stays a thin layout.

// EnumValue is one constant of an enum type.
type EnumValue struct {
	Const string // Go constant, e.g. ProductStatusDraft
	Value string // as in the schema and the API, e.g. draft
}

// EnumValues lists the constants of an enum field in schema order.
func (f *FieldView) EnumValues() []EnumValue {
	out := make([]EnumValue, 0, len(f.Schema.Values))
	for _, v := range f.Schema.Values {
		out = append(out, EnumValue{Const: f.EnumConst(v), Value: v})
	}
	return out
}

// EnumConst is the Go constant of one value of an enum field.
func (f *FieldView) EnumConst(value string) string {
	return f.EnumType + naming.Pascal(value)
}

// EnumList is the allowed values as the error message lists them.
func (f *FieldView) EnumList() string { return strings.Join(f.Schema.Values, ", ") }

// JSONTag is the struct tag of the field: sensitive fields are write-only and
// never serialised.
func (f *FieldView) JSONTag() string {
	if f.Schema.Sensitive {
		return "`json:\"-\"`"
	}
	return fmt.Sprintf("`json:%q`", f.Name)
}

// Doc returns the comment lines of the struct field: the schema's
// description, then a summary of the rules.
func (f *FieldView) Doc() []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(f.Schema.Description), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return append(lines, f.GoName+" "+f.summary()+".")
}

// summary describes the field's options in a few words, e.g.
// "is required, unique and immutable, a decimal(12,2)".
func (f *FieldView) summary() string {
	s := f.Schema
	var traits []string
	if s.Required {
		traits = append(traits, "required")
	} else {
		traits = append(traits, "optional")
	}
	if s.Unique {
		traits = append(traits, "unique")
	}
	if s.Immutable {
		traits = append(traits, "immutable")
	}
	if s.Sensitive {
		traits = append(traits, "write-only")
	}
	out := "is " + joinWords(traits)
	if s.Type == schema.Decimal {
		out += fmt.Sprintf(", a decimal(%d,%d)", s.Precision, s.Scale)
	}
	if s.Default != nil && !s.Required {
		out += fmt.Sprintf(", default %s", defaultText(s))
	}
	return out
}

// joinWords joins words as prose: "a", "a and b", "a, b and c".
func joinWords(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// defaultText is the schema default as a reader would write it.
func defaultText(f *schema.Field) string {
	switch v := f.Default.(type) {
	case string:
		var compact bytes.Buffer
		if f.Type == schema.JSON && json.Compact(&compact, []byte(v)) == nil {
			return compact.String() // one line, for a line comment
		}
		return strconv.Quote(v)
	default:
		return fmt.Sprint(v)
	}
}

// ModelVar is a package-level variable of an entity's model file: a compiled
// pattern or a parsed decimal, prepared once rather than on every request.
type ModelVar struct {
	Name string
	Expr string
	Doc  string
}

// ModelVars lists the package-level variables of the entity's model file.
func (e *EntityView) ModelVars() []ModelVar {
	var out []ModelVar
	for _, f := range e.Fields {
		s := f.Schema
		if s.Pattern != "" {
			out = append(out, ModelVar{
				Name: f.patternVar(),
				Expr: "regexp.MustCompile(" + goLiteral(s.Pattern) + ")",
				Doc:  fmt.Sprintf("%s is the pattern of %s.%s.", f.patternVar(), e.Name, f.GoName),
			})
		}
		if s.Type != schema.Decimal {
			continue
		}
		if s.Min != nil {
			out = append(out, ModelVar{
				Name: f.boundVar("Min"),
				Expr: "types.MustParseDecimal(" + strconv.Quote(s.Min.String()) + ")",
				Doc:  fmt.Sprintf("%s is the minimum of %s.%s.", f.boundVar("Min"), e.Name, f.GoName),
			})
		}
		if s.Max != nil {
			out = append(out, ModelVar{
				Name: f.boundVar("Max"),
				Expr: "types.MustParseDecimal(" + strconv.Quote(s.Max.String()) + ")",
				Doc:  fmt.Sprintf("%s is the maximum of %s.%s.", f.boundVar("Max"), e.Name, f.GoName),
			})
		}
	}
	return out
}

func (f *FieldView) patternVar() string { return f.Entity.VarName + f.GoName + "Pattern" }

func (f *FieldView) boundVar(which string) string { return f.Entity.VarName + f.GoName + which }

// goLiteral quotes s as a Go string literal, raw when that reads better
// (patterns are full of backslashes).
func goLiteral(s string) string {
	if strconv.CanBackquote(s) && strings.ContainsRune(s, '\\') {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// Parser is the Go expression of the function that decodes one JSON value of
// the field: a func(json.RawMessage) (T, error).
func (f *FieldView) Parser() (string, error) {
	switch f.Schema.Type {
	case schema.String, schema.Text:
		return "httpx.String", nil
	case schema.Int:
		return "httpx.Int", nil
	case schema.Float:
		return "httpx.Float", nil
	case schema.Bool:
		return "httpx.Bool", nil
	case schema.Time:
		return "httpx.Time", nil
	case schema.Decimal:
		return fmt.Sprintf("decimalWithScale(%d)", f.Schema.Scale), nil
	case schema.Date:
		return "parseDate", nil
	case schema.UUID:
		return "parseUUID", nil
	case schema.JSON:
		return "parseJSON", nil
	case schema.Enum:
		return "parseEnum[" + f.EnumType + "]", nil
	}
	return "", fmt.Errorf("generator: field %s has unknown type %q", f.Name, f.Schema.Type)
}

// Decoder is the model helper that decodes the field: required or optional.
func (f *FieldView) Decoder() string {
	if f.Nullable {
		return "optional"
	}
	return "required"
}

// Parser is the function that decodes the foreign key's JSON value.
func (b *BelongsToView) Parser() string {
	if b.Target.UUIDKey {
		return "parseUUID"
	}
	return "httpx.Int"
}

// Decoder is the model helper that decodes the key: required or optional.
func (b *BelongsToView) Decoder() string {
	if b.Nullable {
		return "optional"
	}
	return "required"
}

// Default is the Go expression of the field's default value, typed as the
// struct field (a pointer for optional fields), or "" without a default.
func (f *FieldView) Default() (string, error) {
	s := f.Schema
	if s.Default == nil {
		return "", nil
	}
	var v string
	var err error
	switch s.Type {
	case schema.String, schema.Text:
		v = strconv.Quote(fmt.Sprint(s.Default))
	case schema.Enum:
		v = f.EnumConst(fmt.Sprint(s.Default))
	case schema.Int:
		v = fmt.Sprint(s.Default)
		if f.Nullable {
			v = "int64(" + v + ")"
		}
	case schema.Float:
		n, _ := s.Default.(float64)
		v = strconv.FormatFloat(n, 'g', -1, 64)
		if f.Nullable {
			v = "float64(" + v + ")"
		}
	case schema.Bool:
		v = fmt.Sprint(s.Default)
	case schema.Decimal:
		v = "types.MustParseDecimal(" + strconv.Quote(fmt.Sprint(s.Default)) + ")"
	case schema.Time:
		v, err = timeLiteral(fmt.Sprint(s.Default))
	case schema.Date:
		v, err = dateLiteral(fmt.Sprint(s.Default))
	case schema.UUID:
		v, err = uuidLiteral(fmt.Sprint(s.Default))
	case schema.JSON:
		v = "types.JSON(" + goLiteral(fmt.Sprint(s.Default)) + ")"
	}
	if err != nil {
		return "", fmt.Errorf("generator: default of %s.%s: %w", f.Entity.Name, f.Name, err)
	}
	if f.Nullable {
		return "new(" + v + ")", nil
	}
	return v, nil
}

// timeLiteral renders an RFC 3339 default as a time.Date call in UTC.
func timeLiteral(s string) (string, error) {
	t, err := timeLiteralValue(s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("time.Date(%d, time.%s, %d, %d, %d, %d, %d, time.UTC)",
		t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()), nil
}

// dateLiteral renders a YYYY-MM-DD default as a types.Date literal.
func dateLiteral(s string) (string, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("types.Date{Year: %d, Month: time.%s, Day: %d}", t.Year(), t.Month(), t.Day()), nil
}

// Rule is one check of Validate: Cond is a Go boolean expression over the
// field's present value (named by the template's value expression), true when
// the value is valid.
type Rule struct {
	Cond    string
	Message string
}

// Rules lists the checks of the field's value, in the order they are
// reported. The conditions use Value (e.g. "e.Price" or "*e.Title").
func (f *FieldView) Rules() []Rule {
	s := f.Schema
	// v is the value for operators and arguments; recv the operand of method
	// calls, which Go dereferences itself.
	v, recv := f.Value(), "e."+f.GoName
	var out []Rule
	add := func(cond, msg string) { out = append(out, Rule{Cond: cond, Message: msg}) }
	switch s.Type {
	case schema.String, schema.Text:
		if s.MinLength != nil && *s.MinLength > 0 {
			add(fmt.Sprintf("utf8.RuneCountInString(%s) >= %d", v, *s.MinLength), lengthMessage("least", *s.MinLength))
		}
		if s.MaxLength != nil {
			add(fmt.Sprintf("utf8.RuneCountInString(%s) <= %d", v, *s.MaxLength), lengthMessage("most", *s.MaxLength))
		}
		if s.Pattern != "" {
			add(fmt.Sprintf("%s.MatchString(%s)", f.patternVar(), v), "must match the pattern "+s.Pattern)
		}
		switch s.Format {
		case "email":
			add("isEmail("+v+")", msgEmail)
		case "url":
			add("isURL("+v+")", msgURL)
		}
	case schema.Int, schema.Float:
		if s.Min != nil {
			add(fmt.Sprintf("%s >= %s", v, s.Min.String()), "must be at least "+s.Min.String())
		}
		if s.Max != nil {
			add(fmt.Sprintf("%s <= %s", v, s.Max.String()), "must be at most "+s.Max.String())
		}
	case schema.Decimal:
		add(fmt.Sprintf("%s.Fits(%d, %d)", recv, s.Precision, s.Scale), precisionMessage(s.Precision-s.Scale))
		if s.Min != nil {
			add(fmt.Sprintf("%s.Cmp(%s) >= 0", recv, f.boundVar("Min")), "must be at least "+s.Min.String())
		}
		if s.Max != nil {
			add(fmt.Sprintf("%s.Cmp(%s) <= 0", recv, f.boundVar("Max")), "must be at most "+s.Max.String())
		}
	case schema.Enum:
		add(recv+".Valid()", "must be one of: "+f.EnumList())
	}
	return out
}

// Value is the Go expression of the field's present value in Validate.
func (f *FieldView) Value() string {
	if f.Nullable {
		return "*e." + f.GoName
	}
	return "e." + f.GoName
}

// lengthMessage words a length bound: "must be at least 3 characters".
func lengthMessage(bound string, n int) string {
	unit := "characters"
	if n == 1 {
		unit = "character"
	}
	return fmt.Sprintf("must be at %s %d %s", bound, n, unit)
}

// precisionMessage words the integer digits a decimal column holds.
func precisionMessage(intDigits int) string {
	if intDigits == 0 {
		return "must be less than 1 in absolute value"
	}
	return fmt.Sprintf("must have at most %d digits before the decimal point", intDigits)
}

// Same is the Go expression comparing the field of e and current, for the
// immutability check.
func (f *FieldView) Same() string {
	a, b := "e."+f.GoName, "current."+f.GoName
	eq := f.equalFunc()
	switch {
	case f.Nullable:
		return fmt.Sprintf("sameOptional(%s, %s, %s)", a, b, eq)
	case eq == "equal":
		return a + " == " + b
	case f.Schema.Type == schema.Time:
		return a + ".Equal(" + b + ")"
	}
	return fmt.Sprintf("%s(%s, %s)", eq, a, b)
}

// equalFunc names the function comparing two present values of the field:
// the generic equal for types with ==, else a method or model helper.
func (f *FieldView) equalFunc() string {
	switch f.Schema.Type {
	case schema.Time:
		return "time.Time.Equal" // instants, whatever their location
	case schema.Decimal:
		return "sameDecimal" // numerically: 1.5 equals 1.50
	case schema.JSON:
		return "sameJSON"
	}
	return "equal"
}

// Immutable lists the fields that cannot change after create.
func (e *EntityView) Immutable() []*FieldView {
	var out []*FieldView
	for _, f := range e.Fields {
		if f.Schema.Immutable {
			out = append(out, f)
		}
	}
	return out
}

// RequiredOnCreate lists the JSON keys a create body must hold: required
// fields and relations. A default of a required field does not make it
// optional: it is the database's, for filling existing rows when the field
// is added later (SCHEMA.md: required means present on create).
func (e *EntityView) RequiredOnCreate() []string {
	return e.requiredKeys(false)
}

// RequiredOnReplace lists the JSON keys a replace body must hold: as on
// create, but immutable fields may be left out (they keep their value).
func (e *EntityView) RequiredOnReplace() []string {
	return e.requiredKeys(true)
}

func (e *EntityView) requiredKeys(replace bool) []string {
	var out []string
	for _, f := range e.Fields {
		if f.Schema.Required && !(replace && f.Schema.Immutable) {
			out = append(out, f.Name)
		}
	}
	for _, b := range e.BelongsTo {
		if !b.Nullable {
			out = append(out, b.Column)
		}
	}
	return out
}

// Defaults lists the optional fields with a default value, which create and
// replace apply when the body leaves them out.
func (e *EntityView) Defaults() []*FieldView {
	var out []*FieldView
	for _, f := range e.Fields {
		if f.Nullable && f.Schema.Default != nil {
			out = append(out, f)
		}
	}
	return out
}

// Enums lists the enum fields.
func (e *EntityView) Enums() []*FieldView {
	var out []*FieldView
	for _, f := range e.Fields {
		if f.Schema.Type == schema.Enum {
			out = append(out, f)
		}
	}
	return out
}

// WritableKeys lists the JSON keys a request body may hold, in document
// order: the fields, then the foreign keys.
func (e *EntityView) WritableKeys() []string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Name)
	}
	for _, b := range e.BelongsTo {
		out = append(out, b.Column)
	}
	return out
}

// Owner is the view of the entity owning rows of an owned entity (the
// built-in User), or nil when the entity is not owned.
func (e *EntityView) Owner() *EntityView {
	if !e.Owned {
		return nil
	}
	for _, u := range e.Project.Entities {
		if u.Schema.System {
			return u
		}
	}
	return nil
}

// Imports are the import paths of a generated file in the two groups
// goimports keeps apart: the standard library, then the project's packages.
type Imports struct {
	Std, Module []string
}

// ModelImports lists the imports of the entity's model file.
func (e *EntityView) ModelImports() Imports {
	std := []string{"encoding/json"}
	usesTypes := e.UUIDKey
	if e.Timestamps || e.SoftDelete {
		std = append(std, "time")
	}
	if o := e.Owner(); o != nil && o.UUIDKey {
		usesTypes = true
	}
	for _, b := range e.BelongsTo {
		usesTypes = usesTypes || b.Target.UUIDKey
	}
	for _, f := range e.Fields {
		s := f.Schema
		switch s.Type {
		case schema.Decimal, schema.UUID, schema.JSON:
			usesTypes = true
		case schema.Date:
			usesTypes = true
			if s.Default != nil && f.Nullable { // a types.Date literal names a time.Month
				std = append(std, "time")
			}
		case schema.Time:
			std = append(std, "time")
		}
		if s.Pattern != "" {
			std = append(std, "regexp")
		}
		if (s.Type == schema.String || s.Type == schema.Text) && (s.MaxLength != nil || (s.MinLength != nil && *s.MinLength > 0)) {
			std = append(std, "unicode/utf8")
		}
	}
	mod := []string{e.Project.Module + "/internal/httpx"}
	if usesTypes {
		mod = append(mod, e.Project.Module+"/internal/types")
	}
	slices.Sort(std)
	return Imports{Std: slices.Compact(std), Module: mod}
}

// ModelHelpers tells which shared helpers of internal/model the entities
// use, so that the package holds no unused code.
type ModelHelpers struct {
	Require, Required, Optional     bool
	Enum                            bool
	Decimal, Date, UUID, JSON       bool
	Email, URL                      bool
	SameOptional, Equal             bool
	SameDecimal, SameJSON, Unchange bool
}

// Any reports whether any entity needs the decoding core.
func (h ModelHelpers) Any() bool { return h.Required || h.Optional }

// UsesTypes reports whether the helpers import internal/types.
func (h ModelHelpers) UsesTypes() bool {
	return h.Decimal || h.Date || h.UUID || h.JSON || h.SameDecimal || h.SameJSON
}

// ModelHelpers computes which shared model helpers the project's entities use.
func (p *ProjectView) ModelHelpers() ModelHelpers {
	var h ModelHelpers
	for _, e := range p.Entities {
		h.Require = h.Require || len(e.RequiredOnCreate()) > 0
		for _, b := range e.BelongsTo {
			h.Required = h.Required || !b.Nullable
			h.Optional = h.Optional || b.Nullable
			h.UUID = h.UUID || b.Target.UUIDKey
		}
		for _, f := range e.Fields {
			s := f.Schema
			h.Required = h.Required || !f.Nullable
			h.Optional = h.Optional || f.Nullable
			switch s.Type {
			case schema.Enum:
				h.Enum = true
			case schema.Decimal:
				h.Decimal = true
			case schema.Date:
				h.Date = true
			case schema.UUID:
				h.UUID = true
			case schema.JSON:
				h.JSON = true
			}
			h.Email = h.Email || s.Format == "email"
			h.URL = h.URL || s.Format == "url"
			if s.Immutable {
				eq := f.equalFunc()
				h.Unchange = true
				h.SameOptional = h.SameOptional || f.Nullable
				h.Equal = h.Equal || (f.Nullable && eq == "equal")
				h.SameDecimal = h.SameDecimal || eq == "sameDecimal"
				h.SameJSON = h.SameJSON || eq == "sameJSON"
			}
		}
	}
	return h
}

// ModelHelperImports lists the imports of the shared model helpers file.
func (p *ProjectView) ModelHelperImports() Imports {
	h := p.ModelHelpers()
	std := []string{"cmp", "encoding/json", "maps", "slices"}
	if h.Decimal {
		std = append(std, "fmt")
	}
	if h.Decimal || h.Date || h.UUID {
		std = append(std, "errors")
	}
	if h.SameJSON {
		std = append(std, "bytes")
	}
	if h.Email {
		std = append(std, "net/mail")
	}
	if h.URL {
		std = append(std, "net/url")
	}
	slices.Sort(std)
	mod := []string{p.Module + "/internal/httpx"}
	if h.UsesTypes() {
		mod = append(mod, p.Module+"/internal/types")
	}
	return Imports{Std: std, Module: mod}
}

// HasRules reports whether Validate has anything to check.
func (e *EntityView) HasRules() bool {
	for _, f := range e.Fields {
		if len(f.Rules()) > 0 {
			return true
		}
	}
	return false
}

// uuidLiteral renders a UUID default as a types.UUID array literal.
func uuidLiteral(s string) (string, error) {
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		return "", fmt.Errorf("%q is not a UUID", s)
	}
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("0x%02x", c)
	}
	return "types.UUID{" + strings.Join(parts, ", ") + "}", nil
}

// ModelTestView is the data of the generated model test of an entity: JSON
// bodies and expected errors, computed from the sample values of sample.go.
type ModelTestView struct {
	Valid     []KeyJSON // a create body passing every rule: every field and key
	Minimal   []KeyJSON // only the keys a create body must hold
	Defaults  []KeyJSON // what the other fields read as after a minimal create
	Sensitive []string  // write-only keys, absent from the JSON output
	Required  []string  // keys reported missing from an empty create body
	NotNull   []string  // keys refusing null
	Nullable  []string  // keys accepting null
	Clearable []string  // keys a patch may set to null: nullable, not immutable
	Rules     []RuleCase
	Immutable []KeyJSON // immutable fields, each with a valid value other than Valid's
}

// KeyJSON is one key of a JSON body and its value as a Go literal of JSON text.
type KeyJSON struct {
	Key  string
	JSON string
}

// RuleCase is a value breaking one rule of a field, and the message the
// decoder answers with ("" when the message belongs to internal/httpx).
type RuleCase struct {
	Name    string
	Field   string
	Value   string // Go expression of the JSON text
	Message string
}

// ModelTest computes the data of the entity's model test.
func (e *EntityView) ModelTest() (*ModelTestView, error) {
	t := &ModelTestView{Required: e.RequiredOnCreate()}
	minimal := make(map[string]bool)
	for _, k := range t.Required {
		minimal[k] = true
	}
	add := func(key string, v any, nullable bool) error {
		lit, err := jsonLiteral(v)
		if err != nil {
			return fmt.Errorf("generator: sample of %s.%s: %w", e.Name, key, err)
		}
		t.Valid = append(t.Valid, KeyJSON{key, lit})
		if minimal[key] {
			t.Minimal = append(t.Minimal, KeyJSON{key, lit})
		}
		if nullable {
			t.Nullable = append(t.Nullable, key)
			if f := e.field(key); f == nil || !f.Schema.Immutable {
				t.Clearable = append(t.Clearable, key)
			}
		} else {
			t.NotNull = append(t.NotNull, key)
		}
		return nil
	}
	for _, f := range e.Fields {
		s := f.Schema
		if err := add(f.Name, SampleValue(s, 0), f.Nullable); err != nil {
			return nil, err
		}
		if s.Sensitive {
			t.Sensitive = append(t.Sensitive, f.Name)
		} else if !minimal[f.Name] {
			def, err := defaultJSON(s)
			if err != nil {
				return nil, fmt.Errorf("generator: default of %s.%s: %w", e.Name, f.Name, err)
			}
			t.Defaults = append(t.Defaults, KeyJSON{f.Name, def})
		}
		for _, c := range InvalidSamples(s) {
			if c.Rule == "null" {
				continue // the test sends null to every field itself
			}
			lit, err := jsonExpr(c.Value)
			if err != nil {
				return nil, err
			}
			t.Rules = append(t.Rules, RuleCase{
				Name:    f.Name + "/" + c.Rule,
				Field:   f.Name,
				Value:   lit,
				Message: ruleMessage(s, c),
			})
		}
		if s.Immutable {
			other := SampleValue(s, 1)
			lit, err := jsonLiteral(other)
			if err != nil {
				return nil, err
			}
			if lit != t.Valid[len(t.Valid)-1].JSON {
				t.Immutable = append(t.Immutable, KeyJSON{f.Name, lit})
			}
		}
	}
	for _, b := range e.BelongsTo {
		var key any = int64(1)
		if b.Target.UUIDKey {
			key = "0190a1b2-c3d4-7e5f-8a6b-00000000000a"
		}
		if err := add(b.Column, key, b.Nullable); err != nil {
			return nil, err
		}
		if !minimal[b.Column] {
			t.Defaults = append(t.Defaults, KeyJSON{b.Column, "`null`"})
		}
		t.Rules = append(t.Rules, RuleCase{Name: b.Column + "/type", Field: b.Column, Value: "`true`"})
	}
	return t, nil
}

// ruleMessage is the message the model answers an invalid sample with. The
// messages of JSON types decoded by internal/httpx are left to its tests.
func ruleMessage(f *schema.Field, c InvalidSample) string {
	switch {
	case c.Rule == "scale":
		switch f.Scale {
		case 0:
			return "must be a whole number"
		case 1:
			return "must have at most 1 decimal place"
		}
		return c.Message
	case c.Rule == "type" || c.Rule == "syntax" || c.Rule == "fraction":
		switch f.Type {
		case schema.Decimal, schema.Date, schema.UUID:
			return c.Message
		}
		return ""
	}
	return c.Message
}

// jsonLiteral marshals v and quotes the JSON text as a Go literal.
func jsonLiteral(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return goRawLiteral(string(b)), nil
}

// jsonExpr is jsonLiteral, except that a long run of one character, as
// length rules need, becomes a call of the test helper repeated.
func jsonExpr(v any) (string, error) {
	if s, ok := v.(string); ok && len(s) > 16 {
		r, size := utf8.DecodeRuneInString(s)
		if r < utf8.RuneSelf && r != '"' && r != '\\' && strings.Count(s, s[:size]) == len(s) {
			return fmt.Sprintf("repeated(%q, %d)", s[:size], len(s)), nil
		}
	}
	return jsonLiteral(v)
}

// goRawLiteral quotes s as a raw string literal when it can.
func goRawLiteral(s string) string {
	if strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// defaultJSON is the JSON a field reads as after a create that left it out:
// its default, or null.
func defaultJSON(f *schema.Field) (string, error) {
	if f.Default == nil {
		return "`null`", nil
	}
	v := f.Default
	switch f.Type {
	case schema.JSON:
		return goRawLiteral(fmt.Sprint(v)), nil
	case schema.UUID:
		v = strings.ToLower(fmt.Sprint(v))
	case schema.Time:
		t, err := timeLiteralValue(fmt.Sprint(v))
		if err != nil {
			return "", err
		}
		v = t.Format(time.RFC3339Nano)
	}
	return jsonLiteral(v)
}

// field returns the field named name, or nil.
func (e *EntityView) field(name string) *FieldView {
	for _, f := range e.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// ModelTestUsesRepeated reports whether a generated model test calls the
// repeated helper of decode_test.go.
func (p *ProjectView) ModelTestUsesRepeated() bool {
	for _, e := range p.Entities {
		t, err := e.ModelTest()
		if err != nil {
			continue // reported when the entity's test renders
		}
		for _, r := range t.Rules {
			if strings.HasPrefix(r.Value, "repeated(") {
				return true
			}
		}
	}
	return false
}

// HasJSONField reports whether the entity has a json field.
func (e *EntityView) HasJSONField() bool {
	for _, f := range e.Fields {
		if f.Schema.Type == schema.JSON {
			return true
		}
	}
	return false
}
