// Package cli is the scaffold command line: the Cobra command tree, the
// mapping of errors to exit statuses, and one file per command.
//
// Each command follows the same shape: an Options struct filled from flags
// and arguments, a NewCmdX(f, runF) constructor (tests pass runF to inspect
// the parsed options without running anything), and a run function that
// does the work and returns an error instead of exiting.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/scaffold-dev/scaffold/internal/buildinfo"
	"github.com/scaffold-dev/scaffold/internal/cli/iostreams"
)

// Main runs scaffold with the process's arguments and streams and returns
// the exit status. An interrupt (Ctrl-C) cancels the running command, which
// then exits with status 130; a second interrupt kills the process.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore the default handler: a second Ctrl-C ends the process
	}()
	f := &Factory{IOStreams: iostreams.System(), BuildInfo: buildinfo.Get()}
	return Run(ctx, f, os.Args[1:])
}

// Run executes the command line args and returns the exit status. Errors are
// printed to f.IOStreams.ErrOut.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return exitStatus(ctx, f, cmd, err)
}

// exitStatus reports err to the user and maps it to an exit status.
func exitStatus(ctx context.Context, f *Factory, cmd *cobra.Command, err error) int {
	stderr := f.IOStreams.ErrOut
	var usage *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		fmt.Fprintln(stderr, "Cancelled.")
		return ExitCancelled
	case errors.Is(err, errSilent):
		return ExitError
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, err)
		if cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return ExitUsage
	default:
		fmt.Fprintln(stderr, err)
		return ExitError
	}
}
