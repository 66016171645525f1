package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/manifest"
	"github.com/scaffold-dev/scaffold/internal/prompt"
	"github.com/scaffold-dev/scaffold/internal/prompt/prompttest"
)

const addSchema = "version: 1\nname: shop\n\n# What we sell.\nentities:\n  Product:\n    fields:\n      title: string\n"

// projectWithSchema makes a directory that looks like a generated project:
// a scaffold.yaml and a manifest.
func projectWithSchema(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SchemaFileName), []byte(addSchema), 0o600); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(dir, filepath.FromSlash(manifest.Path))
	if err := os.MkdirAll(filepath.Dir(m), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestAddAsksAndRegenerates checks scaffold add field without a field at a
// terminal: the field is asked for, written, the file keeps its mode, and
// the project is regenerated through AddOptions.Regenerate.
func TestAddAsksAndRegenerates(t *testing.T) {
	dir := projectWithSchema(t)
	ios, _, out, _ := iostreams.Test()
	var regenerated []string
	opts := &AddOptions{
		IO:         ios,
		SchemaFile: filepath.Join(dir, SchemaFileName),
		Entity:     "Product",
		Prompter:   prompttest.New("stock", "int", "n", "n", "0", "", "0", ""),
		Regenerate: func(_ context.Context, d string) error { regenerated = append(regenerated, d); return nil },
	}
	if err := runAdd(context.Background(), opts); err != nil {
		t.Fatalf("runAdd: %v", err)
	}
	got, _ := os.ReadFile(opts.SchemaFile)
	if want := addSchema + "      stock: {type: int, default: 0, min: 0}\n"; string(got) != want {
		t.Errorf("scaffold.yaml =\n%s\nwant:\n%s", got, want)
	}
	if fi, _ := os.Stat(opts.SchemaFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want the original 0600", fi.Mode().Perm())
	}
	if len(regenerated) != 1 || regenerated[0] != dir {
		t.Errorf("regenerated %q, want once in %s", regenerated, dir)
	}
	if out.String() != "Added field stock to Product.\n" {
		t.Errorf("output %q", out.String())
	}
}

// TestAddCancelWritesNothing checks that Ctrl-C during add's questions
// leaves the schema untouched and does not regenerate.
func TestAddCancelWritesNothing(t *testing.T) {
	dir := projectWithSchema(t)
	ios, _, _, _ := iostreams.Test()
	opts := &AddOptions{
		IO:         ios,
		SchemaFile: filepath.Join(dir, SchemaFileName),
		Entity:     "Tag",
		NewEntity:  true,
		Prompter:   prompttest.New("label", prompttest.Interrupt),
		Regenerate: func(context.Context, string) error { t.Error("regenerated after Ctrl-C"); return nil },
	}
	err := runAdd(context.Background(), opts)
	if !errors.Is(err, prompt.ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Errorf("runAdd after Ctrl-C = %v, want ErrInterrupted (a context.Canceled, exit 130)", err)
	}
	if got, _ := os.ReadFile(opts.SchemaFile); string(got) != addSchema {
		t.Errorf("scaffold.yaml changed after Ctrl-C:\n%s", got)
	}
}
