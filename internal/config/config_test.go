package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/scaffold-dev/scaffold/internal/conventions"
	"github.com/scaffold-dev/scaffold/schema"
)

// env clears every SCAFFOLD_* variable the tests use, so the developer's own
// environment cannot change their outcome.
func env(t *testing.T) {
	for _, k := range []string{"SCAFFOLD_MODULE_PREFIX", "SCAFFOLD_DATABASE", "SCAFFOLD_LICENSE_HEADER", "SCAFFOLD_TEMPLATE_DIR"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// layout is a project directory (with a sub-directory to start the lookup
// from) and a user configuration directory.
type layout struct {
	project, sub, user string
}

func newLayout(t *testing.T) layout {
	root := t.TempDir()
	l := layout{project: filepath.Join(root, "repo"), user: filepath.Join(root, "home")}
	l.sub = filepath.Join(l.project, "services", "shop")
	if err := os.MkdirAll(l.sub, 0o755); err != nil {
		t.Fatal(err)
	}
	return l
}

func (l layout) options(flags *pflag.FlagSet) Options {
	return Options{Dir: l.sub, UserConfigDir: func() (string, error) { return l.user, nil }, Flags: flags}
}

func TestPrecedence(t *testing.T) {
	env(t)
	l := newLayout(t)
	flags := pflag.NewFlagSet("x", pflag.ContinueOnError)
	flags.String("module-prefix", "", "")
	flags.String("database", "", "")

	load := func() *Config {
		t.Helper()
		c, err := Load(l.options(flags))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// 1. Defaults: no preferences at all.
	if c := load(); c.ModulePrefix != "" || c.Database != "" || len(c.Files) != 0 {
		t.Fatalf("defaults: %+v", c)
	}

	// 2. The project file, found from a sub-directory.
	write(t, filepath.Join(l.project, FileName), "module_prefix: github.com/acme\ndatabase: postgres\nrules:\n  max_page_size: 50\n")
	if c := load(); c.ModulePrefix != "github.com/acme" || c.Database != schema.Postgres || c.Rules.MaxPageSize != 50 {
		t.Fatalf("project file: %+v", c)
	}

	// 3. The user file overrides it, key by key: rules merge.
	write(t, filepath.Join(l.user, "scaffold", "config.yaml"), "database: mysql\nrules:\n  forbidden_types: [float]\n")
	c := load()
	if c.ModulePrefix != "github.com/acme" || c.Database != schema.MySQL || c.Rules.MaxPageSize != 50 || len(c.Rules.ForbiddenTypes) != 1 {
		t.Fatalf("user file: %+v", c)
	}
	if len(c.Files) != 2 || !strings.HasSuffix(c.Files[0], FileName) || !strings.HasSuffix(c.Files[1], "config.yaml") {
		t.Fatalf("files read: %v", c.Files)
	}

	// 4. The environment overrides both.
	t.Setenv("SCAFFOLD_DATABASE", "sqlite")
	t.Setenv("SCAFFOLD_MODULE_PREFIX", "example.com/env")
	if c := load(); c.Database != schema.SQLite || c.ModulePrefix != "example.com/env" {
		t.Fatalf("environment: %+v", c)
	}

	// 5. Flags the user set override everything.
	if err := flags.Parse([]string{"--database", "postgres"}); err != nil {
		t.Fatal(err)
	}
	if c := load(); c.Database != schema.Postgres || c.ModulePrefix != "example.com/env" {
		t.Fatalf("flags: %+v", c)
	}
}

func TestExplicitFileReplacesLookup(t *testing.T) {
	env(t)
	l := newLayout(t)
	write(t, filepath.Join(l.project, FileName), "database: postgres\n")
	other := filepath.Join(t.TempDir(), "team.yaml")
	write(t, other, "database: mysql\n")
	opts := l.options(nil)
	opts.File = other
	c, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != schema.MySQL || len(c.Files) != 1 || c.Files[0] != other {
		t.Fatalf("--config: %+v", c)
	}
	opts.File = filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := Load(opts); err == nil || !strings.HasPrefix(err.Error(), "--config: ") {
		t.Fatalf("missing --config file: %v", err)
	}
}

func TestPathsAreRelativeToTheirFile(t *testing.T) {
	env(t)
	l := newLayout(t)
	write(t, filepath.Join(l.project, "conventions", "LICENSE_HEADER"), "Copyright Acme\n")
	if err := os.MkdirAll(filepath.Join(l.project, "conventions", "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(l.project, FileName), "license_header: conventions/LICENSE_HEADER\ntemplate_dir: conventions/templates\n")
	c, err := Load(l.options(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LicenseHeader != "Copyright Acme\n" {
		t.Errorf("license header = %q, want the file's content", c.LicenseHeader)
	}
	if c.TemplateDir != filepath.Join(l.project, "conventions", "templates") {
		t.Errorf("template dir = %q, want it resolved against the project file", c.TemplateDir)
	}

	write(t, filepath.Join(l.project, FileName), "license_header: |\n  Copyright Acme Corp.\n  All rights reserved.\n")
	if c, err := Load(l.options(nil)); err != nil || c.LicenseHeader != "Copyright Acme Corp.\nAll rights reserved.\n" {
		t.Errorf("inline license header = %q, %v", c.LicenseHeader, err)
	}
}

func TestLoadErrors(t *testing.T) {
	env(t)
	tests := []struct {
		name, file, want string
	}{
		{"unknown key", "databse: mysql\n", `unknown key "databse" (known: module_prefix, database, license_header, template_dir, rules)`},
		{"bad database", "database: oracle\n", `database "oracle" is not one of sqlite, postgres, mysql`},
		{"bad module prefix", "module_prefix: \"github.com/a b\"\n", `module_prefix "github.com/a b" cannot start a Go module path`},
		{"unknown rule", "rules:\n  forbiden_types: [float]\n", `has invalid keys: forbiden_types`},
		{"bad rule", "rules:\n  forbidden_types: [money]\n", `rules.forbidden_types: unknown type "money"`},
		{"missing template dir", "template_dir: nowhere\n", "template_dir: stat "},
		{"missing license file", "license_header: legal/HEADER.txt\n", "license_header: file "},
		{"yaml", "database: [\n", FileName + ": "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLayout(t)
			write(t, filepath.Join(l.project, FileName), tt.file)
			_, err := Load(l.options(nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNoUserConfigDir(t *testing.T) {
	env(t)
	l := newLayout(t)
	opts := l.options(nil)
	opts.UserConfigDir = func() (string, error) { return "", errors.New("$HOME is not defined") }
	if _, err := Load(opts); err != nil {
		t.Fatalf("no user configuration directory must mean no user file: %v", err)
	}
}

func TestOverridesKeepTheSchemaFirst(t *testing.T) {
	c := &Config{ModulePrefix: "github.com/acme", Database: schema.Postgres}
	tests := []struct {
		src   string
		flags schema.Overrides
		want  schema.Overrides
	}{
		{"name: shop\n", schema.Overrides{}, schema.Overrides{Module: "github.com/acme/shop", Database: schema.Postgres}},
		{"name: shop\nmodule: example.com/shop\ndatabase: mysql\n", schema.Overrides{}, schema.Overrides{}},
		{"name: shop\ndatabase: sqlite\n", schema.Overrides{}, schema.Overrides{Module: "github.com/acme/shop"}},
		{"name: shop\ndatabase: ~\n", schema.Overrides{}, schema.Overrides{Module: "github.com/acme/shop", Database: schema.Postgres}},
		{"name: shop\n", schema.Overrides{Module: "x.org/y", Database: schema.MySQL}, schema.Overrides{Module: "x.org/y", Database: schema.MySQL}},
		{"[not a mapping\n", schema.Overrides{}, schema.Overrides{Database: schema.Postgres}},
	}
	for _, tt := range tests {
		if got := c.Overrides([]byte(tt.src), tt.flags); got != tt.want {
			t.Errorf("%q with flags %+v: got %+v, want %+v", tt.src, tt.flags, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	src := []byte("version: 1\nname: x\nentities:\n  Line:\n    fields:\n      qty: float\n")
	p, err := schema.Parse("x.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{Rules: conventions.Rules{ForbiddenTypes: []string{"float"}}}
	want := `x.yaml:6:7: entity "Line": field "qty" has type float, which the house rules forbid (rules.forbidden_types)`
	if err := c.Check(p, src); err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	c.Rules.ForbiddenTypes = []string{"money"}
	if err := c.Check(p, src); err == nil || !strings.Contains(err.Error(), `unknown type "money"`) {
		t.Errorf("invalid rules: %v", err)
	}
}
