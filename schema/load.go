package schema

import (
	"fmt"
	"os"
)

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
	e := &errs{file: filename}
	d := &decoder{errs: e}
	raw := d.decodeFile(data)
	if raw == nil {
		return nil, e.err()
	}
	p := resolve(e, raw)
	if err := e.err(); err != nil {
		return nil, err
	}
	return p, nil
}
