package manifest

import (
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
)

func sampleFiles() []*generator.File {
	return []*generator.File{
		{Path: "internal/b.go", Content: []byte("package b\n"), Ownership: generator.Generated},
		{Path: "go.mod", Content: []byte("module x\n"), Ownership: generator.Once},
		{Path: "a.sql", Content: []byte("select 1;\n"), Ownership: generator.Generated},
	}
}

func TestMarshalIsDeterministicAndSorted(t *testing.T) {
	m := New("v1.0.0", []byte("version: 1\n"), sampleFiles())
	got, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "format": 1,
  "tool": "v1.0.0",
  "schema_sha256": "` + Hash([]byte("version: 1\n")) + `",
  "files": [
    {
      "path": "a.sql",
      "sha256": "` + Hash([]byte("select 1;\n")) + `"
    },
    {
      "path": "internal/b.go",
      "sha256": "` + Hash([]byte("package b\n")) + `"
    }
  ]
}
`
	if string(got) != want {
		t.Errorf("Marshal() =\n%s\nwant\n%s", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	m := New("v1.0.0", []byte("x"), sampleFiles())
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := back.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Errorf("round trip changed the manifest:\n%s\n%s", b, b2)
	}
	if f, ok := back.Lookup("internal/b.go"); !ok || f.SHA256 != Hash([]byte("package b\n")) {
		t.Errorf("Lookup(internal/b.go) = %+v, %v", f, ok)
	}
	if _, ok := back.Lookup("go.mod"); ok {
		t.Error("once files must not be recorded")
	}
}

func TestEmptyManifestHasFilesArray(t *testing.T) {
	b, err := New("v", nil, nil).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"files": []`) {
		t.Errorf("want an empty files array, got\n%s", b)
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"unknown field":  `{"format":1,"tool":"v","schema_sha256":"x","files":[],"extra":1}`,
		"other format":   `{"format":2,"tool":"v","schema_sha256":"x","files":[]}`,
		"unsorted files": `{"format":1,"tool":"v","schema_sha256":"x","files":[{"path":"b","sha256":"1"},{"path":"a","sha256":"2"}]}`,
		"missing hash":   `{"format":1,"tool":"v","schema_sha256":"x","files":[{"path":"a"}]}`,
		"trailing data":  `{"format":1,"tool":"v","schema_sha256":"x","files":[]} {}`,
		"not json":       `nope`,
	}
	for name, in := range tests {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: Parse succeeded, want an error", name)
		} else if !strings.HasPrefix(err.Error(), Path+": ") {
			t.Errorf("%s: error %q does not name the manifest", name, err)
		}
	}
}
