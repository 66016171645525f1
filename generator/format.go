package generator

import (
	"fmt"
	"go/format"
	"go/scanner"
)

// formatGo gofmt's one generated Go file: one parse and one print, the cost
// that dominates generation. Templates write their imports already grouped
// (standard library first, then modules), which gofmt keeps; the golden tests
// check every output file against golang.org/x/tools/imports with FormatOnly,
// so grouping mistakes fail there instead of costing a second parse and print
// of every file on every run. Imports are never added or removed: a missing
// import is a generator bug and must fail loudly.
//
// A syntax error is reported with the output path, line and offending line,
// so the template at fault is easy to find.
func formatGo(out string, src []byte) ([]byte, error) {
	formatted, err := format.Source(src)
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
