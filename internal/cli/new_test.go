package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/manifest"
	"github.com/scaffold-dev/scaffold/schema"
)

// readTree returns every regular file under root, by slash path.
func readTree(t *testing.T, root string) map[string]string {
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
		rel, err := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// projectTree is what scaffold new writes for set generated from the schema
// source src: the files, the schema snapshot, scaffold.yaml and the
// manifest.
func projectTree(t *testing.T, set *generator.FileSet, src string) map[string]string {
	t.Helper()
	out := map[string]string{SchemaFileName: src}
	files := append(slices.Clone(set.Files), generator.Snapshot([]byte(src)))
	for _, f := range files {
		out[f.Path] = string(f.Content)
	}
	m, err := manifest.New(testBuildInfo.Version, []byte(src), files).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out[manifest.Path] = string(m)
	return out
}

func diffTrees(t *testing.T, got, want map[string]string) {
	t.Helper()
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s: missing", p)
		} else if g != w {
			t.Errorf("%s: content differs:\n%s\nwant:\n%s", p, g, w)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: unexpected file", p)
		}
	}
}

// fakeSet is the output of fakeGenerate: one file of each ownership, so the
// command's behaviour is tested apart from the real templates.
func fakeSet() *generator.FileSet {
	return &generator.FileSet{Files: []*generator.File{
		{Path: "README.md", Content: []byte("# tiny\n"), Ownership: generator.Once},
		{Path: "go.mod", Content: []byte("module example.com/tiny\n"), Ownership: generator.Once},
		{Path: "internal/app/app.go", Content: []byte("package app\n"), Ownership: generator.Generated},
	}}
}

// newRun is one run of scaffold new with fakes in place.
type newRun struct {
	ctx       context.Context
	generated *schema.Project // what Generate received
	tidyDir   string          // where go mod tidy ran, "" if it did not
	tidy      func(ctx context.Context, dir string) ([]byte, error)
}

// run executes scaffold new args with the fake generator, mapping the error
// to an exit status as Run does.
func (n *newRun) run(t *testing.T, args ...string) result {
	t.Helper()
	if n.ctx == nil {
		n.ctx = context.Background()
	}
	ios, _, out, errOut := iostreams.Test()
	f := &Factory{IOStreams: ios, BuildInfo: testBuildInfo}
	cmd := NewCmdNew(f, func(o *NewOptions) error {
		o.Generate = func(p *schema.Project) (*generator.FileSet, error) {
			n.generated = p
			return fakeSet(), nil
		}
		o.GoModTidy = func(ctx context.Context, dir string) ([]byte, error) {
			n.tidyDir = dir
			if n.tidy != nil {
				return n.tidy(ctx, dir)
			}
			return nil, nil
		}
		return runNew(n.ctx, o)
	})
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(n.ctx)
	return result{code: exitStatus(n.ctx, f, cmd, err), stdout: out.String(), stderr: errOut.String()}
}

func TestNewWritesProject(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	var n newRun
	r := n.run(t, "out", "--schema", "tiny.yaml")
	wantOut := "Created tiny in out: 6 files written.\n\nNext steps:\n  cd out\n  go run ./cmd/server\n"
	if r.code != ExitOK || r.stdout != wantOut || r.stderr != "Running go mod tidy in out...\n" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", r.code, r.stdout, r.stderr, wantOut)
	}
	if n.tidyDir != "out" {
		t.Errorf("go mod tidy ran in %q, want out", n.tidyDir)
	}
	want := projectTree(t, fakeSet(), validSchema)
	diffTrees(t, readTree(t, "out"), want)

	m, err := manifest.Parse([]byte(want[manifest.Path]))
	if err != nil {
		t.Fatal(err)
	}
	if m.Tool != "v1.2.3" || m.Schema != manifest.Hash([]byte(validSchema)) || len(m.Files) != 2 ||
		m.Files[0].Path != generator.SnapshotPath || m.Files[1].Path != "internal/app/app.go" {
		t.Errorf("manifest = %+v; want tool, schema hash and only the generated files", m)
	}
}

func TestNewOverrides(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	var n newRun
	if r := n.run(t, "out", "--schema", "tiny.yaml", "--skip-tidy"); r.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if n.generated.Module != "example.com/tiny" || n.generated.Database != schema.SQLite {
		t.Errorf("without flags: module %q, database %q; want the schema's", n.generated.Module, n.generated.Database)
	}
	if n.tidyDir != "" {
		t.Errorf("--skip-tidy: go mod tidy ran in %q", n.tidyDir)
	}
	r := n.run(t, "out2", "--schema", "tiny.yaml", "--skip-tidy", "--module", "example.org/other", "--db", "postgres")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if n.generated.Module != "example.org/other" || n.generated.Database != schema.Postgres {
		t.Errorf("with flags: module %q, database %q; want the flags'", n.generated.Module, n.generated.Database)
	}
	// The project's scaffold.yaml and snapshot record what the flags chose,
	// so that scaffold generate reproduces the same project.
	want := strings.Replace(validSchema, "module: example.com/tiny\n", "module: example.org/other\ndatabase: postgres\n", 1)
	for _, name := range []string{SchemaFileName, generator.SnapshotPath} {
		data, err := os.ReadFile(filepath.Join("out2", name))
		if err != nil {
			t.Fatal(err)
		}
		p, err := schema.Parse(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Module != "example.org/other" || p.Database != schema.Postgres {
			t.Errorf("%s: module %q, database %q; want the flags'", name, p.Module, p.Database)
		}
		if name == SchemaFileName && string(data) != want {
			t.Errorf("%s =\n%s\nwant the schema with the flags' values:\n%s", name, data, want)
		}
	}
}

func TestPinOverrides(t *testing.T) {
	tests := []struct {
		name, src string
		overrides schema.Overrides
		want      string
	}{
		{
			name:      "replaces values, keeps comments and quoting elsewhere",
			src:       "# Shop.\nversion: 1\nname: shop\nmodule: \"example.com/shop\"  # the Go module\ndatabase: sqlite\nentities: {}\n",
			overrides: schema.Overrides{Module: "example.org/x", Database: schema.MySQL},
			want:      "# Shop.\nversion: 1\nname: shop\nmodule: example.org/x  # the Go module\ndatabase: mysql\nentities: {}\n",
		},
		{
			name:      "adds missing keys after the ones before them",
			src:       "version: 1\nname: shop\n\nentities: {}\n",
			overrides: schema.Overrides{Module: "example.org/x", Database: schema.Postgres},
			want:      "version: 1\nname: shop\nmodule: example.org/x\ndatabase: postgres\n\nentities: {}\n",
		},
		{
			name:      "no overrides, no change",
			src:       "version: 1\nname: shop # comment\n",
			overrides: schema.Overrides{},
			want:      "version: 1\nname: shop # comment\n",
		},
		{
			name:      "last line without newline",
			src:       "version: 1\nname: shop\ndatabase: sqlite",
			overrides: schema.Overrides{Database: schema.Postgres},
			want:      "version: 1\nname: shop\ndatabase: postgres",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pinOverrides([]byte(tt.src), tt.overrides)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	if _, err := pinOverrides([]byte("- a list\n"), schema.Overrides{Database: schema.MySQL}); err == nil {
		t.Error("a schema that is not a mapping: no error")
	}
}

func TestNewParsesFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *NewOptions
	cmd := NewCmdNew(&Factory{IOStreams: ios, BuildInfo: testBuildInfo}, func(o *NewOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"shop", "-s", "s.yaml", "--db=mysql", "--module", "github.com/acme/shop", "--force", "--dry-run", "--skip-tidy"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Dir != "shop" || got.SchemaFile != "s.yaml" || got.Database != schema.MySQL ||
		got.Module != "github.com/acme/shop" || !got.Force || !got.DryRun || !got.SkipTidy ||
		got.ToolVersion != "v1.2.3" || got.Generate == nil || got.GoModTidy == nil || got.IO != ios {
		t.Errorf("options = %+v", *got)
	}
}

func TestNewRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema, "out/notes.txt": "mine\n", "file": "x"})
	t.Chdir(dir)
	var n newRun
	wantErr := "out is not empty.\nChoose a new directory, or run again with --force to generate into it: generated files are overwritten, files written once for you to edit are kept\n"
	for _, args := range [][]string{
		{"out", "--schema", "tiny.yaml"},
		{"out", "--schema", "tiny.yaml", "--dry-run"}, // a dry run predicts the refusal
	} {
		r := n.run(t, args...)
		if r.code != ExitError || r.stderr != wantErr || r.stdout != "" {
			t.Errorf("%q: exit %d\nstdout:\n%s\nstderr:\n%s\nwant stderr:\n%s", args, r.code, r.stdout, r.stderr, wantErr)
		}
	}
	diffTrees(t, readTree(t, "out"), map[string]string{"notes.txt": "mine\n"})
	if n.tidyDir != "" {
		t.Error("go mod tidy ran after a refusal")
	}

	r := n.run(t, "file", "--schema", "tiny.yaml")
	if want := "file exists and is not a directory; choose another DIR\n"; r.code != ExitError || r.stderr != want {
		t.Errorf("DIR is a file: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
}

func TestNewForceKeepsOnceFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	var n newRun
	if r := n.run(t, "out", "--schema", "tiny.yaml", "--skip-tidy"); r.code != ExitOK {
		t.Fatalf("first run: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	writeFiles(t, dir, map[string]string{
		"out/go.mod":              "module edited\n",
		"out/scaffold.yaml":       "# edited\n",
		"out/internal/app/app.go": "// hand edit\n",
	})
	want := projectTree(t, fakeSet(), validSchema)
	want["go.mod"] = "module edited\n"
	want[SchemaFileName] = "# edited\n"

	r := n.run(t, "out", "--schema", "tiny.yaml", "--skip-tidy", "--force")
	if r.code != ExitOK {
		t.Fatalf("--force: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	diffTrees(t, readTree(t, "out"), want)
	if !strings.HasPrefix(r.stdout, "Created tiny in out: 1 files written, 3 existing files kept.\n") {
		t.Errorf("summary does not report the kept files:\n%s", r.stdout)
	}
	wantWarn := fmt.Sprintf("warning: kept the existing out%cscaffold.yaml, which differs from tiny.yaml; the project was generated from tiny.yaml\n", os.PathSeparator)
	if r.stderr != wantWarn {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, wantWarn)
	}
}

func TestNewInvalidSchemaWritesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"bad.yaml": invalidSchema})
	t.Chdir(dir)
	_, loadErr := schema.Load("bad.yaml")
	var list schema.ErrorList
	if !errors.As(loadErr, &list) || len(list) < 2 {
		t.Fatalf("bad.yaml: want a schema.ErrorList of several problems, got %v", loadErr)
	}
	for _, args := range [][]string{
		{"new", "out", "--schema", "bad.yaml"},
		{"new", "out", "--schema", "bad.yaml", "--dry-run"},
		{"new", "out", "--schema", "missing.yaml"},
	} {
		r := run(t, "", args...)
		if r.code != ExitError || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q", args, r.code, r.stdout)
		}
		if args[3] == "bad.yaml" && r.stderr != loadErr.Error()+"\n" {
			t.Errorf("%q: stderr:\n%s\nwant every schema error:\n%s", args, r.stderr, loadErr)
		}
		if _, err := os.Stat("out"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%q: out was created", args)
		}
	}
}

func TestNewDryRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	var n newRun
	r := n.run(t, "out", "--schema", "tiny.yaml", "--dry-run")
	manifestSize := len(projectTree(t, fakeSet(), validSchema)[manifest.Path])
	snapshotSize := len(generator.Snapshot([]byte(validSchema)).Content)
	wantOut := fmt.Sprintf(`create  once       README.md                %d bytes
create  once       go.mod                   %d bytes
create  generated  internal/app/app.go      %d bytes
create  generated  .scaffold/schema.yaml    %d bytes
create  once       scaffold.yaml            %d bytes
create  generated  .scaffold/manifest.json  %d bytes
`, len("# tiny\n"), len("module example.com/tiny\n"), len("package app\n"), snapshotSize, len(validSchema), manifestSize)
	wantErr := "Dry run: nothing was written. Run again without --dry-run to write these files.\n"
	if r.code != ExitOK || r.stdout != wantOut || r.stderr != wantErr {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", r.code, r.stdout, r.stderr, wantOut)
	}
	if _, err := os.Stat("out"); !errors.Is(err, fs.ErrNotExist) {
		t.Error("--dry-run created the output directory")
	}
	if n.tidyDir != "" {
		t.Error("--dry-run ran go mod tidy")
	}
}

func TestNewNextStepsQuoteDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	var n newRun
	r := n.run(t, "my shop", "--schema", "tiny.yaml")
	if r.code != ExitOK || n.tidyDir != "my shop" {
		t.Fatalf("exit %d, tidy ran in %q, stderr:\n%s", r.code, n.tidyDir, r.stderr)
	}
	if !strings.HasSuffix(r.stdout, "\n\nNext steps:\n  cd 'my shop'\n  go run ./cmd/server\n") {
		t.Errorf("next steps:\n%s", r.stdout)
	}
}

func TestNewReportsGoModTidyFailure(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	n := newRun{tidy: func(context.Context, string) ([]byte, error) {
		return []byte("go: example.com/x: no network\n"), errors.New("exit status 1")
	}}
	r := n.run(t, "out", "--schema", "tiny.yaml")
	want := "Running go mod tidy in out...\ngo: example.com/x: no network\n" +
		"go mod tidy failed: exit status 1\nThe project is written; fix the problem above, then run:\n  cd out && go mod tidy\n"
	if r.code != ExitError || r.stderr != want {
		t.Errorf("exit %d\nstderr:\n%s\nwant:\n%s", r.code, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Join("out", SchemaFileName)); err != nil {
		t.Errorf("the project should stay written: %v", err)
	}
}

func TestNewCancelledExits130(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := newRun{ctx: ctx, tidy: func(ctx context.Context, _ string) ([]byte, error) {
		cancel() // as if Ctrl-C arrived while go mod tidy ran
		<-ctx.Done()
		return nil, errors.New("signal: interrupt")
	}}
	r := n.run(t, "out", "--schema", "tiny.yaml")
	if want := "Running go mod tidy in out...\nCancelled.\n"; r.code != ExitCancelled || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, ExitCancelled, want)
	}
}

// TestNewEndToEnd runs the real generator: the tree on disk is exactly the
// generated FileSet plus scaffold.yaml and the manifest.
func TestNewEndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tiny.yaml": validSchema})
	t.Chdir(dir)
	p, err := schema.Load("tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.Module = "example.org/other"
	set, err := generator.Generate(p)
	if err != nil {
		t.Fatal(err)
	}
	// scaffold.yaml records the flags' values.
	pinned := strings.Replace(validSchema, "module: example.com/tiny\n", "module: example.org/other\ndatabase: sqlite\n", 1)
	want := projectTree(t, set, pinned)
	if _, ok := want["go.mod"]; !ok {
		t.Fatal("the generator wrote no go.mod")
	}

	r := run(t, "", "new", "out", "--schema", "tiny.yaml", "--skip-tidy", "--module", "example.org/other", "--db", "sqlite")
	wantOut := fmt.Sprintf("Created tiny in out: %d files written.\n\nNext steps:\n  cd out\n  go mod tidy\n  go run ./cmd/server\n", len(want))
	if r.code != ExitOK || r.stdout != wantOut || r.stderr != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", r.code, r.stdout, r.stderr, wantOut)
	}
	diffTrees(t, readTree(t, "out"), want)
}
