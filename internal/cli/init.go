package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/AlecAivazis/survey/v2/terminal"
	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/prompt"
	"github.com/scaffold-dev/scaffold/internal/wizard"
)

// InitOptions are the inputs of scaffold init.
type InitOptions struct {
	IO *iostreams.IOStreams

	File  string // where to write the schema
	Force bool   // overwrite File if it exists

	// Prompter asks the questions; nil means the terminal of IO.
	Prompter prompt.Prompter
}

// NewCmdInit builds scaffold init. runF, when not nil, replaces the run
// function (for tests).
func NewCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a schema file by answering questions",
		Long: `Build a schema file by answering questions: the project's name, Go module,
database, user accounts and roles, then each entity with its fields,
relations and permissions. Every answer is checked with the rules of
"scaffold validate", so the file written is always valid.

FILE defaults to scaffold.yaml; it must not exist unless --force is given.
Press Ctrl-C at any question to stop; nothing is written.

init needs a terminal. In scripts, write the schema yourself (see
docs/schema.md) and run "scaffold new DIR --schema FILE".`,
		Example: `  # Answer questions, then create the project.
  scaffold init
  scaffold new shop --schema scaffold.yaml

  # Or in one step: new asks the same questions when --schema is not given.
  scaffold new shop`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("%s takes at most one argument, the schema FILE to write (got %d)", cmd.CommandPath(), len(args))
			}
			return nil
		},
		ValidArgsFunction: schemaFileCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = SchemaFileName
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runInit(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite FILE if it exists")
	return cmd
}

func runInit(opts *InitOptions) error {
	if !opts.Force {
		if _, err := os.Stat(opts.File); err == nil {
			return fmt.Errorf("%s already exists; choose another FILE, or run again with --force to replace it", opts.File)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	p, err := opts.prompter()
	if err != nil {
		return err
	}
	res, err := wizard.Run(p, wizard.Options{File: opts.File, Name: projectNameFor(opts.File), Out: opts.IO.ErrOut})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(opts.File, res.Source, 0o644); err != nil {
		return err
	}
	dir := res.Project.Name
	fmt.Fprintf(opts.IO.Out, "Wrote %s. To create the project from it:\n  scaffold new %s --schema %s\n", opts.File, shellQuote(dir), shellQuote(opts.File))
	return nil
}

// prompter returns the Prompter of the session: the one set, or survey on
// the terminal of opts.IO. Without a terminal it says what to do instead.
func (opts *InitOptions) prompter() (prompt.Prompter, error) {
	if opts.Prompter != nil {
		return opts.Prompter, nil
	}
	return terminalPrompter(opts.IO, "scaffold init asks questions and needs a terminal; "+
		"in a script, write the schema file yourself (see docs/schema.md) and run scaffold new DIR --schema FILE")
}

// terminalPrompter returns survey on the terminal of ios, or an error
// saying why prompting is impossible (why: what to do instead).
func terminalPrompter(ios *iostreams.IOStreams, why string) (prompt.Prompter, error) {
	in, inOK := ios.In.(terminal.FileReader)
	out, outOK := ios.ErrOut.(terminal.FileWriter)
	if !ios.IsStdinTTY() || !inOK || !outOK {
		return nil, errors.New(why)
	}
	// Prompts go to standard error, keeping standard output for results.
	return prompt.NewSurvey(in, out, ios.ErrOut), nil
}

// projectNameFor guesses a project name from where the schema goes: the
// name of its directory.
func projectNameFor(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	return filepath.Base(filepath.Dir(abs))
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, renamed over path: readers see the old file or the new one,
// never a half-written one.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// runNewInteractive is scaffold new without --schema at a terminal: it
// builds the schema by asking questions, generates the project from it as
// --schema would, and prints the equivalent command. Nothing is written
// until the user confirms the summary. runF, when not nil, replaces the
// generation (for tests).
func runNewInteractive(ctx context.Context, opts *NewOptions, runF func(*NewOptions) error) error {
	// Refuse a directory in use before asking anything, not after.
	if err := checkTarget(opts.Dir, opts.Force); err != nil {
		return err
	}
	p, err := terminalPrompter(opts.IO, "scaffold new needs --schema FILE when stdin is not a terminal")
	if err != nil {
		return &UsageError{Err: err}
	}
	res, err := wizard.Run(p, wizard.Options{
		File:     SchemaFileName,
		Name:     filepath.Base(filepath.Clean(opts.Dir)),
		Module:   opts.Module,
		Database: string(opts.Database),
		Out:      opts.IO.ErrOut,
	})
	if err != nil {
		return err
	}
	// Generation reads the schema from a file, which then becomes
	// DIR/scaffold.yaml; a temporary one outside DIR keeps DIR empty for it.
	tmp, err := os.CreateTemp("", "scaffold-*.yaml")
	if err != nil {
		return fmt.Errorf("write schema: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(res.Source)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		return fmt.Errorf("write schema: %w", err)
	}
	opts.SchemaFile = tmp.Name()
	if runF != nil {
		err = runF(opts)
	} else {
		err = runNew(ctx, opts)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\nThe same, without questions (the schema is in %s):\n  scaffold new %s --schema %s --force\n",
		filepath.Join(opts.Dir, SchemaFileName), shellQuote(opts.Dir), shellQuote(filepath.Join(opts.Dir, SchemaFileName)))
	return nil
}
