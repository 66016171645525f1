package schema

import _ "embed"

//go:embed scaffold.schema.json
var jsonSchema []byte

// JSONSchema returns the JSON Schema of the schema file, for editors
// (yaml-language-server and others). It describes shapes and keys only; Load
// remains the authority on every rule.
func JSONSchema() []byte { return append([]byte(nil), jsonSchema...) }
