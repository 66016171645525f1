package config

import (
	"go.yaml.in/yaml/v3"

	"github.com/scaffold-dev/scaffold/schema"
)

// Overrides returns the values to parse the schema file src with: flags
// (the --module and --db values in flags) win over everything; then what the
// schema file says; then the preferences, which only fill in what the file
// leaves out: the database, and the module path as ModulePrefix/NAME. So a
// schema generates the same project for everyone who reads it.
func (c *Config) Overrides(src []byte, flags schema.Overrides) schema.Overrides {
	written := topLevel(src)
	out := flags
	if out.Database == "" && c.Database != "" && written["database"] == "" {
		out.Database = c.Database
	}
	if out.Module == "" && c.ModulePrefix != "" && written["module"] == "" && written["name"] != "" {
		out.Module = c.ModulePrefix + "/" + written["name"]
	}
	return out
}

// topLevel returns the scalar values written at the top of a schema file;
// a key written with a null value (database: ~) counts as left out.
func topLevel(src []byte) map[string]string {
	values := map[string]string{}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return values
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if v := m.Content[i+1]; v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			values[m.Content[i].Value] = v.Value
		}
	}
	return values
}
