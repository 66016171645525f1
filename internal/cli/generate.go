package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/apply"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/config"
	"github.com/scaffold-dev/scaffold/internal/manifest"
	"github.com/scaffold-dev/scaffold/schema"
)

// GenerateOptions are the inputs of scaffold generate.
type GenerateOptions struct {
	IO *iostreams.IOStreams

	Dir    string // project root, holding scaffold.yaml and the manifest
	Force  bool   // overwrite and delete generated files the user edited
	DryRun bool   // list what would change, write nothing
	Diff   bool   // print a unified diff of what would change, write nothing
	Check  bool   // exit 1 when regenerating would change anything

	// AllowLossy accepts a migration that loses data (a narrower type, a
	// removed enum value); without it such a schema change is refused.
	AllowLossy bool
	// Preferences are the project's preferences (.scaffold.yaml and the
	// rest): the defaults they give the schema, their convention rules,
	// template overrides and license header. Nil means none.
	Preferences *config.Config

	// ToolVersion is recorded in the manifest.
	ToolVersion string
	// Generate renders the project. Tests replace it.
	Generate func(*schema.Project) (*generator.FileSet, error)
	// Extra contribute files beyond what Generate renders, in order, before
	// anything is decided: each sees the generation so far and returns the
	// files to add (for example the migration a schema change needs). The
	// files they return follow the same ownership rules as the rest; a
	// file to be written once and never changed again, like a migration,
	// is generator.Once.
	//
	// Like Generate, they must depend only on the schema and the project:
	// when scaffold.yaml and the scaffold release are those the manifest
	// records and no recorded file changed, --check concludes without
	// calling any of them.
	Extra []ExtraFilesFunc
}

// Generation is what a generation run knows before it decides anything.
type Generation struct {
	Dir      string             // project root
	Schema   []byte             // the bytes of scaffold.yaml
	Project  *schema.Project    // the validated schema
	Previous *manifest.Manifest // the manifest of the generation on disk
	Files    *generator.FileSet // the files rendered so far; do not modify
}

// ExtraFilesFunc contributes files to a generation. Returning a path the
// generation already holds is an error.
type ExtraFilesFunc func(ctx context.Context, g *Generation) ([]*generator.File, error)

// NewCmdGenerate builds scaffold generate. runF, when not nil, replaces the
// run function (for tests).
func NewCmdGenerate(f *Factory, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{
		IO:          f.IOStreams,
		ToolVersion: f.BuildInfo.Version,
	}
	opts.Generate = func(p *schema.Project) (*generator.FileSet, error) {
		return generator.Generate(p, generatorOptions(opts.Preferences)...)
	}
	// The migration reads the snapshot before the snapshot is replaced by
	// the one of this generation.
	opts.Extra = []ExtraFilesFunc{migrationFiles(&opts.AllowLossy), snapshotFiles}
	cmd := &cobra.Command{
		Use:     "generate [--dir DIR]",
		Aliases: []string{"gen"},
		Short:   "Regenerate a project from its scaffold.yaml",
		Long: `Regenerate the project in the current directory (or --dir) from its
scaffold.yaml, keeping your code intact.

Generated files (with the "Code generated" header) are rewritten; files
written once for you to edit (hooks, custom routes and queries, main.go,
README, go.mod) are left alone; generated files of removed entities are
deleted. .scaffold/manifest.json records what the last run generated, so
scaffold can tell when you edited a generated file: such a file is a
conflict. Conflicts are all listed and nothing is written, unless --force,
which discards the edits. Put your code in the files written once instead.

--dry-run lists what would change, --diff shows it as a unified diff, and
--check exits with status 1 when regenerating would change anything (the
CI gate that generated code is up to date); none of them writes.

go.mod is yours: when the project needs a module that go.mod lacks (after
switching databases, say), scaffold prints the go get command to run.

When scaffold.yaml changed since the last generation, generate also writes
the migration that takes the database there (migrations/NNNNN_<summary>.sql,
up and down, written once and never edited), derived from the schema
recorded in .scaffold/schema.yaml; scaffold migrate diff previews it. A
change that loses data is refused unless --allow-lossy.

Preferences (.scaffold.yaml, see scaffold new --help) apply as they did
when the project was created: their defaults, rules, template overrides
and license header.`,
		Example: `  # Regenerate after editing scaffold.yaml.
  scaffold generate

  # Review what would change first.
  scaffold generate --diff

  # In CI: fail when generated code is stale.
  scaffold generate --check`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usageErrorf("%s takes no arguments; use --dir DIR to regenerate another project", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			prefs, err := loadPreferences(cmd, opts.Dir)
			if err != nil {
				return err
			}
			opts.Preferences = prefs
			if runF != nil {
				return runF(opts)
			}
			return runGenerate(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Dir, "dir", "C", ".", "project `DIR` to regenerate")
	fl.BoolVar(&opts.Force, "force", false, "overwrite or delete generated files you edited, discarding the edits")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "list what would change and write nothing")
	fl.BoolVar(&opts.Diff, "diff", false, "print a unified diff of what would change and write nothing")
	fl.BoolVar(&opts.Check, "check", false, "exit 1 when regenerating would change anything, write nothing")
	fl.BoolVar(&opts.AllowLossy, "allow-lossy", false, "accept a migration that loses data (see scaffold migrate diff)")
	_ = cmd.RegisterFlagCompletionFunc("dir", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return cmd
}

func runGenerate(ctx context.Context, opts *GenerateOptions) error {
	if opts.Check && !opts.DryRun && !opts.Diff && unchangedSinceManifest(opts) {
		fmt.Fprintln(opts.IO.ErrOut, "Generated code is up to date.")
		return nil
	}
	plan, err := planGeneration(ctx, opts)
	if err != nil {
		return err
	}
	readOnly := opts.DryRun || opts.Diff || opts.Check
	if opts.DryRun {
		if err := printRegenPlan(opts.IO.Out, plan.Plan); err != nil {
			return err
		}
	}
	if opts.Diff {
		if err := printDiff(opts.IO.Out, plan.Plan); err != nil {
			return err
		}
	}
	if opts.Check {
		return checkDrift(opts, plan)
	}
	if readOnly {
		if n := plan.Count(apply.Conflict); n > 0 {
			fmt.Fprintf(opts.IO.ErrOut, "%d of the generated files to change were edited: scaffold generate would refuse to write (see --help).\n", n)
		}
		fmt.Fprintln(opts.IO.ErrOut, "Nothing was written.")
		return nil
	}

	if conflicts := plan.Conflicts(); len(conflicts) > 0 {
		reportConflicts(opts, conflicts)
		return errSilent
	}
	if err := plan.Apply(ctx); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("%w\nThe project is partly regenerated. Fix the problem, then run scaffold generate again: files already rewritten are recognised", err)
	}
	reportApplied(opts, plan)
	return nil
}

// generationPlan is a regeneration plan with what was read to make it.
type generationPlan struct {
	*apply.Plan
	prev      *manifest.Manifest
	next      *manifest.Manifest
	schemaNew bool // scaffold.yaml changed since the previous generation
}

// planGeneration reads the project, renders it and decides every change,
// writing nothing.
func planGeneration(ctx context.Context, opts *GenerateOptions) (*generationPlan, error) {
	schemaPath := filepath.Join(opts.Dir, SchemaFileName)
	src, err := os.ReadFile(schemaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s not found: run scaffold generate in a project created by scaffold new, or point --dir at one", schemaPath)
	}
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	var overrides schema.Overrides
	if opts.Preferences != nil {
		overrides = opts.Preferences.Overrides(src, overrides)
	}
	project, err := schema.ParseWithOverrides(schemaPath, src, overrides)
	if err != nil {
		return nil, err
	}
	if opts.Preferences != nil {
		if err := opts.Preferences.Check(project, src); err != nil {
			return nil, err
		}
	}
	prev, err := readManifest(opts.Dir)
	if err != nil {
		return nil, err
	}

	set, err := opts.Generate(project)
	var overrideErr *generator.TemplateError
	if errors.As(err, &overrideErr) {
		return nil, fmt.Errorf("%w\nA template override failed and nothing was written; fix it, or remove it to use the built-in template", err)
	}
	if err != nil {
		return nil, fmt.Errorf("generating the project failed; this is a bug in scaffold, please report it with your schema:\n%w", err)
	}
	g := &Generation{Dir: opts.Dir, Schema: src, Project: project, Previous: prev, Files: set}
	for _, extra := range opts.Extra {
		files, err := extra(ctx, g)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if set.Get(f.Path) != nil {
				return nil, fmt.Errorf("%s is produced twice in one generation; this is a bug in scaffold, please report it", f.Path)
			}
			set.Files = append(set.Files, f)
		}
	}

	files, err := projectFiles(set, src, opts.ToolVersion)
	if err != nil {
		return nil, err
	}
	plan, err := apply.PrepareRegeneration(opts.Dir, files, prev, opts.Force)
	if err != nil {
		return nil, err
	}
	return &generationPlan{
		Plan:      plan,
		prev:      prev,
		next:      manifest.New(opts.ToolVersion, src, withoutManifest(files)),
		schemaNew: prev.Schema != manifest.Hash(src),
	}, nil
}

// unchangedSinceManifest is the fast path of --check: it reports whether the
// project is certainly up to date without rendering it. Generation is
// deterministic, so when the manifest was written by this very release from
// these very schema bytes, rendering again yields exactly the recorded
// files, and the project is up to date when every recorded file still has
// its recorded hash. Development builds (no release version, or a modified
// checkout) may render differently under the same version and always take
// the full path, as does any mismatch, so that it can be listed. Files
// written once are not recorded, so one the user deleted goes unnoticed
// here; they are the user's, and the build reports any that is missing.
func unchangedSinceManifest(opts *GenerateOptions) bool {
	v := opts.ToolVersion
	if !semver.IsValid(v) || strings.HasSuffix(v, "+dirty") {
		return false
	}
	src, err := os.ReadFile(filepath.Join(opts.Dir, SchemaFileName))
	if err != nil {
		return false // the full path explains
	}
	prev, err := readManifest(opts.Dir)
	if err != nil || prev.Tool != v || prev.Schema != manifest.Hash(src) {
		return false
	}
	r, err := os.OpenRoot(opts.Dir)
	if err != nil {
		return false
	}
	defer r.Close()
	for _, f := range prev.Files {
		data, err := r.ReadFile(filepath.FromSlash(f.Path))
		if err != nil || manifest.Hash(data) != f.SHA256 {
			return false
		}
	}
	return true
}

// withoutManifest returns files without the manifest: the files a manifest
// records.
func withoutManifest(files []*generator.File) []*generator.File {
	return slices.DeleteFunc(slices.Clone(files), func(f *generator.File) bool { return f.Path == manifest.Path })
}

// readManifest reads the manifest of the project in dir.
func readManifest(dir string) (*manifest.Manifest, error) {
	p := filepath.Join(dir, filepath.FromSlash(manifest.Path))
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s not found: without it scaffold cannot tell your edits from generated code.\n"+
			"Restore it from version control, or regenerate over the project with\n"+
			"  scaffold new %s --schema %s --force\n"+
			"which overwrites every generated file and keeps the files written once",
			p, shellQuote(dir), shellQuote(filepath.Join(dir, SchemaFileName)))
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return manifest.Parse(data)
}

// verb names an action the way generate reports it.
func verb(a apply.Action) string {
	if a == apply.Overwrite {
		return "update"
	}
	return a.String()
}

// printRegenPlan prints one line per file: action, ownership, path.
func printRegenPlan(w io.Writer, plan *apply.Plan) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range plan.Changes {
		note := ""
		if c.Edited {
			note = "\t(edited since generated)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s%s\n", verb(c.Action), c.File.Ownership, c.File.Path, note)
	}
	return tw.Flush()
}

// printDiff prints a unified diff of every file the plan changes, or would
// change but for a conflict, in the a/ b/ form that git and patch read.
func printDiff(w io.Writer, plan *apply.Plan) error {
	r, err := os.OpenRoot(plan.Root)
	if err != nil {
		return fmt.Errorf("opening project directory: %w", err)
	}
	defer r.Close()
	for _, c := range plan.Changes {
		if !c.Action.Changes() {
			continue
		}
		oldName, newName := "a/"+c.File.Path, "b/"+c.File.Path
		var old, next []byte
		if c.Action == apply.Create {
			oldName = "/dev/null"
		} else if old, err = r.ReadFile(filepath.FromSlash(c.File.Path)); err != nil {
			return fmt.Errorf("%s: %w", c.File.Path, err)
		}
		if isRemoval(c) {
			newName = "/dev/null"
		} else {
			next = c.File.Content
		}
		if _, err := w.Write(diff.Diff(oldName, old, newName, next)); err != nil {
			return err
		}
	}
	return nil
}

// isRemoval reports whether c deletes a file, or would but for a conflict:
// only removals have no new content.
func isRemoval(c apply.Change) bool {
	return c.Action == apply.Delete || (c.Action == apply.Conflict && c.File.Content == nil)
}

// checkDrift reports whether regenerating would change anything. A manifest
// that differs only in the scaffold version that wrote it is not drift: CI
// and developers may run different builds of the same release.
func checkDrift(opts *GenerateOptions, plan *generationPlan) error {
	var drifted []apply.Change
	for _, c := range plan.Changes {
		if !c.Action.Changes() {
			continue
		}
		if c.File.Path == manifest.Path && sameGeneration(plan.prev, plan.next) {
			continue
		}
		drifted = append(drifted, c)
	}
	if len(drifted) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "Generated code is up to date.")
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	for _, c := range drifted {
		fmt.Fprintf(tw, "%s\t%s\n", verb(c.Action), c.File.Path)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if plan.schemaNew {
		fmt.Fprintf(opts.IO.ErrOut, "%s changed since the last generation.\n", SchemaFileName)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Generated code is out of date: %s. Run scaffold generate%s and commit the result.\n",
		filesWouldChange(len(drifted)), dirFlag(opts.Dir))
	return errSilent
}

// filesWouldChange says how many files would change, in words.
func filesWouldChange(n int) string {
	if n == 1 {
		return "1 file would change"
	}
	return fmt.Sprintf("%d files would change", n)
}

// sameGeneration reports whether two manifests record the same schema and
// files, whatever scaffold version wrote them.
func sameGeneration(a, b *manifest.Manifest) bool {
	return a.Schema == b.Schema && slices.Equal(a.Files, b.Files)
}

// reportConflicts lists every conflict and how to resolve it.
func reportConflicts(opts *GenerateOptions, conflicts []apply.Change) {
	w := opts.IO.ErrOut
	fmt.Fprintln(w, "These generated files were edited since scaffold generated them:")
	for _, c := range conflicts {
		what := "would be overwritten"
		if isRemoval(c) {
			what = "would be deleted: its entity is gone"
		}
		fmt.Fprintf(w, "  %s (%s)\n", c.File.Path, what)
	}
	fmt.Fprintf(w, `Nothing was written. Move your changes out of these files (hooks, custom
routes and custom queries go in the files written once, see docs/extending.md),
then run scaffold generate again; or run scaffold generate%s --force to
discard the edits. scaffold generate%s --diff shows what would change.
`, dirFlag(opts.Dir), dirFlag(opts.Dir))
}

// reportApplied prints what an applied plan changed, one file a line, then
// a summary, and what go.mod still needs.
func reportApplied(opts *GenerateOptions, plan *generationPlan) {
	w := opts.IO.Out
	for _, c := range plan.Changes {
		if !c.Action.Changes() {
			continue
		}
		note := ""
		if c.Edited {
			note = " (your edits were discarded: --force)"
		}
		fmt.Fprintf(w, "%-7s %s%s\n", verb(c.Action), c.File.Path, note)
	}
	fmt.Fprintf(w, "Regenerated: %d created, %d updated, %d deleted, %d unchanged, %d kept (yours).\n",
		plan.Count(apply.Create), plan.Count(apply.Overwrite), plan.Count(apply.Delete),
		plan.Count(apply.Unchanged), plan.Count(apply.Skip))
	for _, p := range orphanedHooks(opts.Dir, plan.Plan) {
		fmt.Fprintf(opts.IO.ErrOut, "kept %s: it is yours, but the entity it was written for is gone; delete it\n", p)
	}
	reportMissingRequirements(opts, plan.Plan)
}

// orphanedHooks returns the hook files, scaffolded once beside each entity's
// generated handler as <entity>_hooks.go, of the handlers the plan deletes.
// They are the user's, so they stay, but they refer to the removed entity
// and keep the project from building until the user deletes them.
func orphanedHooks(dir string, plan *apply.Plan) []string {
	produced := make(map[string]bool, len(plan.Changes))
	for _, c := range plan.Changes {
		produced[c.File.Path] = true
	}
	var out []string
	for _, c := range plan.Changes {
		if c.Action != apply.Delete || !strings.HasPrefix(c.File.Path, "internal/api/") ||
			!strings.HasSuffix(c.File.Path, ".go") || strings.HasSuffix(c.File.Path, "_test.go") {
			continue
		}
		hooks := strings.TrimSuffix(c.File.Path, ".go") + "_hooks.go"
		if produced[hooks] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(hooks))); err == nil {
			out = append(out, hooks)
		}
	}
	return out
}

// reportMissingRequirements compares the go.mod scaffold would write with the
// user's go.mod, which regeneration keeps, and prints the go get command that
// adds the modules the generated code now imports. scaffold does not run it
// itself: go.mod is the user's, and generate stays offline.
func reportMissingRequirements(opts *GenerateOptions, plan *apply.Plan) {
	var want *generator.File
	for _, c := range plan.Changes {
		if c.File.Path == "go.mod" && c.Action == apply.Skip {
			want = c.File
		}
	}
	if want == nil {
		return
	}
	path := filepath.Join(opts.Dir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: cannot check %s: %v\n", path, err)
		return
	}
	missing, err := missingRequirements(data, want.Content)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: cannot check %s: %v\n", path, err)
		return
	}
	if len(missing) == 0 {
		return
	}
	fmt.Fprintf(opts.IO.ErrOut, "\ngo.mod lacks modules the generated code needs. Run:\n  %sgo get %s && go mod tidy\n",
		cdPrefix(opts.Dir), strings.Join(missing, " "))
}

// missingRequirements returns, as module@version, the requirements of the
// go.mod scaffold would write that the user's go.mod lacks.
func missingRequirements(have, want []byte) ([]string, error) {
	h, err := modfile.ParseLax("go.mod", have, nil)
	if err != nil {
		return nil, err
	}
	wf, err := modfile.ParseLax("go.mod", want, nil)
	if err != nil {
		return nil, fmt.Errorf("the go.mod scaffold renders does not parse; this is a bug in scaffold: %w", err)
	}
	required := make(map[string]bool, len(h.Require))
	for _, r := range h.Require {
		required[r.Mod.Path] = true
	}
	var missing []string
	for _, r := range wf.Require {
		if !required[r.Mod.Path] {
			missing = append(missing, r.Mod.String())
		}
	}
	return missing, nil
}

// dirFlag is the --dir flag that repeats opts.Dir in a printed command.
func dirFlag(dir string) string {
	if filepath.Clean(dir) == "." {
		return ""
	}
	return " --dir " + shellQuote(dir)
}

// cdPrefix is "cd DIR && " for a command to run in dir.
func cdPrefix(dir string) string {
	if filepath.Clean(dir) == "." {
		return ""
	}
	return "cd " + shellQuote(dir) + " && "
}

// migrationFiles contributes the migration of the schema change since the
// last generation (see MigrationFiles), after refusing a change of
// database: the migrations on disk are in the old database's dialect, and
// no migration moves data between databases.
func migrationFiles(allowLossy *bool) ExtraFilesFunc {
	next := MigrationFiles(allowLossy)
	return func(ctx context.Context, g *Generation) ([]*generator.File, error) {
		prev, err := readSnapshot(g.Dir)
		if err != nil {
			return nil, err
		}
		if prev != nil && prev.Database != g.Project.Database {
			return nil, fmt.Errorf(`the database changed from %[1]s to %[2]s since the last generation, but the
migrations in %[3]s are written for %[1]s, and no migration moves data
between databases. Nothing was written. Either:
  - put database: %[1]s back in %[4]s; or
  - if no %[1]s database needs these migrations any more, start them over
    for %[2]s: delete the .sql files in %[3]s and %[5]s,
    then run scaffold generate%[6]s again. It writes a fresh 00001_init.sql
    for %[2]s, and later schema changes migrate from there`,
				prev.Database, g.Project.Database, filepath.Join(g.Dir, "migrations")+string(filepath.Separator),
				filepath.Join(g.Dir, SchemaFileName), filepath.Join(g.Dir, filepath.FromSlash(generator.SnapshotPath)), dirFlag(g.Dir))
		}
		return next(ctx, g)
	}
}

// snapshotFiles records the schema of this generation, from which the
// migration of the next schema change is derived.
func snapshotFiles(_ context.Context, g *Generation) ([]*generator.File, error) {
	return []*generator.File{generator.Snapshot(g.Schema)}, nil
}
