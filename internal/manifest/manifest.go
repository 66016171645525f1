// Package manifest reads and writes .scaffold/manifest.json, the record of
// what scaffold generated into a project.
//
// The manifest lets a later run tell a user's edit of a generated file (its
// content no longer matches the recorded hash) from an untouched one, find
// generated files whose entity disappeared, and detect drift in CI. Its JSON
// is deterministic: the same generation always yields the same bytes, with no
// timestamps, so the manifest itself can be committed and diffed.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scaffold-dev/scaffold/generator"
)

// Path is where the manifest lives, relative to the project root.
const Path = ".scaffold/manifest.json"

// FormatVersion is the version of the manifest layout this package writes.
// Readers reject other versions instead of guessing at their meaning.
const FormatVersion = 1

// Manifest describes one generation of a project.
type Manifest struct {
	// Format is the layout version, FormatVersion when written by this package.
	Format int `json:"format"`
	// Tool is the version of scaffold that generated the project.
	Tool string `json:"tool"`
	// Schema is the hex SHA-256 of the schema file's bytes.
	Schema string `json:"schema_sha256"`
	// Files are the generated files, sorted by path. Files scaffolded once
	// belong to the user and are not listed.
	Files []File `json:"files"`
}

// File is one generated file.
type File struct {
	Path   string `json:"path"`   // slash-separated, relative to the project root
	SHA256 string `json:"sha256"` // hex SHA-256 of the content as written
}

// New builds the manifest of a generation: every generated file of files
// (Once files are left out) with its content hash, sorted by path.
func New(tool string, schemaSource []byte, files []*generator.File) *Manifest {
	m := &Manifest{Format: FormatVersion, Tool: tool, Schema: Hash(schemaSource), Files: []File{}}
	for _, f := range files {
		if f.Ownership == generator.Generated {
			m.Files = append(m.Files, File{Path: f.Path, SHA256: f.Hash()})
		}
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return m
}

// Hash returns the hex SHA-256 of b, the form the manifest records.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Lookup returns the recorded entry for path and whether there is one.
func (m *Manifest) Lookup(path string) (File, bool) {
	i, ok := slices.BinarySearchFunc(m.Files, path, func(f File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return File{}, false
	}
	return m.Files[i], true
}

// Marshal returns the manifest as indented JSON ending in a newline. The
// files are sorted first, so the output depends only on the content.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Files = slices.Clone(m.Files)
	if c.Files == nil {
		c.Files = []File{}
	}
	slices.SortFunc(c.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	out, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// File returns the manifest as a generated file at Path, ready to be written
// with the rest of a FileSet.
func (m *Manifest) File() (*generator.File, error) {
	b, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	return &generator.File{Path: Path, Content: b, Ownership: generator.Generated}, nil
}

// Parse decodes a manifest. It rejects unknown fields and other format
// versions, so a manifest from a newer scaffold is never half understood.
func Parse(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", Path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the manifest object", Path)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("%s: format %d is not supported by this scaffold (it reads format %d); upgrade scaffold", Path, m.Format, FormatVersion)
	}
	var errs []error
	for i, f := range m.Files {
		if f.Path == "" || f.SHA256 == "" {
			errs = append(errs, fmt.Errorf("%s: files[%d]: path and sha256 are required", Path, i))
		}
		if i > 0 && m.Files[i-1].Path >= f.Path {
			errs = append(errs, fmt.Errorf("%s: files[%d]: %q is out of order or repeated", Path, i, f.Path))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &m, nil
}
