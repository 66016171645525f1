package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/internal/buildinfo"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
)

// A small valid schema and an invalid one, shared by the command tests.
const (
	validSchema = `version: 1
name: tiny
module: example.com/tiny
entities:
  Note:
    fields:
      title: {type: string, required: true}
`
	invalidSchema = `version: 1
name: tiny
databse: sqlite
entities:
  Note:
    fields:
      title: {type: money}
`
)

var testBuildInfo = buildinfo.Info{
	Version:   "v1.2.3",
	Commit:    "0123abc",
	Date:      "2026-01-02T03:04:05Z",
	GoVersion: "go1.26.8",
	Platform:  "linux/amd64",
}

// result is what one in-process run of scaffold produced.
type result struct {
	code           int
	stdout, stderr string
}

// run executes scaffold in-process with args, in dir when not empty.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runContext(t, context.Background(), dir, args...)
}

func runContext(t *testing.T, ctx context.Context, dir string, args ...string) result {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	ios, _, out, errOut := iostreams.Test()
	code := Run(ctx, &Factory{IOStreams: ios, BuildInfo: testBuildInfo}, args)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// writeFiles creates files (slash paths relative to dir) with contents.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown command", []string{"frobnicate"},
			"unknown command \"frobnicate\" for \"scaffold\"\nRun 'scaffold --help' for usage.\n"},
		{"unknown command with suggestion", []string{"valdate"},
			"unknown command \"valdate\" for \"scaffold\"\n\nDid you mean this?\n\tvalidate\nRun 'scaffold --help' for usage.\n"},
		{"unknown root flag", []string{"--frob"},
			"unknown flag: --frob\nRun 'scaffold --help' for usage.\n"},
		{"unknown flag", []string{"new", "out", "--schema", "tiny.yaml", "--frob"},
			"unknown flag: --frob\nRun 'scaffold new --help' for usage.\n"},
		{"bad --db", []string{"new", "out", "--schema", "tiny.yaml", "--db", "oracle"},
			"invalid argument \"oracle\" for \"--db\" flag: must be sqlite, postgres or mysql\nRun 'scaffold new --help' for usage.\n"},
		{"bad --module", []string{"new", "out", "--schema", "tiny.yaml", "--module", "bad path!"},
			"invalid value \"bad path!\" for --module: malformed import path \"bad path!\": invalid char ' '\nRun 'scaffold new --help' for usage.\n"},
		{"new without DIR", []string{"new", "--schema", "tiny.yaml"},
			"scaffold new takes exactly one argument, the project directory DIR (got 0)\nRun 'scaffold new --help' for usage.\n"},
		{"new with two DIRs", []string{"new", "a", "b", "--schema", "tiny.yaml"},
			"scaffold new takes exactly one argument, the project directory DIR (got 2)\nRun 'scaffold new --help' for usage.\n"},
		{"new without --schema", []string{"new", "out"},
			"scaffold new needs --schema FILE, the schema to generate from\nRun 'scaffold new --help' for usage.\n"},
		{"flag without value", []string{"new", "out", "--schema"},
			"flag needs an argument: --schema\nRun 'scaffold new --help' for usage.\n"},
		{"validate without FILE", []string{"validate"},
			"scaffold validate needs at least one schema FILE\nRun 'scaffold validate --help' for usage.\n"},
		{"version with argument", []string{"version", "x"},
			"scaffold version takes no arguments (got [\"x\"])\nRun 'scaffold version --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, tt.args...)
			if r.code != ExitUsage {
				t.Errorf("exit status %d, want %d", r.code, ExitUsage)
			}
			if r.stderr != tt.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, tt.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty:\n%s", r.stdout)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("a usage error created the output directory")
			}
		})
	}
}

func TestHelpExits0(t *testing.T) {
	for _, args := range [][]string{{}, {"--help"}, {"new", "--help"}, {"validate", "-h"}, {"help", "version"}} {
		r := run(t, "", args...)
		if r.code != ExitOK || r.stderr != "" {
			t.Errorf("scaffold %q: exit %d, stderr %q; want 0 and nothing", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("scaffold %q: no usage in stdout:\n%s", args, r.stdout)
		}
	}
}

// Every command documents itself with a long description and examples.
func TestCommandsHaveHelpAndExamples(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(&Factory{IOStreams: ios, BuildInfo: testBuildInfo})
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if c.Short == "" || c.Long == "" || c.Example == "" {
			t.Errorf("%s: Short, Long and Example are all required", c.Name())
		}
	}
}

func TestVersion(t *testing.T) {
	r := run(t, "", "version")
	want := `scaffold version v1.2.3
commit: 0123abc
built:  2026-01-02T03:04:05Z
go:     go1.26.8 linux/amd64
`
	if r.code != ExitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", r.code, r.stdout, r.stderr, want)
	}
	r = run(t, "", "--version")
	if r.code != ExitOK || r.stdout != "scaffold version v1.2.3\n" {
		t.Errorf("--version: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestCompletion(t *testing.T) {
	r := run(t, "", "completion", "bash")
	if r.code != ExitOK || !strings.Contains(r.stdout, "__start_scaffold") {
		t.Errorf("completion bash: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, "", "__complete", "new", "x", "--db", "")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "sqlite\npostgres\nmysql\n") {
		t.Errorf("--db completion: exit %d, stdout %q", r.code, r.stdout)
	}
}
