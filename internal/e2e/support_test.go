package e2e

import (
	"errors"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/schema"
)

// TestAuthNotGenerated checks that a schema enabling authentication, valid
// but not generatable yet, is refused by the generator itself, so that no
// command writes a project that fails its own tests.
func TestAuthNotGenerated(t *testing.T) {
	src := "version: 1\nname: notes\nauth:\n  enabled: true\nentities:\n  Note:\n    owned: true\n    fields:\n      body: text\n"
	p, err := schema.Parse("scaffold.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	fs, err := generator.Generate(p)
	if err == nil {
		t.Fatalf("Generate wrote %d files for an auth-enabled schema; want a refusal", len(fs.Files))
	}
	var list schema.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Generate: %v (%T); want a positioned schema.ErrorList", err, err)
	}
	want := "scaffold.yaml:3:1: auth: generating authentication is not supported by this version of scaffold yet; remove the auth section or set enabled: false"
	if err.Error() != want {
		t.Errorf("Generate:\n got %s\nwant %s", err, want)
	}
}
