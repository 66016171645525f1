package generator

import (
	"fmt"
	"strconv"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/scaffold-dev/scaffold/internal/naming"
)

// funcMap is the template function map: sprig's hermetic functions (no
// environment, no randomness, no clock, so output stays deterministic) plus
// our naming helpers and fail for states the view model should make impossible.
func funcMap() template.FuncMap {
	m := sprig.HermeticTxtFuncMap()
	m["pascal"] = naming.Pascal
	m["camel"] = naming.Camel
	m["snake"] = naming.Snake
	m["kebab"] = naming.Kebab
	m["plural"] = naming.Plural
	m["goString"] = strconv.Quote
	m["fail"] = func(format string, args ...any) (string, error) {
		return "", fmt.Errorf(format, args...)
	}
	return m
}
