package schema

import (
	"fmt"
	"os"
)

// Overrides replace values of the schema file before it is validated, as
// the command-line flags --module and --db do. Empty fields keep the file's
// values.
type Overrides struct {
	Module   string   // the Go module path
	Database Database // the SQL dialect
}

// Load reads and validates the schema file at path. A read failure is
// returned as is; an invalid schema as an ErrorList holding every problem.
func Load(path string) (*Project, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	return Parse(path, data)
}

// Parse validates a schema given as bytes; filename prefixes the errors.
// It returns either a fully resolved project or an ErrorList, never both.
func Parse(filename string, data []byte) (*Project, error) {
	return ParseWithOverrides(filename, data, Overrides{})
}

// ParseWithOverrides is Parse with the values of o replacing those of the
// file. They are applied before validation, so every rule that depends on
// the database or the module judges the project that is generated.
func ParseWithOverrides(filename string, data []byte, o Overrides) (*Project, error) {
	e := &errs{file: filename}
	d := &decoder{errs: e}
	raw := d.decodeFile(data)
	if raw == nil {
		return nil, e.err()
	}
	override(&raw.Module, o.Module)
	override(&raw.Database, string(o.Database))
	p := resolve(e, raw)
	if err := e.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// override replaces the value of s with v unless v is empty. The position
// stays that of the key, or of the document when the key is absent.
func override(s *scalar, v string) {
	if v == "" {
		return
	}
	s.Value, s.Tag, s.Set = v, "!!str", true
}
