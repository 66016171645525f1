package cli

import (
	"errors"
	"fmt"
)

// Exit statuses of scaffold.
const (
	ExitOK        = 0   // success
	ExitError     = 1   // failure, invalid input, drift
	ExitUsage     = 2   // wrong use of the command line
	ExitCancelled = 130 // interrupted (128 + SIGINT)
)

// UsageError reports a wrong use of the command line: an unknown command or
// flag, a bad flag value, a wrong number of arguments. It exits with status 2
// and points the user at the command's help.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usageErrorf returns a UsageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// errSilent is returned by a command that has already told the user what
// went wrong; it exits with status 1 and prints nothing more.
var errSilent = errors.New("failure already reported")
