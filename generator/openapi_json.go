package generator

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// object is a JSON object that keeps its members in insertion order, so
// that the OpenAPI document reads in a deliberate order (openapi, info,
// servers, paths...) and is byte-identical on every run, which Go maps
// cannot promise.
type object struct {
	members []member
}

type member struct {
	key   string
	value any
}

// obj builds an object from alternating keys and values, skipping members
// whose value is nil, an empty string or an empty object, so that optional
// keywords can be written inline.
func obj(kv ...any) *object {
	o := &object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// set appends key, or replaces its value in place when it is already
// present. Absent values (see isAbsent) are skipped.
func (o *object) set(key string, value any) *object {
	if isAbsent(value) {
		return o
	}
	for i := range o.members {
		if o.members[i].key == key {
			o.members[i].value = value
			return o
		}
	}
	o.members = append(o.members, member{key, value})
	return o
}

// get returns the value of key, or nil.
func (o *object) get(key string) any {
	for _, m := range o.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// len is the number of members.
func (o *object) len() int { return len(o.members) }

func isAbsent(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case *object:
		return v == nil
	case []any:
		return v == nil
	case []string:
		return v == nil
	}
	return false
}

// MarshalJSON writes the members in order, without HTML escaping: patterns
// such as ^[a-z]+$ stay readable.
func (o *object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o.members {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeJSON(&buf, m.key); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := encodeJSON(&buf, m.value); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// encodeJSON appends v to buf as compact JSON without HTML escaping.
func encodeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode ends with a newline
	return nil
}

// indentJSON renders v as JSON indented by two spaces, ending in a newline,
// exactly as json.Encoder with SetIndent("", "  ") would. It walks objects
// and arrays itself: with MarshalJSON on every nested object, encoding/json
// would validate and re-compact each level's output again at every level
// above it, a cost that grows with depth times size and dominated
// generation of large projects.
func indentJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeIndented(&buf, v, "\n"); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// writeIndented appends v to buf; newline is "\n" followed by the
// indentation of v's own level.
func writeIndented(buf *bytes.Buffer, v any, newline string) error {
	inner := newline + "  "
	switch v := v.(type) {
	case *object:
		if len(v.members) == 0 {
			buf.WriteString("{}")
			return nil
		}
		buf.WriteByte('{')
		for i, m := range v.members {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(inner)
			if !writePlainScalar(buf, m.key) {
				if err := encodeJSON(buf, m.key); err != nil {
					return err
				}
			}
			buf.WriteString(": ")
			if err := writeIndented(buf, m.value, inner); err != nil {
				return err
			}
		}
		buf.WriteString(newline)
		buf.WriteByte('}')
		return nil
	case []any:
		if len(v) == 0 {
			buf.WriteString("[]")
			return nil
		}
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(inner)
			if err := writeIndented(buf, e, inner); err != nil {
				return err
			}
		}
		buf.WriteString(newline)
		buf.WriteByte(']')
		return nil
	}
	if writePlainScalar(buf, v) {
		return nil
	}
	// Other values: compact JSON, then indented to this level (a no-op for
	// scalars).
	var compact bytes.Buffer
	if err := encodeJSON(&compact, v); err != nil {
		return err
	}
	return json.Indent(buf, compact.Bytes(), newline[1:], "  ")
}

// writePlainScalar writes the scalars that make up almost all of the
// document (strings that need no escaping, booleans, integers) directly,
// reporting false for anything else so that encoding/json handles it. The
// bytes are those encoding/json would write.
func writePlainScalar(buf *bytes.Buffer, v any) bool {
	switch v := v.(type) {
	case string:
		if !plainString(v) {
			return false
		}
		buf.WriteByte('"')
		buf.WriteString(v)
		buf.WriteByte('"')
	case bool:
		buf.WriteString(strconv.FormatBool(v))
	case int:
		buf.WriteString(strconv.Itoa(v))
	case int64:
		buf.WriteString(strconv.FormatInt(v, 10))
	default:
		return false
	}
	return true
}

// plainString reports whether s is valid UTF-8 with nothing JSON escapes:
// no quote, backslash, control character or line/paragraph separator.
func plainString(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}
