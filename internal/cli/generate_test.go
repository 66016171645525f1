package cli

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/buildinfo"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/manifest"
	"github.com/scaffold-dev/scaffold/schema"
)

// genRun is one run of scaffold generate with a fake generator.
type genRun struct {
	set     func() *generator.FileSet // what Generate returns
	extra   []ExtraFilesFunc
	version string // the tool version, testBuildInfo's when empty
	renders int    // how many times Generate was called
}

func (g *genRun) run(t *testing.T, args ...string) result {
	t.Helper()
	ctx := context.Background()
	ios, _, out, errOut := iostreams.Test()
	info := testBuildInfo
	if g.version != "" {
		info = buildinfo.Info{Version: g.version}
	}
	f := &Factory{IOStreams: ios, BuildInfo: info}
	cmd := NewCmdGenerate(f, func(o *GenerateOptions) error {
		o.Generate = func(*schema.Project) (*generator.FileSet, error) {
			g.renders++
			return g.set(), nil
		}
		o.Extra = g.extra
		return runGenerate(ctx, o)
	})
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(ctx)
	return result{code: exitStatus(ctx, f, cmd, err), stdout: out.String(), stderr: errOut.String()}
}

// setV1 and setV2 are two generations of the fake project: v2 changes
// app.go, adds new.go and drops old.go.
func setV1() *generator.FileSet {
	return &generator.FileSet{Files: []*generator.File{
		{Path: "go.mod", Content: []byte("module example.com/tiny\n"), Ownership: generator.Once},
		{Path: "internal/app/app.go", Content: []byte("package app\n"), Ownership: generator.Generated},
		{Path: "internal/old/old.go", Content: []byte("package old\n"), Ownership: generator.Generated},
	}}
}

func setV2() *generator.FileSet {
	return &generator.FileSet{Files: []*generator.File{
		{Path: "go.mod", Content: []byte("module example.com/tiny\n"), Ownership: generator.Once},
		{Path: "internal/app/app.go", Content: []byte("package app\n\n// v2\n"), Ownership: generator.Generated},
		{Path: "internal/app/new.go", Content: []byte("package app\n"), Ownership: generator.Generated},
	}}
}

// newProject writes what scaffold new writes for setV1 into a temporary
// directory and returns it.
func newProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := projectFiles(setV1(), []byte(validSchema), testBuildInfo.Version)
	if err != nil {
		t.Fatal(err)
	}
	tree := map[string]string{}
	for _, f := range files {
		tree[f.Path] = string(f.Content)
	}
	writeFiles(t, dir, tree)
	return dir
}

func TestGenerateParsesFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &Factory{IOStreams: ios, BuildInfo: testBuildInfo}
	var got *GenerateOptions
	cmd := NewCmdRoot(f)
	for _, c := range cmd.Commands() {
		if c.Name() == "generate" {
			*c = *NewCmdGenerate(f, func(o *GenerateOptions) error { got = o; return nil })
		}
	}
	cmd.SetArgs([]string{"gen", "--dir", "proj", "--force", "--dry-run", "--diff", "--check"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Dir != "proj" || !got.Force || !got.DryRun || !got.Diff || !got.Check || got.ToolVersion != testBuildInfo.Version {
		t.Errorf("options = %+v", got)
	}
}

func TestGenerateRejectsArguments(t *testing.T) {
	r := run(t, t.TempDir(), "generate", "somewhere")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--dir DIR") {
		t.Errorf("exit %d, stderr %q; want a usage error pointing at --dir", r.code, r.stderr)
	}
}

func TestGenerateUpToDate(t *testing.T) {
	dir := newProject(t)
	g := &genRun{set: setV1}
	if r := g.run(t, "--dir", dir, "--check"); r.code != 0 || r.stdout != "" {
		t.Errorf("check of a fresh project: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	before := readTree(t, dir)
	if r := g.run(t, "--dir", dir); r.code != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 0 deleted, 3 unchanged, 2 kept") {
		t.Errorf("generate of a fresh project: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	diffTrees(t, readTree(t, dir), before)

	// Another build of scaffold records another version, which is no drift.
	if r := (&genRun{set: setV1, version: "v9.9.9"}).run(t, "--dir", dir, "--check"); r.code != 0 {
		t.Errorf("check by another scaffold version: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestGenerateCheckFastPath(t *testing.T) {
	dir := newProject(t)

	// Same release, same schema, files as recorded: no rendering needed.
	g := &genRun{set: setV2}
	if r := g.run(t, "--dir", dir, "--check"); r.code != 0 || g.renders != 0 {
		t.Errorf("release build: exit %d, %d renders; want 0 and none", r.code, g.renders)
	}

	// Development builds always render: their templates may differ under
	// the same version. Here the render differs, so the check fails.
	for _, v := range []string{"(devel)", "v1.2.3+dirty"} {
		writeManifestTool(t, dir, v)
		g := &genRun{set: setV2, version: v}
		if r := g.run(t, "--dir", dir, "--check"); r.code != ExitError || g.renders != 1 {
			t.Errorf("%s: exit %d, %d renders; want 1 and one", v, r.code, g.renders)
		}
	}
	writeManifestTool(t, dir, testBuildInfo.Version)

	// An edited generated file takes the full path, which lists it.
	writeFiles(t, dir, map[string]string{"internal/app/app.go": "package app // edited\n"})
	g = &genRun{set: setV1}
	if r := g.run(t, "--dir", dir, "--check"); r.code != ExitError || g.renders != 1 || r.stdout != "conflict  internal/app/app.go\n" {
		t.Errorf("edited file: exit %d, %d renders, stdout %q", r.code, g.renders, r.stdout)
	}
}

// writeManifestTool rewrites the tool version recorded in dir's manifest.
func writeManifestTool(t *testing.T, dir, version string) {
	t.Helper()
	m, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.Tool = version
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{manifest.Path: string(b)})
}

func TestGenerateAppliesChanges(t *testing.T) {
	dir := newProject(t)
	writeFiles(t, dir, map[string]string{"internal/app/mine.go": "package app // mine\n"})
	// A development build: the same schema renders differently.
	g := &genRun{set: setV2, version: "(devel)"}

	before := readTree(t, dir)
	r := g.run(t, "--dir", dir, "--check")
	wantDrift := []string{"update  internal/app/app.go", "create  internal/app/new.go", "update  .scaffold/manifest.json", "delete  internal/old/old.go"}
	if r.code != ExitError || !slices.Equal(lines(r.stdout), wantDrift) {
		t.Errorf("check: exit %d, stdout:\n%s\nwant:\n%s", r.code, r.stdout, strings.Join(wantDrift, "\n"))
	}
	if r := g.run(t, "--dir", dir, "--dry-run"); r.code != 0 || !slices.Contains(lines(r.stdout), "skip    once       go.mod") {
		t.Errorf("dry run: exit %d, stdout:\n%s", r.code, r.stdout)
	}
	diffTrees(t, readTree(t, dir), before)

	r = g.run(t, "--dir", dir)
	if r.code != 0 {
		t.Fatalf("generate: exit %d, stderr %s", r.code, r.stderr)
	}
	want := maps.Clone(before)
	delete(want, "internal/old/old.go")
	want["internal/app/app.go"] = "package app\n\n// v2\n"
	want["internal/app/new.go"] = "package app\n"
	files, err := projectFiles(setV2(), []byte(validSchema), "(devel)")
	if err != nil {
		t.Fatal(err)
	}
	want[manifest.Path] = string(files[len(files)-1].Content)
	diffTrees(t, readTree(t, dir), want)
	if _, err := os.Stat(filepath.Join(dir, "internal", "old")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the emptied directory internal/old is still there: %v", err)
	}
	if r := g.run(t, "--dir", dir, "--check"); r.code != 0 {
		t.Errorf("check after generate: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestGenerateConflictsWriteNothing(t *testing.T) {
	dir := newProject(t)
	writeFiles(t, dir, map[string]string{
		"internal/app/app.go": "package app // edited\n",
		"internal/old/old.go": "package old // edited\n",
	})
	before := readTree(t, dir)
	g := &genRun{set: setV2}
	r := g.run(t, "--dir", dir)
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1", r.code)
	}
	for _, want := range []string{
		"  internal/app/app.go (would be overwritten)\n",
		"  internal/old/old.go (would be deleted: its entity is gone)\n",
		"--dir " + dir + " --force",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	diffTrees(t, readTree(t, dir), before)

	r = g.run(t, "--dir", dir, "--force")
	if r.code != 0 || !strings.Contains(r.stdout, "update  internal/app/app.go (your edits were discarded: --force)") {
		t.Fatalf("forced: exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := readTree(t, dir)["internal/app/app.go"]; got != "package app\n\n// v2\n" {
		t.Errorf("app.go after --force = %q", got)
	}
}

func TestGenerateDiff(t *testing.T) {
	dir := newProject(t)
	r := (&genRun{set: setV2}).run(t, "--dir", dir, "--diff")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"--- a/internal/app/app.go\n+++ b/internal/app/app.go\n@@ -1,1 +1,3 @@\n package app\n+\n+// v2\n",
		"--- /dev/null\n+++ b/internal/app/new.go\n@@ -0,0 +1,1 @@\n+package app\n",
		"--- a/internal/old/old.go\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-package old\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff lacks\n%s\nin\n%s", want, r.stdout)
		}
	}
}

func TestGenerateExtraFiles(t *testing.T) {
	dir := newProject(t)
	var seen *Generation
	g := &genRun{set: setV1, version: "(devel)", extra: []ExtraFilesFunc{func(_ context.Context, gen *Generation) ([]*generator.File, error) {
		seen = gen
		return []*generator.File{{Path: "migrations/00002_next.sql", Content: []byte("-- next\n"), Ownership: generator.Once}}, nil
	}}}
	if r := g.run(t, "--dir", dir, "--check"); r.code != ExitError || !strings.Contains(r.stdout, "create  migrations/00002_next.sql") {
		t.Errorf("check: exit %d, stdout %q", r.code, r.stdout)
	}
	if seen == nil || seen.Dir != dir || string(seen.Schema) != validSchema || seen.Project.Name != "tiny" ||
		seen.Previous.Schema != manifest.Hash([]byte(validSchema)) || seen.Files.Get("internal/app/app.go") == nil {
		t.Errorf("the extra files function saw %+v", seen)
	}
	if r := g.run(t, "--dir", dir); r.code != 0 {
		t.Fatalf("generate: exit %d, stderr %s", r.code, r.stderr)
	}
	if got := readTree(t, dir)["migrations/00002_next.sql"]; got != "-- next\n" {
		t.Errorf("the extra file holds %q", got)
	}

	dup := &genRun{set: setV1, extra: []ExtraFilesFunc{func(context.Context, *Generation) ([]*generator.File, error) {
		return []*generator.File{{Path: "internal/app/app.go", Content: []byte("x"), Ownership: generator.Generated}}, nil
	}}}
	if r := dup.run(t, "--dir", dir); r.code != ExitError || !strings.Contains(r.stderr, "internal/app/app.go is produced twice") {
		t.Errorf("duplicate: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestGenerateInvalidSchemaWritesNothing(t *testing.T) {
	dir := newProject(t)
	writeFiles(t, dir, map[string]string{SchemaFileName: invalidSchema})
	before := readTree(t, dir)
	r := (&genRun{set: setV2}).run(t, "--dir", dir)
	if r.code != ExitError || !strings.Contains(r.stderr, filepath.Join(dir, SchemaFileName)+":3:1: ") {
		t.Errorf("exit %d, stderr %q; want positioned errors", r.code, r.stderr)
	}
	diffTrees(t, readTree(t, dir), before)
}

func TestGenerateNeedsAProject(t *testing.T) {
	dir := t.TempDir()
	r := (&genRun{set: setV1}).run(t, "--dir", dir)
	if r.code != ExitError || !strings.Contains(r.stderr, "scaffold.yaml not found") {
		t.Errorf("no schema: exit %d, stderr %q", r.code, r.stderr)
	}
	writeFiles(t, dir, map[string]string{SchemaFileName: validSchema})
	r = (&genRun{set: setV1}).run(t, "--dir", dir)
	if r.code != ExitError || !strings.Contains(r.stderr, "manifest.json not found") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("no manifest: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestGenerateReportsMissingRequirements(t *testing.T) {
	dir := newProject(t)
	set := func() *generator.FileSet {
		s := setV1()
		s.Files[0].Content = []byte("module example.com/tiny\n\nrequire github.com/jackc/pgx/v5 v5.12.0\n")
		return s
	}
	r := (&genRun{set: set}).run(t, "--dir", dir)
	want := "cd " + dir + " && go get github.com/jackc/pgx/v5@v5.12.0 && go mod tidy"
	if r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
}

func TestMissingRequirements(t *testing.T) {
	have := []byte("module m\n\nrequire (\n\tmodernc.org/sqlite v1.0.0\n\tgithub.com/pressly/goose/v3 v3.1.0\n)\n")
	want := []byte("module m\n\nrequire (\n\tgithub.com/pressly/goose/v3 v3.29.0\n\tgithub.com/jackc/pgx/v5 v5.12.0\n)\n")
	got, err := missingRequirements(have, want)
	if err != nil {
		t.Fatal(err)
	}
	// An older version of a required module is the user's choice; only
	// absent modules are reported.
	if !slices.Equal(got, []string{"github.com/jackc/pgx/v5@v5.12.0"}) {
		t.Errorf("missingRequirements = %v", got)
	}
	if _, err := missingRequirements([]byte("module"), want); err == nil {
		t.Error("a broken go.mod was accepted")
	}
}

// lines splits output into lines, without the final newline.
func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
