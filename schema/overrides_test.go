package schema

import (
	"strings"
	"testing"
)

func TestParseWithOverrides(t *testing.T) {
	const src = "version: 1\nname: shop\nmodule: example.com/shop\ndatabase: sqlite\nentities:\n  Tag:\n    fields:\n      label: string\n"
	tests := []struct {
		name             string
		o                Overrides
		module, database string
	}{
		{"none", Overrides{}, "example.com/shop", "sqlite"},
		{"database", Overrides{Database: Postgres}, "example.com/shop", "postgres"},
		{"both", Overrides{Module: "github.com/acme/shop", Database: MySQL}, "github.com/acme/shop", "mysql"},
	}
	for _, tt := range tests {
		p, err := ParseWithOverrides("shop.yaml", []byte(src), tt.o)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p.Module != tt.module || string(p.Database) != tt.database {
			t.Errorf("%s: module %q, database %q; want %q, %q", tt.name, p.Module, p.Database, tt.module, tt.database)
		}
	}
}

// TestOverridesAreValidated checks that an override is judged like a value
// of the file: a key the file lacks is filled in, and a bad value is refused
// with the other problems.
func TestOverridesAreValidated(t *testing.T) {
	const src = "version: 1\nname: shop\nentities:\n  Tag:\n    fields:\n      label: string\n"
	p, err := ParseWithOverrides("shop.yaml", []byte(src), Overrides{Database: MySQL})
	if err != nil || p.Database != MySQL {
		t.Fatalf("database %q, %v; want mysql", p.Database, err)
	}
	_, err = ParseWithOverrides("shop.yaml", []byte(src), Overrides{Database: "oracle", Module: "not a module"})
	if err == nil {
		t.Fatal("bad overrides were accepted")
	}
	for _, want := range []string{`"oracle"`, `module "not a module"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %s:\n%v", want, err)
		}
	}
}
