package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// NewCmdRoot builds the scaffold command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "scaffold",
		Short: "Turn a schema file into a ready-to-run Go backend",
		Long: `scaffold turns a schema file (entities, fields, relations, auth) into a
ready-to-run Go backend: an HTTP API, SQL migrations, an OpenAPI document and
tests, for SQLite, PostgreSQL or MySQL.

Generated files carry a "Code generated" header and are rewritten on every
run; files you are meant to edit are written once and then left alone.`,
		Example: `  # Check a schema, then create a project from it.
  scaffold validate shop.yaml
  scaffold new shop --schema shop.yaml
  cd shop && go run ./cmd/server`,
		Version: f.BuildInfo.Version,
		// Unknown commands are usage errors (exit 2). Cobra would report
		// them as plain errors, so the root accepts any argument and says so
		// itself.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return unknownCommand(cmd, args[0])
		},
		SuggestionsMinimumDistance: 2,
		SilenceErrors:              true, // exitStatus prints errors, once, in one format
		SilenceUsage:               true, // a failing command does not dump its help
	}
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetVersionTemplate("scaffold version {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &UsageError{Err: err}
	})

	root.AddCommand(
		NewCmdInit(f, nil),
		NewCmdNew(f, nil),
		NewCmdAdd(f, nil),
		NewCmdGenerate(f, nil),
		NewCmdValidate(f, nil),
		NewCmdVersion(f, nil),
		NewCmdTemplates(f),
		NewCmdSchema(f),
		NewCmdMigrate(f),
	)
	addConfigFlag(root)
	return root
}

// unknownCommand is the usage error for a command name that does not exist,
// with Cobra's suggestions of close names.
func unknownCommand(root *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, root.CommandPath())
	if s := root.SuggestionsFor(name); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return usageErrorf("%s", msg)
}
