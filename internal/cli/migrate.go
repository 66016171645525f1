package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/schema"
)

// MigrateDiffOptions are the inputs of scaffold migrate diff.
type MigrateDiffOptions struct {
	IO         *iostreams.IOStreams
	Dir        string // project root, holding scaffold.yaml and .scaffold/
	AllowLossy bool   // accept changes that lose data
}

// NewCmdMigrate builds scaffold migrate and its subcommands.
func NewCmdMigrate(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Work with the migrations derived from schema changes",
		Long: `scaffold generate writes a migration (migrations/NNNNN_<summary>.sql, up
and down) whenever scaffold.yaml changed since the last generation, derived
from the difference between the schema recorded then (.scaffold/schema.yaml)
and the current one. The migrate commands inspect that without writing.`,
		Example: `  # What would the next scaffold generate write?
  scaffold migrate diff

  # The same, accepting changes that lose data
  scaffold migrate diff --allow-lossy`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdMigrateDiff(f, nil))
	return cmd
}

// NewCmdMigrateDiff builds scaffold migrate diff. runF, when not nil,
// replaces the run function (for tests).
func NewCmdMigrateDiff(f *Factory, runF func(*MigrateDiffOptions) error) *cobra.Command {
	opts := &MigrateDiffOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "diff [--dir DIR]",
		Short: "Print the migration the next scaffold generate would write",
		Long: `Print the migration that takes the database from the schema of the last
generation to the current scaffold.yaml, without writing anything. The SQL
goes to standard output, the file it would be written to and the list of
changes to standard error. With no change, it says so and exits with 0.

Changes that lose data (a narrower type, a removed enum value) are refused
and explained; --allow-lossy accepts them. Tables and columns are renamed,
keeping their rows, only when the schema says so with renamed_from: on the
entity or field; otherwise a new name is a drop and a create.`,
		Example: `  # After editing scaffold.yaml: review the migration, then write it.
  scaffold migrate diff
  scaffold generate`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return usageErrorf("%s takes no arguments; use --dir DIR for another project", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runMigrateDiff(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Dir, "dir", "C", ".", "project `DIR`")
	fl.BoolVar(&opts.AllowLossy, "allow-lossy", false, "accept changes that lose data")
	_ = cmd.RegisterFlagCompletionFunc("dir", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return cmd
}

func runMigrateDiff(opts *MigrateDiffOptions) error {
	schemaPath := filepath.Join(opts.Dir, SchemaFileName)
	src, err := os.ReadFile(schemaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s not found: run scaffold migrate diff in a project created by scaffold new, or point --dir at one", schemaPath)
	}
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	next, err := schema.Parse(schemaPath, src)
	if err != nil {
		return err
	}
	prev, err := readSnapshot(opts.Dir)
	if err != nil {
		return err
	}
	if prev == nil {
		return fmt.Errorf("%s not found: scaffold generate records the schema there, and the next migration starts from it; "+
			"run scaffold generate once to record the current schema", filepath.Join(opts.Dir, filepath.FromSlash(generator.SnapshotPath)))
	}
	existing, err := migrationNames(opts.Dir, nil)
	if err != nil {
		return err
	}
	m, err := generator.NextMigration(prev, next, existing, generator.MigrationOptions{AllowLossy: opts.AllowLossy})
	if err != nil {
		return err
	}
	if m == nil {
		fmt.Fprintln(opts.IO.Out, "no changes: the database of scaffold.yaml is the one of the last generation")
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "scaffold generate would write %s (not written now):\n", m.File.Path)
	for _, c := range m.Changes {
		fmt.Fprintf(opts.IO.ErrOut, "  - %s\n", c)
	}
	_, err = opts.IO.Out.Write(m.File.Content)
	return err
}

// readSnapshot loads the schema of the last generation, or returns nil
// when the project has none yet.
func readSnapshot(dir string) (*schema.Project, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(generator.SnapshotPath)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read schema snapshot: %w", err)
	}
	return generator.LoadSnapshot(data)
}

// migrationNames lists the migration files of the project: those on disk
// and those of the generation in progress.
func migrationNames(dir string, set *generator.FileSet) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "migrations"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if set != nil {
		for _, f := range set.Files {
			if dir, name := path.Split(f.Path); dir == "migrations/" && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// MigrationFiles contributes to scaffold generate the migration that the
// schema change since the last generation needs, if any. A project without
// snapshot (generated before snapshots existed) gets none: the current
// schema becomes the starting point of the next one. *allowLossy is read
// when the generation runs, after the flags are parsed.
func MigrationFiles(allowLossy *bool) ExtraFilesFunc {
	return func(_ context.Context, g *Generation) ([]*generator.File, error) {
		prev, err := readSnapshot(g.Dir)
		if err != nil || prev == nil {
			return nil, err
		}
		existing, err := migrationNames(g.Dir, g.Files)
		if err != nil {
			return nil, err
		}
		m, err := generator.NextMigration(prev, g.Project, existing, generator.MigrationOptions{AllowLossy: *allowLossy})
		if err != nil || m == nil {
			return nil, err
		}
		return []*generator.File{m.File}, nil
	}
}
