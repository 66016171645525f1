package cli

import (
	"errors"
	"testing"

	"github.com/scaffold-dev/scaffold/schema"
)

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"good.yaml": validSchema, "bad.yaml": invalidSchema})
	t.Chdir(dir)
	_, loadErr := schema.Load("bad.yaml")
	var list schema.ErrorList
	if !errors.As(loadErr, &list) || len(list) == 0 {
		t.Fatalf("bad.yaml: want a schema.ErrorList, got %v", loadErr)
	}

	r := run(t, "", "validate", "good.yaml")
	if r.code != ExitOK || r.stdout != "good.yaml: ok\n" || r.stderr != "" {
		t.Errorf("valid file: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	r = run(t, "", "validate", "bad.yaml", "good.yaml", "missing.yaml")
	if r.code != ExitError {
		t.Errorf("exit %d, want %d", r.code, ExitError)
	}
	if r.stdout != "good.yaml: ok\n" {
		t.Errorf("stdout %q, want only the valid file", r.stdout)
	}
	_, missingErr := schema.Load("missing.yaml")
	if want := loadErr.Error() + "\n" + missingErr.Error() + "\n"; r.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, want)
	}
}
