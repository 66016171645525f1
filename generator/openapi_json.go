package generator

import (
	"bytes"
	"encoding/json"
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

// indentJSON renders v as JSON indented by two spaces, ending in a newline.
func indentJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
