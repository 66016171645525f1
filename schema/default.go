package schema

import (
	"encoding/json"
	"math/big"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// defaultValue checks a field's default against its type and rules and
// returns it typed as Field.Default documents, or nil after reporting.
func (r *resolver) defaultValue(ctx string, f *Field, n *yaml.Node) any {
	if isNull(n) {
		return nil
	}
	at := pos(n)
	bad := func(format string, args ...any) any {
		r.add(at, prefix(ctx)+"default "+format, args...)
		return nil
	}
	if f.Type == JSON {
		var v any
		if err := n.Decode(&v); err != nil {
			return bad("is not a usable value: %v", err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return bad("cannot be written as JSON (mapping keys must be strings)")
		}
		return string(b)
	}
	if n.Kind != yaml.ScalarNode {
		return bad("must be a single %s value, not %s", f.Type, describe(n))
	}
	tag, text := n.ShortTag(), n.Value
	switch f.Type {
	case String, Text:
		if tag != "!!str" {
			return bad("must be a string, not %s (quote it)", text)
		}
		if problem := checkString(f, text); problem != "" {
			return bad("%q %s", text, problem)
		}
		return text
	case Enum:
		if tag != "!!str" || !slices.Contains(f.Values, text) {
			return bad("%q is not one of the values%s", text, didYouMean(text, f.Values))
		}
		return text
	case Bool:
		if tag != "!!bool" {
			return bad("must be true or false, not %q", text)
		}
		return text == "true" || text == "True" || text == "TRUE"
	case Int, Float, Decimal:
		return r.numericDefault(ctx, f, n)
	case Time:
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return bad("must be an RFC 3339 time such as 2024-01-31T09:00:00Z, not %q", text)
		}
		return t.UTC().Format(time.RFC3339Nano)
	case Date:
		if _, err := time.Parse(time.DateOnly, text); err != nil {
			return bad("must be a date such as 2024-01-31, not %q", text)
		}
		return text
	case UUID:
		if tag != "!!str" || !uuidRE.MatchString(text) {
			return bad("must be a UUID such as 0190c8e4-5b7a-7cc1-9e3f-2d6b1c0a9f11, not %q", text)
		}
		return text
	}
	return nil
}

// numericDefault checks an int, float or decimal default.
func (r *resolver) numericDefault(ctx string, f *Field, n *yaml.Node) any {
	at := pos(n)
	s := scalar{Value: n.Value, Tag: n.ShortTag(), Pos: at, Set: true}
	if f.Type == Decimal && s.Tag == "!!str" {
		// Decimals are exact: "19.99" written as a string keeps every digit.
		s.Tag = "!!float"
	}
	num, ok := parseNumber(s)
	if !ok {
		r.add(at, "%sdefault must be a number, not %q", prefix(ctx), n.Value)
		return nil
	}
	v := num.Rat()
	if f.Min != nil && v.Cmp(f.Min.Rat()) < 0 {
		r.add(at, "%sdefault %s is less than min %s", prefix(ctx), num, f.Min)
		return nil
	}
	if f.Max != nil && v.Cmp(f.Max.Rat()) > 0 {
		r.add(at, "%sdefault %s is greater than max %s", prefix(ctx), num, f.Max)
		return nil
	}
	switch f.Type {
	case Int:
		i, whole := num.Int64()
		if !whole {
			r.add(at, "%sdefault must be a whole number, not %s", prefix(ctx), n.Value)
			return nil
		}
		return i
	case Float:
		return num.Float64()
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.Scale)), nil)
	if !new(big.Rat).Mul(v, new(big.Rat).SetInt(scale)).IsInt() {
		r.add(at, "%sdefault %s has more than %d decimals (scale)", prefix(ctx), num, f.Scale)
		return nil
	}
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.Precision-f.Scale)), nil)
	if new(big.Rat).Abs(v).Cmp(new(big.Rat).SetInt(limit)) >= 0 {
		r.add(at, "%sdefault %s does not fit precision %d with scale %d", prefix(ctx), num, f.Precision, f.Scale)
		return nil
	}
	return v.FloatString(f.Scale)
}

// checkString returns why s breaks the string rules of f, or "".
func checkString(f *Field, s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case f.MinLength != nil && n < *f.MinLength:
		return "is shorter than min_length"
	case f.MaxLength != nil && n > *f.MaxLength:
		return "is longer than max_length"
	case f.Pattern != "" && !matches(f.Pattern, s):
		return "does not match the pattern"
	case f.Format == "email" && !isEmail(s):
		return "is not an email address"
	case f.Format == "url" && !isURL(s):
		return "is not an absolute URL"
	}
	return ""
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// matches reports whether s matches pattern, which was compiled once already.
func matches(pattern, s string) bool {
	re, err := regexp.Compile(pattern)
	return err == nil && re.MatchString(s)
}
