package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
	"github.com/scaffold-dev/scaffold/templates"
)

// NewCmdTemplates builds scaffold templates, the starting point for
// template overrides.
func NewCmdTemplates(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "List or export the built-in templates, to override them",
		Long: `Teams override scaffold's templates by setting template_dir in
.scaffold.yaml: a file in that directory shadows the built-in template at the
same path, and a new path adds a file to every generated project. See
docs/conventions.md.`,
		Example: `  scaffold templates list
  scaffold templates export conventions/templates`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newCmdTemplatesList(f.IOStreams), newCmdTemplatesExport(f.IOStreams))
	return cmd
}

func newCmdTemplatesList(io *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List every built-in template with the file it renders",
		Long: `List every built-in template: its path (the path an override must have),
the file it renders in a project ("[entity]" stands for each entity's
snake_case name) and who owns that file: "generated" files are rewritten on
every run, "once" files are written when absent and then belong to you.
Partials hold only {{define}} blocks that other templates call.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			list, err := generator.Templates()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "TEMPLATE\tOUTPUT\tOWNERSHIP")
			for _, t := range list {
				if t.Output == "" {
					fmt.Fprintf(tw, "%s\t-\tpartial\n", t.Path)
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Path, t.Output, t.Ownership)
			}
			return tw.Flush()
		},
	}
}

func newCmdTemplatesExport(io *iostreams.IOStreams) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "export DIR",
		Short: "Write the built-in templates to DIR as a starting point",
		Long: `Write every built-in template to DIR, in the layout template_dir expects.

Keep only the files you change: a template left in DIR shadows the built-in
one and no longer follows scaffold's updates. Existing files are not
overwritten unless --force is given.`,
		Example: `  scaffold templates export conventions/templates
  echo 'template_dir: conventions/templates' >> .scaffold.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("%s takes exactly one argument, the directory DIR (got %d)", cmd.CommandPath(), len(args))
			}
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
		RunE: func(_ *cobra.Command, args []string) error {
			n, err := exportTemplates(templates.FS, args[0], force)
			if err != nil {
				return err
			}
			fmt.Fprintf(io.Out, "Exported %d templates to %s.\n", n, args[0])
			fmt.Fprintf(io.ErrOut, "Set template_dir: %s in %s, then delete the templates you do not change.\n", args[0], ".scaffold.yaml")
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite templates that already exist in DIR")
	return cmd
}

// exportTemplates copies every *.tmpl file of fsys under dir and returns how
// many it wrote. It checks every destination before writing any, so a
// refusal leaves dir untouched.
func exportTemplates(fsys fs.FS, dir string, force bool) (int, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(name) != ".tmpl" {
			return err
		}
		names = append(names, name)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if !force {
		var existing []string
		for _, name := range names {
			dst := filepath.Join(dir, filepath.FromSlash(name))
			if _, err := os.Stat(dst); err == nil {
				existing = append(existing, dst)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return 0, err
			}
		}
		if len(existing) > 0 {
			return 0, fmt.Errorf("%d of the templates already exist in %s, such as %s; run again with --force to overwrite them, or choose another DIR",
				len(existing), dir, existing[0])
		}
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return 0, err
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}
