// Package config loads scaffold's preferences: the house defaults a team or
// a developer sets once instead of on every command.
//
// Preferences come from five layers; each overrides the one before:
//
//  1. built-in defaults (no preferences);
//  2. the project file, .scaffold.yaml in the working directory or its
//     nearest parent that has one (or the file given with --config);
//  3. the user file, config.yaml in the scaffold directory of the user
//     configuration directory (os.UserConfigDir: ~/.config/scaffold on
//     Linux);
//  4. SCAFFOLD_* environment variables (SCAFFOLD_DATABASE,
//     SCAFFOLD_MODULE_PREFIX, SCAFFOLD_LICENSE_HEADER, SCAFFOLD_TEMPLATE_DIR);
//  5. command-line flags named after the keys (--module-prefix, ...), when
//     the command has them.
//
// Mappings merge key by key across files (a user file may add one rule to
// the project's rules); any other value replaces the one below it. A
// schema's own settings always win over preferences, which are defaults.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/mod/module"

	"github.com/scaffold-dev/scaffold/internal/conventions"
	"github.com/scaffold-dev/scaffold/schema"
)

// FileName is the name of the project preferences file.
const FileName = ".scaffold.yaml"

// Keys of the preferences files.
const (
	KeyModulePrefix  = "module_prefix"
	KeyDatabase      = "database"
	KeyLicenseHeader = "license_header"
	KeyTemplateDir   = "template_dir"
	KeyRules         = "rules"
)

// keys lists every top-level key, for unknown-key errors.
var keys = []string{KeyModulePrefix, KeyDatabase, KeyLicenseHeader, KeyTemplateDir, KeyRules}

// Config is the resolved preferences.
type Config struct {
	// ModulePrefix, when set, makes a schema without a module key use
	// ModulePrefix/NAME as its module path.
	ModulePrefix string
	// Database is the database of schemas without a database key; "" to
	// keep scaffold's default.
	Database schema.Database
	// LicenseHeader is the license text put at the top of generated files,
	// uncommented; read from a file when the setting names one.
	LicenseHeader string
	// TemplateDir is a directory of template overrides, absolute or
	// relative to the working directory; "" for none.
	TemplateDir string
	// Rules are the house rules every schema must keep.
	Rules conventions.Rules
	// Files are the preference files that were read, lowest precedence
	// first, for messages.
	Files []string
}

// Options say where Load looks. The zero value is the real environment.
type Options struct {
	// Dir is where the lookup for .scaffold.yaml starts; "" is the working
	// directory.
	Dir string
	// File, when set, is the project preferences file to read instead of
	// looking for .scaffold.yaml (the --config flag). It must exist.
	File string
	// UserConfigDir returns the user configuration directory; nil means
	// os.UserConfigDir. An error from it means there is no user file.
	UserConfigDir func() (string, error)
	// Flags, when set, supply the top layer: a flag named after a key with
	// dashes (--module-prefix, --template-dir, ...) overrides it when the
	// user set it.
	Flags *pflag.FlagSet
}

// Load reads the preferences. The environment layer is read from the
// process environment.
func Load(opts Options) (*Config, error) {
	v := viper.New()
	cfg := &Config{}

	project, err := projectFile(opts)
	if err != nil {
		return nil, err
	}
	user := userFile(opts)
	for _, file := range []string{project, user} {
		if file == "" {
			continue
		}
		if err := mergeFile(v, file); err != nil {
			return nil, err
		}
		cfg.Files = append(cfg.Files, file)
	}

	v.SetEnvPrefix("SCAFFOLD")
	for _, k := range []string{KeyModulePrefix, KeyDatabase, KeyLicenseHeader, KeyTemplateDir} {
		if err := v.BindEnv(k); err != nil {
			return nil, err
		}
		if opts.Flags != nil {
			if f := opts.Flags.Lookup(strings.ReplaceAll(k, "_", "-")); f != nil {
				if err := v.BindPFlag(k, f); err != nil {
					return nil, err
				}
			}
		}
	}

	cfg.ModulePrefix = strings.TrimSuffix(v.GetString(KeyModulePrefix), "/")
	cfg.Database = schema.Database(v.GetString(KeyDatabase))
	cfg.TemplateDir = v.GetString(KeyTemplateDir)
	if cfg.LicenseHeader, err = licenseText(v.GetString(KeyLicenseHeader), ""); err != nil {
		return nil, err
	}
	if err := v.UnmarshalKey(KeyRules, &cfg.Rules, func(dc *mapstructure.DecoderConfig) {
		dc.ErrorUnused = true
	}); err != nil {
		return nil, fmt.Errorf("%s: %w; see docs/conventions.md for the rules scaffold knows", describe(cfg.Files, KeyRules), err)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// check validates the resolved values, naming where they may come from.
func (c *Config) check() error {
	if c.Database != "" && !slices.Contains(schema.Databases, c.Database) {
		return fmt.Errorf("%s: database %q is not one of sqlite, postgres, mysql", describe(c.Files, KeyDatabase), c.Database)
	}
	if c.ModulePrefix != "" {
		if err := module.CheckImportPath(c.ModulePrefix + "/x"); err != nil {
			return fmt.Errorf("%s: module_prefix %q cannot start a Go module path: %v", describe(c.Files, KeyModulePrefix), c.ModulePrefix, err)
		}
	}
	if c.TemplateDir != "" {
		fi, err := os.Stat(c.TemplateDir)
		if err != nil {
			return fmt.Errorf("%s: template_dir: %w", describe(c.Files, KeyTemplateDir), err)
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s: template_dir %s is not a directory", describe(c.Files, KeyTemplateDir), c.TemplateDir)
		}
	}
	if _, err := conventions.Compile(c.Rules); err != nil {
		return fmt.Errorf("%s: %w", describe(c.Files, KeyRules), err)
	}
	return nil
}

// Check checks the schema p, parsed from src, against the house rules. It
// returns nil or a schema.ErrorList; see conventions.Checker.Check.
func (c *Config) Check(p *schema.Project, src []byte) error {
	ck, err := conventions.Compile(c.Rules)
	if err != nil {
		return fmt.Errorf("%s: %w", describe(c.Files, KeyRules), err)
	}
	return ck.Check(p, src)
}

// describe names where a setting may come from, for error messages.
func describe(files []string, key string) string {
	where := append(slices.Clone(files), "SCAFFOLD_"+strings.ToUpper(key))
	if key == KeyRules {
		where = files
	}
	if len(where) == 0 {
		return "preferences"
	}
	return "preferences (" + strings.Join(where, ", ") + ")"
}

// projectFile returns the project preferences file, or "" when there is
// none.
func projectFile(opts Options) (string, error) {
	if opts.File != "" {
		if _, err := os.Stat(opts.File); err != nil {
			return "", fmt.Errorf("--config: %w", err)
		}
		return opts.File, nil
	}
	dir := opts.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		dir = wd
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		file := filepath.Join(dir, FileName)
		if fi, err := os.Stat(file); err == nil && !fi.IsDir() {
			return file, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// userFile returns the user preferences file, or "" when there is none.
func userFile(opts Options) string {
	userDir := opts.UserConfigDir
	if userDir == nil {
		userDir = os.UserConfigDir
	}
	dir, err := userDir()
	if err != nil || dir == "" {
		return ""
	}
	file := filepath.Join(dir, "scaffold", "config.yaml")
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		return ""
	}
	return file
}

// mergeFile reads one preferences file and merges it over v. Paths in it
// (template_dir, a license_header file) are relative to the file, so they
// are made absolute here, while the file's directory is known.
func mergeFile(v *viper.Viper, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	layer := viper.New()
	layer.SetConfigType("yaml")
	if err := layer.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	var unknown []string
	for _, k := range layer.AllKeys() {
		top, _, _ := strings.Cut(k, ".")
		if !slices.Contains(keys, top) && !slices.Contains(unknown, top) {
			unknown = append(unknown, top)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%s: unknown key %q (known: %s)", file, unknown[0], strings.Join(keys, ", "))
	}
	settings := layer.AllSettings()
	dir := filepath.Dir(file)
	if td, ok := settings[KeyTemplateDir].(string); ok && td != "" && !filepath.IsAbs(td) {
		settings[KeyTemplateDir] = filepath.Join(dir, td)
	}
	if lh, ok := settings[KeyLicenseHeader].(string); ok {
		text, err := licenseText(lh, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		settings[KeyLicenseHeader] = text
	}
	return v.MergeConfigMap(settings)
}

// licenseText returns the license header a setting stands for: the content
// of a file when the setting is one line with no spaces and a file of that
// name exists (relative to dir), else the setting itself as text.
func licenseText(setting, dir string) (string, error) {
	s := strings.TrimSpace(setting)
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return setting, nil
	}
	file := s
	if !filepath.IsAbs(file) && dir != "" {
		file = filepath.Join(dir, file)
	}
	data, err := os.ReadFile(file)
	switch {
	case err == nil:
		return string(data), nil
	case errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(s, `/\`):
		return setting, nil // one word, not a file: text
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("license_header: file %s does not exist; give the header text or the path of a file that holds it", file)
	}
	return "", fmt.Errorf("license_header: %w", err)
}
