package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/internal/config"
	"github.com/scaffold-dev/scaffold/schema"
)

// ValidateOptions are the inputs of scaffold validate.
type ValidateOptions struct {
	IO    *iostreams.IOStreams
	Files []string
	// Preferences hold the house rules every file must also keep; nil for
	// none.
	Preferences *config.Config
}

// NewCmdValidate builds scaffold validate. runF, when not nil, replaces the
// run function (for tests).
func NewCmdValidate(f *Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check schema files without generating anything",
		Long: `Check one or more schema files and report every problem found, one per
line as FILE:LINE:COL: message on standard error. Valid files are listed on
standard output as "FILE: ok".

The exit status is 0 when every file is valid and 1 otherwise, which makes
validate suitable for CI and pre-commit hooks.`,
		Example: `  scaffold validate scaffold.yaml
  scaffold validate schemas/*.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("%s needs at least one schema FILE", cmd.CommandPath())
			}
			return nil
		},
		ValidArgsFunction: schemaFileCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			prefs, err := loadPreferences(cmd, "")
			if err != nil {
				return err
			}
			opts.Preferences = prefs
			if runF != nil {
				return runF(opts)
			}
			return runValidate(opts)
		},
	}
	return cmd
}

func runValidate(opts *ValidateOptions) error {
	invalid := 0
	for _, file := range opts.Files {
		if err := validateFile(file, opts.Preferences); err != nil {
			fmt.Fprintln(opts.IO.ErrOut, err)
			invalid++
			continue
		}
		fmt.Fprintf(opts.IO.Out, "%s: ok\n", file)
	}
	if invalid > 0 {
		return errSilent
	}
	return nil
}

// validateFile checks one schema file, then the house rules when the file
// is valid.
func validateFile(file string, prefs *config.Config) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	p, err := schema.Parse(file, src)
	if err != nil || prefs == nil {
		return err
	}
	return prefs.Check(p, src)
}

// schemaFileCompletion completes schema file arguments with YAML files.
func schemaFileCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}
