package cli

import (
	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/schema"
)

// NewCmdSchema builds scaffold schema, the group of commands about the
// schema format itself.
func NewCmdSchema(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Describe the schema file format",
		Long: `Describe the format of scaffold.yaml for other tools. The JSON Schema lets
editors complete and check schema files as you type; docs/schema.md is the
reference for people.`,
		Example: `  scaffold schema json-schema > scaffold.schema.json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newCmdSchemaJSONSchema(f.IOStreams))
	return cmd
}

func newCmdSchemaJSONSchema(io *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "json-schema",
		Short: "Print the JSON Schema of the schema file, for editors",
		Long: `Print the JSON Schema (draft 2020-12) of the schema file on standard output.

Editors use it to complete keys, show documentation and flag mistakes as you
type. With the YAML language server (VS Code's YAML extension, Neovim, Helix,
...), save it and point your schema file at it with a first line such as:

  # yaml-language-server: $schema=./scaffold.schema.json

The JSON Schema checks shapes, keys and values; rules that need the whole
file (relation targets, index columns, permissions and roles) are checked by
scaffold validate.`,
		Example: `  scaffold schema json-schema > scaffold.schema.json`,
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.Out.Write(schema.JSONSchema())
			return err
		},
	}
}
