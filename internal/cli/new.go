package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/module"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/apply"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/config"
	"github.com/scaffold-dev/scaffold/internal/manifest"
	"github.com/scaffold-dev/scaffold/schema"
)

// SchemaFileName is the name of the schema inside a generated project.
const SchemaFileName = "scaffold.yaml"

// NewOptions are the inputs of scaffold new.
type NewOptions struct {
	IO *iostreams.IOStreams

	Dir        string
	SchemaFile string
	Module     string          // overrides the schema's module when set
	Database   schema.Database // overrides the schema's database when set
	Force      bool
	DryRun     bool
	SkipTidy   bool

	// ToolVersion is recorded in the manifest.
	ToolVersion string
	// Generate renders the project; GoModTidy runs `go mod tidy` in dir and
	// returns its combined output. Tests replace both.
	Generate  func(*schema.Project) (*generator.FileSet, error)
	GoModTidy func(ctx context.Context, dir string) ([]byte, error)

	// Preferences are the house defaults, rules, template overrides and
	// license header of .scaffold.yaml and its layers; nil for none.
	Preferences *config.Config
}

// NewCmdNew builds scaffold new. runF, when not nil, replaces the run
// function (for tests).
func NewCmdNew(f *Factory, runF func(*NewOptions) error) *cobra.Command {
	opts := &NewOptions{
		IO:          f.IOStreams,
		ToolVersion: f.BuildInfo.Version,
		GoModTidy:   goModTidy,
	}
	// The real generator applies the preferences' template overrides and
	// license header; tests replace Generate altogether.
	opts.Generate = func(p *schema.Project) (*generator.FileSet, error) {
		return generator.Generate(p, generatorOptions(opts.Preferences)...)
	}
	cmd := &cobra.Command{
		Use:   "new DIR --schema FILE",
		Short: "Create a new Go backend from a schema file",
		Long: `Create a new project in DIR from a schema file.

The schema is validated first; if it has problems, every one is reported as
FILE:LINE:COL: message and nothing is written. Otherwise scaffold writes the
project, copies the schema to DIR/scaffold.yaml, records what it generated in
DIR/.scaffold/manifest.json and the schema in DIR/.scaffold/schema.yaml (the
next migration starts from it), and runs "go mod tidy" in DIR to complete
go.mod and go.sum. A module or database chosen by --module, --db or your
preferences is written into DIR/scaffold.yaml, so that scaffold generate
reproduces the same project.

DIR must be empty or absent. With --force, scaffold writes into a non-empty
DIR: generated files are overwritten, and files written once for you to edit
(main.go wiring, hooks, README, scaffold.yaml) are kept if they exist.`,
		Example: `  # Create ./shop from shop.yaml.
  scaffold new shop --schema shop.yaml

  # Same schema, on PostgreSQL, under your own module path.
  scaffold new shop --schema shop.yaml --db postgres --module github.com/acme/shop

  # See what would be written, without writing anything.
  scaffold new shop --schema shop.yaml --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("%s takes exactly one argument, the project directory DIR (got %d)", cmd.CommandPath(), len(args))
			}
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.SchemaFile == "" && !opts.IO.IsStdinTTY() {
				return usageErrorf("%s needs --schema FILE, the schema to generate from", cmd.CommandPath())
			}
			if opts.Module != "" {
				if err := module.CheckImportPath(opts.Module); err != nil {
					return usageErrorf("invalid value %q for --module: %v", opts.Module, err)
				}
			}
			prefs, err := loadPreferences(cmd, "")
			if err != nil {
				return err
			}
			opts.Preferences = prefs
			if opts.SchemaFile == "" {
				return runNewInteractive(cmd.Context(), opts, runF)
			}
			if runF != nil {
				return runF(opts)
			}
			return runNew(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.SchemaFile, "schema", "s", "", "schema `FILE` to generate from (required)")
	fl.StringVar(&opts.Module, "module", "", "Go module `PATH` of the project (default: the schema's module)")
	fl.Var(&databaseValue{&opts.Database}, "db", "database of the project (default: the schema's database)")
	fl.BoolVar(&opts.Force, "force", false, "write into a non-empty DIR, keeping files written once")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print what would be written and write nothing")
	fl.BoolVar(&opts.SkipTidy, "skip-tidy", false, `do not run "go mod tidy" after writing`)
	_ = cmd.RegisterFlagCompletionFunc("schema", schemaFileCompletion)
	_ = cmd.RegisterFlagCompletionFunc("db", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return databaseNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func runNew(ctx context.Context, opts *NewOptions) error {
	// Read the schema once: these bytes are both validated and copied, so
	// scaffold.yaml is exactly what the project was generated from.
	src, err := os.ReadFile(opts.SchemaFile)
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	overrides := schema.Overrides{Module: opts.Module, Database: opts.Database}
	if opts.Preferences != nil {
		overrides = opts.Preferences.Overrides(src, overrides)
	}
	project, err := schema.ParseWithOverrides(opts.SchemaFile, src, overrides)
	if err != nil {
		return err
	}
	// The project's scaffold.yaml states what the flags and preferences
	// chose, so that scaffold generate, which reads only that file,
	// reproduces this project.
	if src, err = pinOverrides(src, overrides); err != nil {
		return err
	}
	if opts.Preferences != nil {
		if err := opts.Preferences.Check(project, src); err != nil {
			return err
		}
	}

	set, err := opts.Generate(project)
	var overrideErr *generator.TemplateError
	if errors.As(err, &overrideErr) {
		return fmt.Errorf("%w\nA template override failed and nothing was written; fix it, or remove it to use the built-in template", err)
	}
	if err != nil {
		return fmt.Errorf("generating the project failed; this is a bug in scaffold, please report it with your schema:\n%w", err)
	}
	// The schema of this generation: the next migration starts from it.
	set.Files = append(set.Files, generator.Snapshot(src))
	files, err := projectFiles(set, src, opts.ToolVersion)
	if err != nil {
		return err
	}

	if err := checkTarget(opts.Dir, opts.Force); err != nil {
		return err
	}
	plan, err := apply.Prepare(opts.Dir, files)
	if err != nil {
		return err
	}
	if opts.DryRun {
		if err := printPlan(opts.IO.Out, plan); err != nil {
			return err
		}
		fmt.Fprintln(opts.IO.ErrOut, "Dry run: nothing was written. Run again without --dry-run to write these files.")
		return nil
	}

	if err := plan.Apply(ctx); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("%w\nThe project in %s is incomplete. Fix the problem, then run the same command again with --force", err, opts.Dir)
	}
	warnKeptSchema(opts, plan, src)
	fmt.Fprintf(opts.IO.Out, "Created %s in %s: %d files written", project.Name, opts.Dir, plan.Count(apply.Create)+plan.Count(apply.Overwrite))
	if kept := plan.Count(apply.Skip); kept > 0 {
		fmt.Fprintf(opts.IO.Out, ", %d existing files kept", kept)
	}
	fmt.Fprintln(opts.IO.Out, ".")

	dir := shellQuote(opts.Dir)
	if !opts.SkipTidy {
		fmt.Fprintf(opts.IO.ErrOut, "Running go mod tidy in %s...\n", opts.Dir)
		out, err := opts.GoModTidy(ctx, opts.Dir)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			opts.IO.ErrOut.Write(out)
			return fmt.Errorf("go mod tidy failed: %v\nThe project is written; fix the problem above, then run:\n  cd %s && go mod tidy", err, dir)
		}
	}

	fmt.Fprintln(opts.IO.Out, "\nNext steps:")
	if filepath.Clean(opts.Dir) != "." {
		fmt.Fprintf(opts.IO.Out, "  cd %s\n", dir)
	}
	if opts.SkipTidy {
		fmt.Fprintln(opts.IO.Out, "  go mod tidy")
	}
	fmt.Fprintln(opts.IO.Out, "  go run ./cmd/server")
	return nil
}

// projectFiles returns what scaffold new writes: the generated files, the
// schema as scaffold.yaml, and, last, the manifest. The manifest goes last so
// that an interrupted run never records files it did not write.
func projectFiles(set *generator.FileSet, schemaSrc []byte, toolVersion string) ([]*generator.File, error) {
	for _, reserved := range []string{SchemaFileName, manifest.Path} {
		if set.Get(reserved) != nil {
			return nil, fmt.Errorf("the templates produce %s, which scaffold writes itself; this is a bug in scaffold, please report it", reserved)
		}
	}
	files := make([]*generator.File, 0, len(set.Files)+2)
	files = append(files, set.Files...)
	files = append(files, &generator.File{Path: SchemaFileName, Content: schemaSrc, Ownership: generator.Once})
	m, err := manifest.New(toolVersion, schemaSrc, files).File()
	if err != nil {
		return nil, err
	}
	return append(files, m), nil
}

// checkTarget refuses to write into a directory that has files in it,
// unless forced: scaffold new is for new projects.
func checkTarget(dir string, force bool) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory; choose another DIR", dir)
	}
	if force {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Readdirnames(1); errors.Is(err, io.EOF) {
		return nil
	} else if err != nil {
		return err
	}
	return fmt.Errorf("%s is not empty.\nChoose a new directory, or run again with --force to generate into it: generated files are overwritten, files written once for you to edit are kept", dir)
}

// printPlan prints one line per file: action, ownership, path, size.
func printPlan(w io.Writer, plan *apply.Plan) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range plan.Changes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d bytes\n", c.Action, c.File.Ownership, c.File.Path, len(c.File.Content))
	}
	return tw.Flush()
}

// warnKeptSchema warns when --force kept a DIR/scaffold.yaml that differs
// from the schema the project was just generated from.
func warnKeptSchema(opts *NewOptions, plan *apply.Plan, src []byte) {
	for _, c := range plan.Changes {
		if c.File.Path != SchemaFileName || c.Action != apply.Skip {
			continue
		}
		existing, err := os.ReadFile(filepath.Join(opts.Dir, SchemaFileName))
		if err == nil && manifest.Hash(existing) != manifest.Hash(src) {
			fmt.Fprintf(opts.IO.ErrOut, "warning: kept the existing %s%c%s, which differs from %s; the project was generated from %s\n",
				opts.Dir, os.PathSeparator, SchemaFileName, opts.SchemaFile, opts.SchemaFile)
		}
	}
}

// goModTidy runs go mod tidy in dir with the user's environment.
func goModTidy(ctx context.Context, dir string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "tidy")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if errors.Is(err, exec.ErrNotFound) {
		return out, errors.New("the go command was not found in PATH; install Go from https://go.dev/dl")
	}
	return out, err
}

// shellQuote quotes s for a POSIX shell when it needs it, so printed
// commands can be pasted.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./~+,:@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// databaseValue is the --db flag: one of schema.Databases. Checking it while
// flags are parsed makes a bad value a usage error, like any flag error.
type databaseValue struct{ db *schema.Database }

func (v *databaseValue) String() string {
	if v.db == nil {
		return ""
	}
	return string(*v.db)
}

func (v *databaseValue) Set(s string) error {
	for _, d := range schema.Databases {
		if string(d) == s {
			*v.db = d
			return nil
		}
	}
	return fmt.Errorf("must be %s", databaseChoices())
}

// Type is the value placeholder in the help text.
func (v *databaseValue) Type() string { return strings.Join(databaseNames(), "|") }

// databaseNames lists the supported databases in documentation order.
func databaseNames() []string {
	names := make([]string, len(schema.Databases))
	for i, d := range schema.Databases {
		names[i] = string(d)
	}
	return names
}

// databaseChoices lists the databases for messages: "a, b or c".
func databaseChoices() string {
	names := databaseNames()
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// pinOverrides returns the schema src with the module and database of
// overrides written into it: each replaces the value of its top-level key,
// or is added after the keys that precede it, so that the rest of the file,
// comments included, is kept as written.
func pinOverrides(src []byte, overrides schema.Overrides) ([]byte, error) {
	var err error
	if overrides.Module != "" {
		if src, err = setTopLevel(src, "module", overrides.Module, "name", "version"); err != nil {
			return nil, err
		}
	}
	if overrides.Database != "" {
		if src, err = setTopLevel(src, "database", string(overrides.Database), "module", "name", "version"); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// setTopLevel sets the top-level key of the YAML document src to the plain
// scalar value. A key that is missing goes on the line after the first of
// after that is written, or first in the document.
func setTopLevel(src []byte, key, value string, after ...string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("cannot record %s: %s in the schema: it is not a YAML mapping", key, value)
	}
	m := doc.Content[0]
	find := func(k string) *yaml.Node {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == k {
				return m.Content[i+1]
			}
		}
		return nil
	}
	lines := strings.SplitAfter(string(src), "\n")
	if v := find(key); v != nil {
		if v.Kind != yaml.ScalarNode || v.Line < 1 || v.Line > len(lines) {
			return nil, fmt.Errorf("cannot record %s: %s in the schema: its %s is not a single-line value; write it by hand", key, value, key)
		}
		line := lines[v.Line-1]
		rest := line[min(v.Column-1, len(line)):]
		tail := "\n"
		if !strings.HasSuffix(line, "\n") {
			tail = ""
		}
		if v.LineComment != "" {
			if i := strings.LastIndex(rest, v.LineComment); i >= 0 {
				j := len(strings.TrimRight(rest[:i], " \t"))
				tail = rest[j:]
			}
		}
		lines[v.Line-1] = line[:min(v.Column-1, len(line))] + value + tail
		return []byte(strings.Join(lines, "")), nil
	}
	at := 0 // insert before this line index
	for _, k := range after {
		if v := find(k); v != nil && v.Kind == yaml.ScalarNode {
			at = v.Line
			break
		}
	}
	if at == 0 {
		at = m.Content[0].Line - 1
	}
	at = min(max(at, 0), len(lines))
	if at > 0 && !strings.HasSuffix(lines[at-1], "\n") {
		lines[at-1] += "\n"
	}
	out := slices.Concat(lines[:at], []string{key + ": " + value + "\n"}, lines[at:])
	return []byte(strings.Join(out, "")), nil
}
