// Package iostreams gives commands their standard streams and tells them
// whether a person is at the keyboard, so that tests can swap in buffers and
// prompts appear only when stdin is a terminal.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams of one command invocation.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer // results: what a script would capture
	ErrOut io.Writer // errors, warnings and progress

	stdinTTY bool
}

// System returns the process's standard streams.
func System() *IOStreams {
	return &IOStreams{
		In:       os.Stdin,
		Out:      os.Stdout,
		ErrOut:   os.Stderr,
		stdinTTY: isTerminal(os.Stdin),
	}
}

// Test returns streams backed by buffers, with stdin not a terminal, and the
// buffers for input, output and error output.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether stdin is an interactive terminal, the one case
// in which a command may prompt.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetStdinTTY overrides terminal detection, for tests.
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// isTerminal reports whether f is a terminal. A character device is not
// enough: /dev/null is one too.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
