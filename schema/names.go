package schema

import (
	"regexp"
	"strconv"

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
		return true
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
