package generator

import (
	"fmt"
	"go/scanner"

	"golang.org/x/tools/imports"
)

// formatOptions run gofmt and group imports, but never add or remove an
// import: a missing import is a generator bug and must fail loudly here.
var formatOptions = &imports.Options{
	FormatOnly: true,
	Comments:   true,
	TabIndent:  true,
	TabWidth:   8,
}

// formatGo formats one generated Go file. A syntax error is reported with the
// output path and line, and the offending line, so the template is easy to find.
func formatGo(out string, src []byte) ([]byte, error) {
	formatted, err := imports.Process(out, src, formatOptions)
	if err == nil {
		return formatted, nil
	}
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		first := list[0]
		return nil, fmt.Errorf("%s:%d:%d: generated Go does not parse: %s\n\t%s",
			out, first.Pos.Line, first.Pos.Column, first.Msg, lineOf(src, first.Pos.Line))
	}
	return nil, fmt.Errorf("%s: formatting generated Go: %w", out, err)
}

// lineOf returns line n (1-based) of src, for error messages.
func lineOf(src []byte, n int) string {
	line := 1
	start := 0
	for i, c := range src {
		if c != '\n' {
			continue
		}
		if line == n {
			return string(src[start:i])
		}
		line++
		start = i + 1
	}
	if line == n {
		return string(src[start:])
	}
	return ""
}
