// Package prompt asks the user questions at a terminal.
//
// Commands depend only on the Prompter interface. The implementation behind
// it, survey/v2, is no longer maintained upstream, so it lives in one file
// (survey.go) and can be replaced without touching any caller. Tests use
// prompttest.Fake.
package prompt

import (
	"context"
	"fmt"
)

// ErrInterrupted is returned when the user presses Ctrl-C at a prompt. It
// wraps context.Canceled, so the command line maps it to exit status 130
// like any other cancellation.
var ErrInterrupted = fmt.Errorf("interrupted at a prompt: %w", context.Canceled)

// Validator checks an answer before it is accepted. A non-nil error is shown
// to the user, who is asked again.
type Validator func(answer string) error

// Prompter asks questions. Every method returns ErrInterrupted when the user
// gives up with Ctrl-C.
type Prompter interface {
	// Input asks for a line of text. def is the answer taken when the user
	// just presses Enter; validate, if not nil, must accept the answer.
	Input(message, def string, validate Validator) (string, error)
	// Select asks for one of options; def (one of options, or "") is
	// preselected.
	Select(message string, options []string, def string) (string, error)
	// MultiSelect asks for any number of options; defs are preselected.
	// validate, if not nil, checks the choice, given joined with ", ".
	MultiSelect(message string, options, defs []string, validate Validator) ([]string, error)
	// Confirm asks a yes/no question.
	Confirm(message string, def bool) (bool, error)
}
