package prompt

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// Survey is the Prompter of a real terminal, built on survey/v2. This file
// is the only one that imports survey.
type Survey struct {
	stdio survey.AskOpt
}

// NewSurvey returns a Prompter reading keys from in and drawing prompts on
// out; err receives survey's own error output. in and out must be the
// terminal (survey puts it in raw mode and moves the cursor).
func NewSurvey(in terminal.FileReader, out terminal.FileWriter, err io.Writer) *Survey {
	return &Survey{stdio: survey.WithStdio(in, out, err)}
}

// Input implements Prompter.
func (s *Survey) Input(message, def string, validate Validator) (string, error) {
	var answer string
	q := &survey.Input{Message: message, Default: def}
	err := survey.AskOne(q, &answer, s.stdio, withValidator(validate))
	return strings.TrimSpace(answer), mapErr(err)
}

// Select implements Prompter.
func (s *Survey) Select(message string, options []string, def string) (string, error) {
	var answer string
	q := &survey.Select{Message: message, Options: options}
	if def != "" {
		q.Default = def
	}
	err := survey.AskOne(q, &answer, s.stdio, survey.WithPageSize(12))
	return answer, mapErr(err)
}

// MultiSelect implements Prompter.
func (s *Survey) MultiSelect(message string, options, defs []string, validate Validator) ([]string, error) {
	var answer []string
	q := &survey.MultiSelect{Message: message, Options: options}
	if len(defs) > 0 {
		q.Default = defs
	}
	opts := []survey.AskOpt{s.stdio, survey.WithPageSize(12)}
	if validate != nil {
		opts = append(opts, survey.WithValidator(func(ans any) error {
			var chosen []string
			if opts, ok := ans.([]survey.OptionAnswer); ok {
				for _, o := range opts {
					chosen = append(chosen, o.Value)
				}
			}
			return validate(strings.Join(chosen, ", "))
		}))
	}
	err := survey.AskOne(q, &answer, opts...)
	return answer, mapErr(err)
}

// Confirm implements Prompter.
func (s *Survey) Confirm(message string, def bool) (bool, error) {
	var answer bool
	err := survey.AskOne(&survey.Confirm{Message: message, Default: def}, &answer, s.stdio)
	return answer, mapErr(err)
}

// withValidator adapts a Validator to survey, trimming the answer as Input
// does so that what is checked is what is returned.
func withValidator(validate Validator) survey.AskOpt {
	if validate == nil {
		return func(*survey.AskOptions) error { return nil }
	}
	return survey.WithValidator(func(ans any) error {
		s, ok := ans.(string)
		if !ok {
			return fmt.Errorf("expected text, got %T", ans)
		}
		return validate(strings.TrimSpace(s))
	})
}

// mapErr turns survey's interrupt into ErrInterrupted.
func mapErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) {
		return ErrInterrupted
	}
	return err
}
