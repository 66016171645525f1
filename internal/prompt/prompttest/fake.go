// Package prompttest provides a scripted prompt.Prompter for tests.
package prompttest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scaffold-dev/scaffold/internal/prompt"
)

// Interrupt, given as an answer, makes the question return
// prompt.ErrInterrupted, as Ctrl-C does at a terminal.
const Interrupt = "\x03"

// Default, given as an answer, takes the question's default, as pressing
// Enter does at a terminal.
const Default = "\n"

// Fake answers questions from a script, in order. It fails the question (and
// so the test) when the script runs out or an answer is not one of the
// options offered. Validation errors are recorded and the next answer is
// taken, as a terminal asks again.
type Fake struct {
	mu      sync.Mutex
	answers []string
	// Asked records every question asked, with its options when it had
	// some: "Message [a|b|c]".
	Asked []string
	// Rejected records every validation error shown to the user.
	Rejected []string
}

// New returns a Fake that gives answers in order. MultiSelect answers are
// options joined with ","; Confirm answers are "y" or "n".
func New(answers ...string) *Fake { return &Fake{answers: answers} }

// Remaining returns the answers not used yet.
func (f *Fake) Remaining() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.answers)
}

func (f *Fake) next(question string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Asked = append(f.Asked, question)
	if len(f.answers) == 0 {
		return "", fmt.Errorf("prompttest: no answer left for %q", question)
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	if a == Interrupt {
		return "", prompt.ErrInterrupted
	}
	return a, nil
}

func (f *Fake) reject(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Rejected = append(f.Rejected, err.Error())
}

// Input implements prompt.Prompter.
func (f *Fake) Input(message, def string, validate prompt.Validator) (string, error) {
	for {
		a, err := f.next(message)
		if err != nil {
			return "", err
		}
		if a == Default {
			a = def
		}
		if validate != nil {
			if err := validate(a); err != nil {
				f.reject(err)
				continue
			}
		}
		return a, nil
	}
}

// Select implements prompt.Prompter.
func (f *Fake) Select(message string, options []string, def string) (string, error) {
	a, err := f.next(message + " [" + strings.Join(options, "|") + "]")
	if err != nil {
		return "", err
	}
	if a == Default {
		a = def
		if a == "" && len(options) > 0 {
			a = options[0]
		}
	}
	if !slices.Contains(options, a) {
		return "", fmt.Errorf("prompttest: %q is not one of the options of %q: %s", a, message, strings.Join(options, ", "))
	}
	return a, nil
}

// MultiSelect implements prompt.Prompter.
func (f *Fake) MultiSelect(message string, options, defs []string, validate prompt.Validator) ([]string, error) {
	for {
		a, err := f.next(message + " [" + strings.Join(options, "|") + "]")
		if err != nil {
			return nil, err
		}
		chosen := slices.Clone(defs)
		if a != Default {
			chosen = nil
			for _, c := range strings.Split(a, ",") {
				if c = strings.TrimSpace(c); c == "" {
					continue
				}
				if !slices.Contains(options, c) {
					return nil, fmt.Errorf("prompttest: %q is not one of the options of %q: %s", c, message, strings.Join(options, ", "))
				}
				chosen = append(chosen, c)
			}
		}
		if validate != nil {
			if err := validate(strings.Join(chosen, ", ")); err != nil {
				f.reject(err)
				continue
			}
		}
		return chosen, nil
	}
}

// Confirm implements prompt.Prompter.
func (f *Fake) Confirm(message string, def bool) (bool, error) {
	a, err := f.next(message)
	if err != nil {
		return false, err
	}
	if a == Default {
		return def, nil
	}
	switch strings.ToLower(a) {
	case "y", "yes":
		return true, nil
	case "n", "no":
		return false, nil
	}
	b, err := strconv.ParseBool(a)
	if err != nil {
		return false, fmt.Errorf("prompttest: %q is not a yes/no answer to %q", a, message)
	}
	return b, nil
}

var _ prompt.Prompter = (*Fake)(nil)
