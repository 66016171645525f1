package apply

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/manifest"
)

// previous is a project as the last generation left it, plus the user's
// changes since: the manifest records v1 of every generated file.
func previous(t *testing.T) (string, *manifest.Manifest) {
	t.Helper()
	v1 := []*generator.File{
		gen("same.go", "same\n"),
		gen("changed.go", "v1\n"),
		gen("edited.go", "v1\n"),
		gen("gone/untouched.go", "v1\n"),
		gen("gone_edited.go", "v1\n"),
		gen("gone_already.go", "v1\n"),
		once("hooks.go", "hooks v1\n"),
		once("gone_hooks.go", "hooks v1\n"),
	}
	root := t.TempDir()
	writeDisk(t, root, map[string]string{
		"same.go":           "same\n",
		"changed.go":        "v1\n",
		"edited.go":         "v1 and the user's edit\n",
		"gone/untouched.go": "v1\n",
		"gone_edited.go":    "v1 and the user's edit\n",
		"hooks.go":          "the user's hooks\n",
		"gone_hooks.go":     "the user's hooks\n",
		"user.go":           "the user's own file\n",
		"new_here.go":       "the user's file where a generated one now goes\n",
	})
	return root, manifest.New("v1", []byte("schema v1"), v1)
}

// v2 is the next generation: gone* files are no longer produced.
func v2() []*generator.File {
	return []*generator.File{
		gen("same.go", "same\n"),
		gen("changed.go", "v2\n"),
		gen("edited.go", "v2\n"),
		gen("new_here.go", "v2\n"),
		gen("created.go", "v2\n"),
		once("hooks.go", "hooks v2\n"),
	}
}

func TestPrepareRegeneration(t *testing.T) {
	root, prev := previous(t)
	plan, err := PrepareRegeneration(root, v2(), prev, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"unchanged same.go",
		"overwrite changed.go",
		"conflict edited.go",
		"conflict new_here.go",
		"create created.go",
		"skip hooks.go",
		"delete gone/untouched.go",
		"conflict gone_edited.go",
	}
	if got := actions(plan); !slices.Equal(got, want) {
		t.Fatalf("actions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range plan.Changes {
		wantEdited := c.Action == Conflict
		if c.Edited != wantEdited {
			t.Errorf("%s: Edited = %v, want %v", c.File.Path, c.Edited, wantEdited)
		}
	}

	before := tree(t, root)
	if err := plan.Apply(context.Background()); err == nil {
		t.Fatal("Apply of a plan with conflicts succeeded")
	}
	if after := tree(t, root); !maps.Equal(before, after) {
		t.Errorf("Apply with conflicts changed the disk:\n%v\n%v", before, after)
	}
}

func TestPrepareRegenerationForced(t *testing.T) {
	root, prev := previous(t)
	plan, err := PrepareRegeneration(root, v2(), prev, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := plan.Count(Conflict); n != 0 {
		t.Fatalf("%d conflicts with force", n)
	}
	if err := plan.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"same.go":       "same\n",
		"changed.go":    "v2\n",
		"edited.go":     "v2\n",
		"new_here.go":   "v2\n",
		"created.go":    "v2\n",
		"hooks.go":      "the user's hooks\n",
		"gone_hooks.go": "the user's hooks\n",
		"user.go":       "the user's own file\n",
	}
	if got := tree(t, root); !maps.Equal(got, want) {
		t.Errorf("tree after forced regeneration:\n%v\nwant\n%v", got, want)
	}
	if _, err := os.Stat(filepath.Join(root, "gone")); !os.IsNotExist(err) {
		t.Errorf("the directory emptied by a deletion is still there: %v", err)
	}
}

func TestPrepareRegenerationLeavesNonEmptyDirectories(t *testing.T) {
	root := t.TempDir()
	writeDisk(t, root, map[string]string{"d/gen.go": "v1\n", "d/mine.go": "mine\n"})
	prev := manifest.New("v1", nil, []*generator.File{gen("d/gen.go", "v1\n")})
	plan, err := PrepareRegeneration(root, nil, prev, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, root); !maps.Equal(got, map[string]string{"d/mine.go": "mine\n"}) {
		t.Errorf("tree = %v", got)
	}
}

func TestPrepareRegenerationManifestIsNeverAConflict(t *testing.T) {
	root := t.TempDir()
	writeDisk(t, root, map[string]string{manifest.Path: "an older manifest\n"})
	prev := manifest.New("v1", nil, nil)
	plan, err := PrepareRegeneration(root, []*generator.File{gen(manifest.Path, "the new one\n")}, prev, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(plan); !slices.Equal(got, []string{"overwrite " + manifest.Path}) {
		t.Errorf("actions = %v", got)
	}
}

func TestPrepareRegenerationRejectsManifestPathsOutsideRoot(t *testing.T) {
	root := t.TempDir()
	prev := &manifest.Manifest{Files: []manifest.File{{Path: "../outside.go", SHA256: "x"}}}
	if _, err := PrepareRegeneration(root, nil, prev, false); err == nil || !strings.Contains(err.Error(), "leaves the output directory") {
		t.Errorf("err = %v, want a path error", err)
	}
}
