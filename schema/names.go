package schema

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/scaffold-dev/scaffold/internal/naming"
)

// maxIdent is the longest identifier every supported database accepts
// (PostgreSQL truncates beyond 63 bytes, MySQL refuses beyond 64).
const maxIdent = 63

var (
	projectNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	entityNameRE  = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	snakeRE       = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
)

// systemColumns are managed by the generated code and cannot be fields.
var systemColumns = []string{"id", "created_at", "updated_at", "deleted_at", "owner_id"}

func isSystemColumn(name string) bool {
	for _, c := range systemColumns {
		if c == name {
			return true
		}
	}
	return false
}

// checkSnake reports a name that is not a snake_case identifier.
func (r *resolver) checkSnake(ctx, what string, s scalar) bool {
	switch {
	case s.Value == "":
		r.add(s.Pos, "%s%s must not be empty", prefix(ctx), what)
	case !snakeRE.MatchString(s.Value):
		hint := ""
		if snake := naming.Snake(s.Value); snakeRE.MatchString(snake) {
			hint = " such as " + quote(snake)
		}
		r.add(s.Pos, "%s%s %q must be a snake_case identifier%s (lower-case letters, digits and single underscores, starting with a letter)", prefix(ctx), what, s.Value, hint)
	case len(s.Value) > maxIdent:
		r.add(s.Pos, "%s%s %q is longer than %d characters, the limit of the databases", prefix(ctx), what, s.Value, maxIdent)
	default:
		return true
	}
	return false
}

// checkEntityName reports an entity name that is not PascalCase and singular.
// An explicit plural vouches for the name being singular: the plural rules
// take "Gas" for the plural of "Ga".
func (r *resolver) checkEntityName(s scalar, explicitPlural bool) bool {
	switch {
	case s.Value == "":
		r.add(s.Pos, "entity name must not be empty")
	case !entityNameRE.MatchString(s.Value):
		hint := ""
		if p := naming.Pascal(s.Value); entityNameRE.MatchString(p) {
			hint = " such as " + quote(p)
		}
		r.add(s.Pos, "entity %q: name must be PascalCase%s (letters and digits, starting with an upper-case letter)", s.Value, hint)
	case len(naming.Plural(s.Value)) > maxIdent:
		r.add(s.Pos, "entity %q: name is too long for a table name (limit %d characters)", s.Value, maxIdent)
	case !explicitPlural && isPluralName(s.Value):
		single := naming.Pascal(naming.Singular(naming.Snake(s.Value)))
		r.add(s.Pos, "entity %q: name must be singular, such as %q (if %q is singular, set plural: explicitly)", s.Value, single, s.Value)
	default:
		return r.checkEntityFile(s)
	}
	return false
}

// isPluralName reports whether a PascalCase name reads as a plural noun.
func isPluralName(name string) bool {
	snake := naming.Snake(name)
	single := naming.Singular(snake)
	return single != snake && naming.Plural(single) == snake
}

func quote(s string) string { return strconv.Quote(s) }

// listParams are the query parameters every list endpoint reads itself. A
// field with one of these names could never be filtered: ?total=3 asks for
// the count, not for rows whose total is 3. Relations need no check: their
// filter is their column <name>_id.
var listParams = []string{"limit", "offset", "sort", "total"}

// sharedFiles maps the snake_case entity names whose generated files would
// overwrite a file the package shares between all entities to that file.
// Each entity writes <name>.go and <name>_test.go in internal/api and
// internal/model, <name>_hooks.go in internal/api and <name>.go in
// internal/store (templates/entity); the shared files are those of
// templates/project in the same packages. TestSharedFilesMatchTemplates
// keeps this list in step with the templates.
var sharedFiles = map[string]string{
	"api":       "internal/api/api.go",
	"auth":      "internal/api/auth.go",
	"auth_fuzz": "internal/api/auth_fuzz_test.go",
	"errors":    "internal/api/errors.go",
	"helpers":   "internal/api/helpers_test.go",
	"hooks":     "internal/api/hooks.go",
	"routes":    "internal/api/routes.go",
	"decode":    "internal/model/decode.go",
	"doc":       "internal/model/doc.go",
	"queries":   "internal/store/queries.go",
	"store":     "internal/store/store.go",
}

// checkEntityFile reports an entity whose generated files cannot be written
// under its snake_case name: one that would overwrite a shared file of its
// package, or one ending in _test, whose <name>.go the Go tool would take
// for a test file and leave out of the build.
func (r *resolver) checkEntityFile(s scalar) bool {
	file := naming.Snake(s.Value)
	if shared, ok := sharedFiles[file]; ok {
		r.add(s.Pos, "entity %q: its generated files would overwrite the shared file %s; choose another name", s.Value, shared)
		return false
	}
	if strings.HasSuffix(file, "_test") {
		r.add(s.Pos, "entity %q: its generated file %s.go would be taken for a Go test file; choose a name that does not end in Test", s.Value, file)
		return false
	}
	return true
}
