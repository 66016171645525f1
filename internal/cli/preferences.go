package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/generator"
	"github.com/scaffold-dev/scaffold/internal/config"
)

// configFlag is the persistent flag that names the project preferences file.
const configFlag = "config"

// addConfigFlag registers --config on the root command, for every command.
func addConfigFlag(root *cobra.Command) {
	root.PersistentFlags().String(configFlag, "", "preferences `FILE` to use instead of the nearest "+config.FileName)
}

// loadPreferences reads the preferences for cmd: the --config file or the
// .scaffold.yaml nearest to dir (the working directory when dir is empty;
// the project directory for a command that works on one), the user file,
// SCAFFOLD_* and cmd's flags.
func loadPreferences(cmd *cobra.Command, dir string) (*config.Config, error) {
	file, _ := cmd.Flags().GetString(configFlag)
	return config.Load(config.Options{Dir: dir, File: file, Flags: cmd.Flags()})
}

// generatorOptions turns preferences into generator options: template
// overrides and the license header.
func generatorOptions(prefs *config.Config) []generator.Option {
	if prefs == nil {
		return nil
	}
	var opts []generator.Option
	if prefs.TemplateDir != "" {
		opts = append(opts, generator.WithOverlay(os.DirFS(prefs.TemplateDir), displayPath(prefs.TemplateDir)))
	}
	if prefs.LicenseHeader != "" {
		opts = append(opts, generator.WithLicenseHeader(prefs.LicenseHeader))
	}
	return opts
}

// displayPath shortens an absolute path to one relative to the working
// directory when that is shorter, for messages that can be clicked.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && len(rel) < len(p) {
		return filepath.ToSlash(rel)
	}
	return p
}
