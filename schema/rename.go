package schema

import (
	"fmt"

	"github.com/scaffold-dev/scaffold/internal/naming"
)

// Renames: renamed_from on an entity or a field names what it was called in
// the previous version of the schema, so that the migration derived from the
// change renames the table or column and keeps its rows, instead of dropping
// one and creating another. Nothing else in the schema depends on it.

// entityRename resolves the renamed_from key of an entity.
func (r *resolver) entityRename(e *Entity, raw *rawEntity) {
	if !raw.RenamedFrom.Set {
		return
	}
	name, ok := r.str(ctxEntity(e), "renamed_from", raw.RenamedFrom)
	switch {
	case !ok:
	case !entityNameRE.MatchString(name):
		hint := ""
		if p := naming.Pascal(name); entityNameRE.MatchString(p) {
			hint = fmt.Sprintf(" such as %q", p)
		}
		r.add(raw.RenamedFrom.Pos, "%s: renamed_from %q must be the entity's previous name, in PascalCase%s", ctxEntity(e), name, hint)
	default:
		e.RenamedFrom = name
	}
}

// fieldRename resolves the renamed_from option of a field.
func (r *resolver) fieldRename(ctx string, f *Field, opts map[string]rawOption) {
	o, ok := opts["renamed_from"]
	if !ok {
		return
	}
	s := r.optScalar(ctx, o)
	if name, ok := r.str(ctx, "renamed_from", s); ok && r.checkSnake(ctx, "renamed_from", s) {
		f.RenamedFrom = name
	}
}

// checkRenames reports renames that cannot be told apart from other
// changes: a name renamed to itself, a previous name that the schema still
// uses, and two entities or fields claiming the same previous name.
func (r *resolver) checkRenames() {
	from := make(map[string]*Entity)
	for _, e := range r.p.Entities {
		raw := r.entities[e]
		if e.System && raw != nil && raw.RenamedFrom.Set {
			r.add(raw.RenamedFrom.Pos, "entity \"User\": renamed_from cannot be set on the built-in User entity of auth")
			continue
		}
		if e.RenamedFrom != "" {
			at := raw.RenamedFrom.Pos
			switch prev, dup := from[e.RenamedFrom]; {
			case e.RenamedFrom == e.Name:
				r.add(at, "%s: renamed_from names the entity itself; remove it", ctxEntity(e))
			case r.p.Entity(e.RenamedFrom) != nil:
				r.add(at, "%s: renamed_from %q names an entity that still exists; remove one of them, or drop the key", ctxEntity(e), e.RenamedFrom)
			case dup:
				r.add(at, "%s: renamed_from %q is also claimed by entity %q", ctxEntity(e), e.RenamedFrom, prev.Name)
			default:
				from[e.RenamedFrom] = e
			}
		}
		fields := make(map[string]*Field)
		for _, f := range e.Fields {
			if f.RenamedFrom == "" {
				continue
			}
			ctx := fmt.Sprintf("%s field %q", ctxEntity(e), f.Name)
			switch prev, dup := fields[f.RenamedFrom]; {
			case f.RenamedFrom == f.Name:
				r.add(f.Pos, "%s: renamed_from names the field itself; remove it", ctx)
			case e.Field(f.RenamedFrom) != nil || e.relation(f.RenamedFrom) != nil:
				r.add(f.Pos, "%s: renamed_from %q names a field or relation that still exists; remove one of them, or drop the key", ctx, f.RenamedFrom)
			case isSystemColumn(f.RenamedFrom):
				r.add(f.Pos, "%s: renamed_from %q is a system column, which was never a field", ctx, f.RenamedFrom)
			case dup:
				r.add(f.Pos, "%s: renamed_from %q is also claimed by field %q", ctx, f.RenamedFrom, prev.Name)
			default:
				fields[f.RenamedFrom] = f
			}
		}
	}
}
