package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/manifest"
	"github.com/scaffold-dev/scaffold/internal/prompt"
	"github.com/scaffold-dev/scaffold/internal/schemaedit"
	"github.com/scaffold-dev/scaffold/internal/wizard"
	"github.com/scaffold-dev/scaffold/schema"
)

// AddOptions are the inputs of scaffold add entity and scaffold add field.
type AddOptions struct {
	IO *iostreams.IOStreams

	SchemaFile string // the schema to edit
	Entity     string
	NewEntity  bool     // add entity (true) or add field (false)
	Fields     []string // NAME:TYPE[:OPTION...] specs
	NoGenerate bool     // edit the schema only

	// Prompter asks for what the arguments leave out; nil means the
	// terminal of IO, if there is one.
	Prompter prompt.Prompter
	// Regenerate regenerates the project in dir after the schema changed.
	// NewCmdAdd sets it to run scaffold generate; tests replace it.
	Regenerate func(ctx context.Context, dir string) error
}

// NewCmdAdd builds scaffold add and its subcommands. runF, when not nil,
// replaces the run function (for tests).
func NewCmdAdd(f *Factory, runF func(*AddOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add an entity or a field to scaffold.yaml, then regenerate",
		Long: `Add an entity or a field to the schema, keeping its comments, blank lines
and key order, then regenerate the project (as scaffold generate does) when
the schema belongs to one.

The edited schema is validated first; if it would be invalid, the problems
are reported and the file is left untouched.

A field is given as NAME:TYPE[:OPTION...]. An OPTION is a flag (required,
unique, immutable, sensitive) or KEY=VALUE (max_length=80, default=0,
values=draft|active|archived: quote it, | is a pipe in the shell); see
docs/schema.md for every option.`,
		Example: `  # Add an entity with two fields, then a field to it.
  scaffold add entity Review --field body:text:required --field stars:int:min=1:max=5
  scaffold add field Review approved:bool:default=false

  # Edit a schema outside the current directory, without regenerating.
  scaffold add field Product sku:string:unique --schema shop/scaffold.yaml --no-generate`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return usageErrorf("%s needs a subcommand: entity or field", cmd.CommandPath())
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	cmd.AddCommand(newCmdAddEntity(f, runF), newCmdAddField(f, runF))
	return cmd
}

func newAddOptions(f *Factory) *AddOptions {
	return &AddOptions{IO: f.IOStreams, Regenerate: regenerate(f)}
}

func addFlags(cmd *cobra.Command, opts *AddOptions) {
	fl := cmd.Flags()
	fl.StringVarP(&opts.SchemaFile, "schema", "s", SchemaFileName, "schema `FILE` to edit")
	fl.BoolVar(&opts.NoGenerate, "no-generate", false, "edit the schema only; do not regenerate the project")
	_ = cmd.RegisterFlagCompletionFunc("schema", schemaFileCompletion)
}

func newCmdAddEntity(f *Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := newAddOptions(f)
	opts.NewEntity = true
	cmd := &cobra.Command{
		Use:   "entity NAME [--field NAME:TYPE[:OPTION...]]...",
		Short: "Add an entity with its fields",
		Long: `Add the entity NAME with the fields given by --field. Without --field,
the fields are asked for when stdin is a terminal.`,
		Example: `  scaffold add entity Tag --field label:string:required:unique:max_length=40
  scaffold add entity Review --field body:text:required --field stars:int:min=1:max=5`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("%s takes exactly one argument, the entity NAME (got %d)", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Entity = args[0]
			if len(opts.Fields) == 0 && opts.Prompter == nil && !opts.IO.IsStdinTTY() {
				return usageErrorf("%s needs at least one --field NAME:TYPE (e.g. --field title:string:required); run it in a terminal to be asked instead", cmd.CommandPath())
			}
			if runF != nil {
				return runF(opts)
			}
			return runAdd(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Fields, "field", "f", nil, "a field as `NAME:TYPE[:OPTION...]`; repeat for more")
	addFlags(cmd, opts)
	return cmd
}

func newCmdAddField(f *Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := newAddOptions(f)
	cmd := &cobra.Command{
		Use:   "field ENTITY [NAME:TYPE[:OPTION...]]...",
		Short: "Add fields to an entity",
		Long: `Add one or more fields to the entity ENTITY. Without a field, the field is
asked for when stdin is a terminal.`,
		Example: `  scaffold add field Product sku:string:required:unique:max_length=32
  scaffold add field Product 'status:enum:values=draft|active:default=draft'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("%s needs the ENTITY to add fields to, then the fields as NAME:TYPE[:OPTION...]", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Entity, opts.Fields = args[0], args[1:]
			if len(opts.Fields) == 0 && opts.Prompter == nil && !opts.IO.IsStdinTTY() {
				return usageErrorf("%s needs a field as NAME:TYPE[:OPTION...] after the entity (e.g. %s %s title:string:required); run it in a terminal to be asked instead",
					cmd.CommandPath(), cmd.CommandPath(), args[0])
			}
			if runF != nil {
				return runF(opts)
			}
			return runAdd(cmd.Context(), opts)
		},
	}
	addFlags(cmd, opts)
	return cmd
}

func runAdd(ctx context.Context, opts *AddOptions) error {
	src, err := os.ReadFile(opts.SchemaFile)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s not found: run scaffold add in a project directory, or point --schema at the schema; scaffold init writes a new one", opts.SchemaFile)
	}
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	// Start from a valid file, so that every problem reported below comes
	// from the addition.
	if _, err := schema.Parse(opts.SchemaFile, src); err != nil {
		return fmt.Errorf("%w\n%s has problems already; fix them first (nothing was changed)", err, opts.SchemaFile)
	}
	fields, err := opts.fields(src)
	if err != nil {
		return err
	}
	out, err := opts.edit(src, fields)
	if err != nil {
		return err
	}
	if _, err := schema.Parse(opts.SchemaFile, out); err != nil {
		return fmt.Errorf("%w\nThe positions are those %s would have after the change; it was left untouched", err, opts.SchemaFile)
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(opts.SchemaFile); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := writeFileAtomic(opts.SchemaFile, out, mode); err != nil {
		return err
	}
	what := "field"
	if len(fields) > 1 {
		what = "fields"
	}
	if opts.NewEntity {
		fmt.Fprintf(opts.IO.Out, "Added entity %s to %s.\n", opts.Entity, opts.SchemaFile)
	} else {
		fmt.Fprintf(opts.IO.Out, "Added %s %s to %s.\n", what, fieldNames(fields), opts.Entity)
	}
	return opts.regenerate(ctx)
}

// fields parses the fields given, or asks for them when none were given.
func (opts *AddOptions) fields(src []byte) ([]*schemaedit.Field, error) {
	if len(opts.Fields) == 0 {
		p := opts.Prompter
		if p == nil {
			var err error
			if p, err = terminalPrompter(opts.IO, "no field given; pass fields as NAME:TYPE[:OPTION...], or run in a terminal to be asked"); err != nil {
				return nil, err
			}
		}
		if !opts.NewEntity {
			// Fail before asking anything when the entity is not there.
			if _, err := schemaedit.AddField(src, opts.Entity, &schemaedit.Field{Name: "x", Type: "text"}); err != nil {
				return nil, err
			}
		}
		return wizard.Fields(p, opts.SchemaFile, src, opts.Entity, opts.NewEntity)
	}
	fields := make([]*schemaedit.Field, 0, len(opts.Fields))
	for _, spec := range opts.Fields {
		f, err := schemaedit.ParseField(spec)
		if err != nil {
			return nil, &UsageError{Err: err}
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// edit returns src with the entity or fields added.
func (opts *AddOptions) edit(src []byte, fields []*schemaedit.Field) ([]byte, error) {
	if opts.NewEntity {
		return schemaedit.AddEntity(src, &schemaedit.Entity{Name: opts.Entity, Fields: fields})
	}
	out := src
	for _, f := range fields {
		var err error
		if out, err = schemaedit.AddField(out, opts.Entity, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// regenerate regenerates the project the schema belongs to, if it belongs
// to one: a directory with a manifest next to the schema.
func (opts *AddOptions) regenerate(ctx context.Context) error {
	dir := filepath.Dir(opts.SchemaFile)
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(manifest.Path)))
	isProject := err == nil && filepath.Base(opts.SchemaFile) == SchemaFileName
	switch {
	case opts.NoGenerate && isProject:
		fmt.Fprintf(opts.IO.ErrOut, "Not regenerated (--no-generate); run scaffold generate%s to update the code.\n", dirFlag(dir))
		return nil
	case opts.NoGenerate:
		return nil
	case !isProject:
		fmt.Fprintf(opts.IO.ErrOut, "%s is not part of a generated project; create one with: scaffold new DIR --schema %s\n", opts.SchemaFile, shellQuote(opts.SchemaFile))
		return nil
	}
	return opts.Regenerate(ctx, dir)
}

// regenerate is AddOptions.Regenerate: scaffold generate --dir DIR, with
// generate's own options, output and errors.
func regenerate(f *Factory) func(ctx context.Context, dir string) error {
	return func(ctx context.Context, dir string) error {
		cmd := NewCmdGenerate(f, nil)
		cmd.SetArgs([]string{"--dir", dir})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		return cmd.ExecuteContext(ctx)
	}
}

func fieldNames(fields []*schemaedit.Field) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += ", "
		}
		s += f.Name
	}
	return s
}
