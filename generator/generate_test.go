package generator

import (
	"bytes"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

func tinyProject() *schema.Project {
	return &schema.Project{
		Version: 1, Name: "tiny", Module: "example.com/tiny", Database: schema.SQLite, ID: schema.IDInt,
		API: schema.API{BasePath: "/api/v1", PageSize: 20, MaxPageSize: 100},
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, err := Generate(tinyProject())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(tinyProject())
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) == 0 || len(a.Files) != len(b.Files) {
		t.Fatalf("file counts differ or are zero: %d vs %d", len(a.Files), len(b.Files))
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Content, b.Files[i].Content) {
			t.Fatalf("run 2 differs at %s", a.Files[i].Path)
		}
	}
}

func TestFormatGoReportsPathAndLine(t *testing.T) {
	_, err := formatGo("internal/x/x.go", []byte("package x\n\nfunc f() {\n\treturn 1 +\n}\n"))
	if err == nil {
		t.Fatal("want an error for invalid Go")
	}
	if got := err.Error(); !bytes.HasPrefix([]byte(got), []byte("internal/x/x.go:5:")) {
		t.Fatalf("error %q does not start with the path and line", got)
	}
}

func TestOutputPath(t *testing.T) {
	tests := []struct {
		in    string
		out   string
		owner Ownership
	}{
		{"go.mod.once.tmpl", "go.mod", Once},
		{"internal/model/[entity].go.tmpl", "internal/model/[entity].go", Generated},
		{".gitignore.once.tmpl", ".gitignore", Once},
	}
	for _, tt := range tests {
		out, owner := outputPath(tt.in)
		if out != tt.out || owner != tt.owner {
			t.Errorf("outputPath(%q) = %q, %v; want %q, %v", tt.in, out, owner, tt.out, tt.owner)
		}
	}
}
