package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/scaffold-dev/scaffold/schema"
)

// compileJSONSchema compiles the embedded JSON Schema with a validator that
// implements draft 2020-12 in full, as editors do.
func compileJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSONSchema()))
	if err != nil {
		t.Fatalf("scaffold.schema.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://github.com/scaffold-dev/scaffold/schema/scaffold.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("scaffold.schema.json is not a valid JSON Schema: %v", err)
	}
	return s
}

// yamlInstance reads a YAML file as the JSON value an editor's language
// server validates. ok is false when the file is not one YAML document that
// maps to JSON (a syntax error, several documents).
func yamlInstance(t *testing.T, file string) (v any, ok bool) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	var extra any
	if dec.Decode(&extra) == nil {
		return nil, false
	}
	js, err := json.Marshal(jsonValue(doc))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return inst, true
}

// jsonValue turns YAML mappings with non-string keys into JSON objects, the
// way YAML language servers do.
func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = jsonValue(x)
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = jsonValue(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = jsonValue(x)
		}
	}
	return v
}

// glob lists files under the repository's testdata matching the patterns,
// skipping dotfiles (.scaffold.yaml holds preferences, not a schema).
func glob(t *testing.T, patterns ...string) []string {
	t.Helper()
	var out []string
	for _, p := range patterns {
		matches, err := filepath.Glob(filepath.Join("..", "testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if !strings.HasPrefix(filepath.Base(m), ".") {
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestJSONSchemaAcceptsValidSchemas validates every valid schema of testdata
// against the JSON Schema: an editor must never flag a file scaffold accepts.
func TestJSONSchemaAcceptsValidSchemas(t *testing.T) {
	js := compileJSONSchema(t)
	files := glob(t, "golden/*/scaffold.yaml", "schemas/*.yaml", "conventions/*.yaml")
	err := filepath.WalkDir(filepath.Join("..", "testdata", "migrations"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return filepath.SkipAll
			}
			return err
		}
		if !d.IsDir() && filepath.Ext(p) == ".yaml" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found only %d schemas: %v", len(files), files)
	}
	for _, file := range files {
		if _, err := schema.Load(file); err != nil {
			t.Errorf("%s is meant to be valid but scaffold rejects it:\n%v", file, err)
			continue
		}
		inst, ok := yamlInstance(t, file)
		if !ok {
			t.Errorf("%s: not one YAML document", file)
			continue
		}
		if err := js.Validate(inst); err != nil {
			t.Errorf("%s: valid for scaffold, rejected by the JSON Schema:\n%v", file, err)
		}
	}
}

// cannotTell lists the error cases whose every problem needs more than JSON
// Schema can say, with the reason. Every other case must be rejected.
var cannotTell = map[string]string{
	"required-cycle": "a cycle runs through relation targets, values that name other keys of entities; " +
		"JSON Schema cannot follow one value to another part of the document",
	"routes": "routes are derived from plurals and relation names of different entities and must differ; " +
		"JSON Schema cannot compare values across entities",
	"unknown-target": "a relation target must be a key of entities; JSON Schema cannot check a value " +
		"against the keys of another object ($data is not part of the standard)",
}

// TestJSONSchemaRejectsInvalidSchemas checks every case of testdata/errors:
// the JSON Schema rejects it, or the case is listed in cannotTell.
func TestJSONSchemaRejectsInvalidSchemas(t *testing.T) {
	js := compileJSONSchema(t)
	files := glob(t, "errors/*/scaffold.yaml")
	if len(files) == 0 {
		t.Fatal("no error cases found")
	}
	seen := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		seen[name] = true
		inst, ok := yamlInstance(t, file)
		rejected := !ok || js.Validate(inst) != nil
		reason, listed := cannotTell[name]
		switch {
		case listed && rejected:
			t.Errorf("%s: listed as beyond JSON Schema (%s), but the JSON Schema rejects it; remove it from cannotTell", name, reason)
		case !listed && !rejected:
			t.Errorf("%s: invalid for scaffold, accepted by the JSON Schema; tighten schema/scaffold.schema.json or list it in cannotTell with the reason", name)
		}
	}
	for name := range cannotTell {
		if !seen[name] {
			t.Errorf("cannotTell lists %s, which is not a case of testdata/errors", name)
		}
	}
}

// TestJSONSchemaRulesAgreeWithTheLoader checks each rule the JSON Schema
// encodes beyond plain shapes on a small file, and that scaffold's own
// loader agrees with it on that file.
func TestJSONSchemaRulesAgreeWithTheLoader(t *testing.T) {
	js := compileJSONSchema(t)
	const head = "version: 1\nname: shop\n"
	tests := []struct {
		name  string
		src   string
		valid bool
	}{
		{"typed int default", "entities:\n  P:\n    fields:\n      n: {type: int, default: 3}\n", true},
		{"string default on int", "entities:\n  P:\n    fields:\n      n: {type: int, default: three}\n", false},
		{"decimal default as string", "entities:\n  P:\n    fields:\n      n: {type: decimal, default: \"1.50\"}\n", true},
		{"bool default as word", "entities:\n  P:\n    fields:\n      b: {type: bool, default: \"yes\"}\n", false},
		{"uuid default", "entities:\n  P:\n    fields:\n      u: {type: uuid, default: nope}\n", false},
		{"min on string", "entities:\n  P:\n    fields:\n      s: {type: string, min: 1}\n", false},
		{"max_length on text", "entities:\n  P:\n    fields:\n      s: {type: text, max_length: 100000}\n", true},
		{"max_length too long", "entities:\n  P:\n    fields:\n      s: {type: string, max_length: 20000}\n", false},
		{"enum shorthand", "entities:\n  P:\n    fields:\n      s: enum\n", false},
		{"enum without values", "entities:\n  P:\n    fields:\n      s: {type: enum}\n", false},
		{"system column", "entities:\n  P:\n    fields:\n      created_at: time\n", false},
		{"owner relation", "entities:\n  P:\n    fields:\n      t: string\n    relations:\n      owner: {belongs_to: P}\n", false},
		{"on_delete on many_to_many", "entities:\n  P:\n    fields:\n      t: string\n    relations:\n      ps: {many_to_many: P, on_delete: cascade}\n", false},
		{"required set_null", "entities:\n  P:\n    fields:\n      t: string\n    relations:\n      p: {belongs_to: P, required: true, on_delete: set_null}\n", false},
		{"optional set_null", "entities:\n  P:\n    fields:\n      t: string\n    relations:\n      p: {belongs_to: P, on_delete: set_null}\n", true},
		{"permissions without auth", "entities:\n  P:\n    fields:\n      t: string\n    permissions:\n      list: [public]\n", false},
		{"owned with auth disabled", "auth: {enabled: false}\nentities:\n  P:\n    owned: true\n    fields:\n      t: string\n", false},
		{"owned with auth", "auth: {enabled: true}\nentities:\n  P:\n    owned: true\n    fields:\n      t: string\n    permissions:\n      update: [owner]\n", true},
		{"admin default role with registration", "auth:\n  roles: [admin, user]\n  default_role: admin\nentities:\n  P:\n    fields:\n      t: string\n", false},
		{"admin default role without registration", "auth:\n  roles: [admin, user]\n  default_role: admin\n  registration: false\nentities:\n  P:\n    fields:\n      t: string\n", true},
		{"only admin, registration off", "auth:\n  roles: [admin]\n  registration: false\nentities:\n  P:\n    fields:\n      t: string\n", true},
		{"admin roles with auth disabled", "auth:\n  enabled: false\n  roles: [admin]\nentities:\n  P:\n    fields:\n      t: string\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "scaffold.yaml")
			if err := os.WriteFile(file, []byte(head+tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, loadErr := schema.Load(file)
			if (loadErr == nil) != tt.valid {
				t.Fatalf("scaffold: valid = %v, want %v (%v)", loadErr == nil, tt.valid, loadErr)
			}
			inst, _ := yamlInstance(t, file)
			if err := js.Validate(inst); (err == nil) != tt.valid {
				t.Errorf("JSON Schema: valid = %v, want %v (%v)", err == nil, tt.valid, err)
			}
		})
	}
}
