package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/internal/buildinfo"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
)

// VersionOptions are the inputs of scaffold version.
type VersionOptions struct {
	IO        *iostreams.IOStreams
	BuildInfo buildinfo.Info
}

// NewCmdVersion builds scaffold version. runF, when not nil, replaces the
// run function (for tests).
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IOStreams, BuildInfo: f.BuildInfo}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of scaffold",
		Long: `Print the version of scaffold, the commit and date it was built from, and
the Go toolchain that built it. Include this output in bug reports.`,
		Example: `  scaffold version`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runVersion(opts)
		},
	}
}

func runVersion(opts *VersionOptions) error {
	info := opts.BuildInfo
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 1, ' ', 0)
	fmt.Fprintf(tw, "scaffold version %s\n", info.Version)
	fmt.Fprintf(tw, "commit:\t%s\n", orUnknown(info.Commit))
	fmt.Fprintf(tw, "built:\t%s\n", orUnknown(info.Date))
	fmt.Fprintf(tw, "go:\t%s %s\n", info.GoVersion, info.Platform)
	return tw.Flush()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
