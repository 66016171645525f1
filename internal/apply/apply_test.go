package apply

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
)

func gen(path, content string) *generator.File {
	return &generator.File{Path: path, Content: []byte(content), Ownership: generator.Generated}
}

func once(path, content string) *generator.File {
	return &generator.File{Path: path, Content: []byte(content), Ownership: generator.Once}
}

// tree returns every regular file under root with its content.
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func actions(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Action.String()+" "+c.File.Path)
	}
	return out
}

func writeDisk(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteCreatesTreeInNewRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "new", "project")
	files := []*generator.File{
		gen("internal/store/store.go", "package store\n"),
		once("main.go", "package main\n"),
		gen(".scaffold/manifest.json", "{}\n"),
	}
	plan, err := Write(context.Background(), root, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"create internal/store/store.go", "create main.go", "create .scaffold/manifest.json"}
	if got := actions(plan); !slices.Equal(got, want) {
		t.Errorf("actions = %q, want %q", got, want)
	}
	wantTree := map[string]string{
		"internal/store/store.go": "package store\n",
		"main.go":                 "package main\n",
		".scaffold/manifest.json": "{}\n",
	}
	if got := tree(t, root); !maps.Equal(got, wantTree) {
		t.Errorf("tree = %q, want %q (no temporary files may remain)", got, wantTree)
	}
	for _, p := range []string{"internal", "internal/store", ".scaffold"} {
		fi, err := os.Stat(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&^DirPerm != 0 || perm&0o700 != 0o700 {
			t.Errorf("%s: mode %v, want at most %v", p, perm, DirPerm)
		}
	}
	fi, err := os.Stat(filepath.Join(root, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&^FilePerm != 0 || perm&0o600 != 0o600 {
		t.Errorf("main.go: mode %v, want at most %v", perm, FilePerm)
	}
}

func TestOnceFilesAreSkippedAndGeneratedOverwritten(t *testing.T) {
	root := t.TempDir()
	writeDisk(t, root, map[string]string{
		"main.go":       "// edited by the user\n",
		"gen/a.go":      "old\n",
		"gen/same.go":   "same\n",
		"unrelated.txt": "kept\n",
	})
	plan, err := Write(context.Background(), root, []*generator.File{
		once("main.go", "package main\n"),
		gen("gen/a.go", "new\n"),
		gen("gen/same.go", "same\n"),
		once("README.md", "# hi\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"skip main.go", "overwrite gen/a.go", "unchanged gen/same.go", "create README.md"}
	if got := actions(plan); !slices.Equal(got, want) {
		t.Errorf("actions = %q, want %q", got, want)
	}
	wantTree := map[string]string{
		"main.go":       "// edited by the user\n",
		"gen/a.go":      "new\n",
		"gen/same.go":   "same\n",
		"unrelated.txt": "kept\n",
		"README.md":     "# hi\n",
	}
	if got := tree(t, root); !maps.Equal(got, wantTree) {
		t.Errorf("tree = %q, want %q", got, wantTree)
	}
	for _, c := range plan.Changes {
		var want string
		switch c.File.Path {
		case "gen/a.go":
			want = (&generator.File{Content: []byte("old\n")}).Hash()
		case "gen/same.go":
			want = c.File.Hash()
		}
		if c.OldHash != want {
			t.Errorf("%s: OldHash %q, want %q", c.File.Path, c.OldHash, want)
		}
	}
	if plan.Count(Skip) != 1 || plan.Count(Create) != 1 || plan.Count(Overwrite) != 1 || plan.Count(Unchanged) != 1 {
		t.Errorf("counts wrong: %q", actions(plan))
	}
}

// An overwrite must replace the file by rename, never truncate it in place:
// a second link to the old file keeps the old content.
func TestOverwriteIsAtomicRename(t *testing.T) {
	root := t.TempDir()
	writeDisk(t, root, map[string]string{"a.go": "old\n"})
	alias := filepath.Join(t.TempDir(), "alias")
	if err := os.Link(filepath.Join(root, "a.go"), alias); err != nil {
		t.Skipf("hard links not available: %v", err)
	}
	if _, err := Write(context.Background(), root, []*generator.File{gen("a.go", "new\n")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(alias); string(b) != "old\n" {
		t.Errorf("old file was modified in place: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "a.go")); string(b) != "new\n" {
		t.Errorf("a.go = %q, want new content", b)
	}
}

func TestPrepareWritesNothing(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "out")
	plan, err := Prepare(root, []*generator.File{gen("a/b.go", "x")})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(plan); !slices.Equal(got, []string{"create a/b.go"}) {
		t.Errorf("actions = %q", got)
	}
	if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Prepare created the root: %v", err)
	}
}

func TestBadPathsAreRejectedBeforeAnyWrite(t *testing.T) {
	tests := map[string]string{
		"absolute":      "/etc/passwd",
		"parent":        "../x.go",
		"inner parent":  "a/../../x.go",
		"unclean":       "a/./b.go",
		"double slash":  "a//b.go",
		"trailing dot":  "a/..",
		"backslash":     `a\..\..\x.go`,
		"empty":         "",
		"dot":           ".",
		"trailing sep":  "a/",
		"dotdot itself": "..",
	}
	for name, p := range tests {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			_, err := Write(context.Background(), root, []*generator.File{gen("ok.go", "x"), gen(p, "x")})
			if err == nil {
				t.Fatalf("path %q accepted", p)
			}
			if got := tree(t, root); len(got) != 0 {
				t.Errorf("files written despite the error: %q", got)
			}
		})
	}
}

func TestDuplicatePathsRejected(t *testing.T) {
	_, err := Prepare(t.TempDir(), []*generator.File{gen("a.go", "1"), gen("a.go", "2")})
	if err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("err = %v, want a duplicate path error", err)
	}
}

func TestSymlinkEscapeRejected(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "evil")); err != nil {
		t.Skipf("symlinks not available: %v", err)
	}
	_, err := Write(context.Background(), root, []*generator.File{gen("evil/x.go", "x")})
	if err == nil {
		t.Fatal("write through a symlink leading outside the root succeeded")
	}
	if !strings.HasPrefix(err.Error(), "evil/x.go: ") {
		t.Errorf("error %q does not name the path", err)
	}
	if got := tree(t, outside); len(got) != 0 {
		t.Errorf("files written outside the root: %q", got)
	}
}

// The root check must also hold when the plan is applied after a link
// appeared, not only when it is prepared.
func TestSymlinkEscapeRejectedAtApply(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	plan, err := Prepare(root, []*generator.File{gen("evil/x.go", "x")})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "evil")); err != nil {
		t.Skipf("symlinks not available: %v", err)
	}
	if err := plan.Apply(context.Background()); err == nil {
		t.Fatal("apply through a symlink leading outside the root succeeded")
	}
	if got := tree(t, outside); len(got) != 0 {
		t.Errorf("files written outside the root: %q", got)
	}
}

func TestSymlinkedGeneratedFileIsReplacedNotFollowed(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "target.go")
	if err := os.WriteFile(outside, []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "a.go")); err != nil {
		t.Skipf("symlinks not available: %v", err)
	}
	plan, err := Write(context.Background(), root, []*generator.File{gen("a.go", "new\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(plan); !slices.Equal(got, []string{"overwrite a.go"}) {
		t.Errorf("actions = %q", got)
	}
	if b, _ := os.ReadFile(outside); string(b) != "outside\n" {
		t.Errorf("write followed the symlink: target now %q", b)
	}
}

func TestDirectoryInTheWay(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "a.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Prepare(root, []*generator.File{gen("a.go", "x")})
	if err == nil || !strings.Contains(err.Error(), "directory is in the way") {
		t.Fatalf("err = %v, want a directory-in-the-way error", err)
	}
}

func TestApplyStopsWhenCancelled(t *testing.T) {
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Write(ctx, root, []*generator.File{gen("a.go", "x")})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := tree(t, root); len(got) != 0 {
		t.Errorf("files written after cancellation: %q", got)
	}
}
