package schemaedit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// entityKeysBeforeFields are the entity keys SCHEMA.md puts before fields; a
// fields section added to an entity goes after the last of them present.
var entityKeysBeforeFields = []string{"table", "plural", "id", "timestamps", "soft_delete", "owned"}

// AddEntity returns src with entity e appended to its entities. Everything
// already in src is kept byte for byte.
func AddEntity(src []byte, e *Entity) ([]byte, error) {
	root, err := parseRoot(src)
	if err != nil {
		return nil, err
	}
	key, value := lookup(root, "entities")
	switch {
	case key == nil:
		snippet, err := entitySnippet(e, 2)
		if err != nil {
			return nil, err
		}
		return splice(src, lineCount(src), append([]byte("entities:\n"), snippet...)), nil
	case isEmpty(value):
		snippet, err := entitySnippet(e, key.Column-1+2)
		if err != nil {
			return nil, err
		}
		return splice(src, key.Line, snippet), nil
	case value.Kind != yaml.MappingNode || value.Style&yaml.FlowStyle != 0:
		return nil, flowErr(value, "entities")
	}
	if k, _ := lookup(value, e.Name); k != nil {
		return nil, fmt.Errorf("entity %s already exists (line %d)", e.Name, k.Line)
	}
	snippet, err := entitySnippet(e, value.Content[0].Column-1)
	if err != nil {
		return nil, err
	}
	return splice(src, endLine(value), snippet), nil
}

// AddField returns src with field f appended to the fields of entity. A
// missing fields section is added. Everything already in src is kept byte
// for byte.
func AddField(src []byte, entity string, f *Field) ([]byte, error) {
	root, err := parseRoot(src)
	if err != nil {
		return nil, err
	}
	_, entities := lookup(root, "entities")
	if entities == nil || entities.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("entity %s does not exist: the schema has no entities; add it with: scaffold add entity %s", entity, entity)
	}
	ekey, evalue := lookup(entities, entity)
	if ekey == nil {
		var names []string
		for i := 0; i < len(entities.Content); i += 2 {
			names = append(names, entities.Content[i].Value)
		}
		return nil, fmt.Errorf("entity %s does not exist (entities: %s); add it with: scaffold add entity %s", entity, strings.Join(names, ", "), entity)
	}
	line, err := fieldSnippet(f)
	if err != nil {
		return nil, err
	}
	if isEmpty(evalue) {
		return splice(src, ekey.Line, indentLines(append([]byte("fields:\n"), indentLines(line, 2)...), ekey.Column-1+2)), nil
	}
	if evalue.Kind != yaml.MappingNode || evalue.Style&yaml.FlowStyle != 0 {
		return nil, flowErr(evalue, "entity "+entity)
	}
	fkey, fvalue := lookup(evalue, "fields")
	switch {
	case fkey == nil:
		after := ekey.Line
		for _, k := range entityKeysBeforeFields {
			if _, v := lookup(evalue, k); v != nil {
				after = max(after, endLine(v))
			}
		}
		indent := evalue.Content[0].Column - 1
		return splice(src, after, indentLines(append([]byte("fields:\n"), indentLines(line, 2)...), indent)), nil
	case isEmpty(fvalue):
		return splice(src, fkey.Line, indentLines(line, fkey.Column-1+2)), nil
	case fvalue.Kind != yaml.MappingNode || fvalue.Style&yaml.FlowStyle != 0:
		return nil, flowErr(fvalue, "the fields of "+entity)
	}
	if k, _ := lookup(fvalue, f.Name); k != nil {
		return nil, fmt.Errorf("entity %s already has a field %s (line %d)", entity, f.Name, k.Line)
	}
	return splice(src, endLine(fvalue), indentLines(line, fvalue.Content[0].Column-1)), nil
}

// parseRoot parses src and returns its top-level mapping.
func parseRoot(src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("the schema is not valid YAML (%v); run scaffold validate to see where", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the schema is not a mapping of keys (version, name, entities, ...); run scaffold validate to see the problem")
	}
	return doc.Content[0], nil
}

// lookup returns the key and value nodes of key in mapping m, or nils.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// isEmpty reports whether a value is absent in the text: "key:" with
// nothing after it. An explicit null (~, null) or {} is not empty: the new
// lines cannot simply go below it.
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

func flowErr(n *yaml.Node, what string) error {
	return fmt.Errorf("line %d: %s is written on one line (flow style); scaffold add only edits the block style, one key per line: rewrite it that way, or edit the file by hand", n.Line, what)
}

// endLine returns the last line of the text of n.
func endLine(n *yaml.Node) int {
	last := n.Line
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		last += strings.Count(strings.TrimRight(n.Value, "\n"), "\n") + 1
	}
	for _, c := range n.Content {
		last = max(last, endLine(c))
	}
	return last
}

// entitySnippet renders "Name:\n  fields: ..." indented by indent spaces.
func entitySnippet(e *Entity, indent int) ([]byte, error) {
	m := mapping()
	add(m, e.Name, entityNode(e))
	return encode(m, indent)
}

// fieldSnippet renders "name: ..." with no indentation.
func fieldSnippet(f *Field) ([]byte, error) {
	m := mapping()
	add(m, f.Name, fieldNode(f))
	return encode(m, 0)
}

// indentLines prefixes every non-empty line of b with indent spaces.
func indentLines(b []byte, indent int) []byte {
	pad := []byte(strings.Repeat(" ", indent))
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out []byte
	for _, l := range lines {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, pad...)
		}
		out = append(out, l...)
	}
	return out
}

// splice inserts text after line (1-based; 0 inserts at the top) of src.
func splice(src []byte, line int, text []byte) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	line = min(line, len(lines))
	if line > 0 && !bytes.HasSuffix(lines[line-1], []byte("\n")) {
		lines[line-1] = append(slices.Clip(lines[line-1]), '\n')
	}
	out := make([]byte, 0, len(src)+len(text)+1)
	for _, l := range lines[:line] {
		out = append(out, l...)
	}
	out = append(out, text...)
	for _, l := range lines[line:] {
		out = append(out, l...)
	}
	return out
}

// lineCount returns the number of lines of src.
func lineCount(src []byte) int {
	n := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		n++
	}
	return n
}
