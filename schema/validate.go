package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scaffold-dev/scaffold/internal/naming"
)

// validate runs the checks that need the whole project: names shared
// between fields and relations, index columns, permissions, tables, routes
// and cycles of required relations.
func (r *resolver) validate() {
	for _, e := range r.p.Entities {
		r.checkMemberNames(e)
		r.checkIndexes(e)
		r.resolvePermissions(e)
	}
	r.checkTables()
	r.checkRoutes()
	r.checkRequiredCycles()
	r.checkRenames()
}

// checkMemberNames reports fields and relations that share a name or a
// column (a field category_id next to a relation category).
func (r *resolver) checkMemberNames(e *Entity) {
	type use struct {
		what string
		pos  Pos
	}
	taken := make(map[string]use)
	claim := func(name, what string, at Pos) {
		if prev, dup := taken[name]; dup {
			r.add(at, "%s: %s clashes with %s (line %d)", ctxEntity(e), what, prev.what, prev.pos.Line)
			return
		}
		taken[name] = use{what, at}
	}
	for _, f := range e.Fields {
		if slices.Contains(listParams, f.Name) {
			r.add(f.Pos, "%s: field %q clashes with the list parameter ?%s, so it could never be filtered; rename the field", ctxEntity(e), f.Name, f.Name)
		}
		claim(f.Name, fmt.Sprintf("field %q", f.Name), f.Pos)
	}
	for _, rel := range e.Relations {
		claim(rel.Name, fmt.Sprintf("relation %q", rel.Name), rel.Pos)
		if rel.Kind != BelongsTo {
			continue
		}
		what := fmt.Sprintf("the column %s of relation %q", rel.Column, rel.Name)
		if isSystemColumn(rel.Column) || (e.System && isUserField(rel.Column)) {
			r.add(rel.Pos, "%s: %s is a system column; rename the relation", ctxEntity(e), what)
			continue
		}
		claim(rel.Column, what, rel.Pos)
	}
}

// columns returns every column an index of e may name.
func columns(e *Entity) []string {
	cols := []string{"id"}
	for _, f := range e.Fields {
		cols = append(cols, f.Name)
	}
	for _, rel := range e.BelongsTo() {
		cols = append(cols, rel.Column)
	}
	if e.Timestamps {
		cols = append(cols, "created_at", "updated_at")
	}
	if e.SoftDelete {
		cols = append(cols, "deleted_at")
	}
	if e.Owned {
		cols = append(cols, "owner_id")
	}
	return cols
}

func (r *resolver) checkIndexes(e *Entity) {
	cols := columns(e)
	seen := make(map[string]int)
	for _, ix := range e.Indexes {
		raw := r.indexes[ix]
		if raw == nil {
			continue
		}
		ctx := ctxEntity(e) + " index"
		if len(raw.Columns) == 0 {
			r.add(ix.Pos, "%s: an index needs at least one column", ctx)
			continue
		}
		inIndex := make(map[string]bool)
		for _, c := range raw.Columns {
			col := c.Value
			switch {
			case inIndex[col]:
				r.add(c.Pos, "%s: column %q is listed twice", ctx, col)
			case !slices.Contains(cols, col):
				hint := didYouMean(col, cols)
				if rel := e.relation(col); rel != nil && rel.Kind == BelongsTo {
					hint = fmt.Sprintf(" (did you mean %q?)", rel.Column)
				} else if rel != nil {
					hint = " (a many_to_many relation has no column)"
				} else if why := missingSystemColumn(col); why != "" {
					hint = " (" + why + ")"
				}
				r.add(c.Pos, "%s: unknown column %q%s", ctx, col, hint)
			default:
				if f := e.Field(col); f != nil && (f.Type == Text || f.Type == JSON) {
					r.add(c.Pos, "%s: %s field %q cannot be indexed (MySQL cannot index it); use a string with max_length", ctx, f.Type, col)
				}
			}
			inIndex[col] = true
		}
		key := strings.Join(ix.Columns, ",")
		if line, dup := seen[key]; dup {
			r.add(ix.Pos, "%s: the same columns are already indexed on line %d", ctx, line)
		}
		seen[key] = ix.Pos.Line
	}
}

// missingSystemColumn explains how to get a system column that an entity
// does not have, or returns "".
func missingSystemColumn(col string) string {
	switch col {
	case "created_at", "updated_at":
		return "set timestamps: true"
	case "deleted_at":
		return "set soft_delete: true"
	case "owner_id":
		return "set owned: true"
	}
	return ""
}

// relation returns e's relation with the given name, or nil.
func (e *Entity) relation(name string) *Relation {
	for _, rel := range e.Relations {
		if rel.Name == name {
			return rel
		}
	}
	return nil
}

// resolvePermissions fills every action. Without auth every action is
// public; with auth the default is any signed-in user, and users are managed
// by admins only.
func (r *resolver) resolvePermissions(e *Entity) {
	auth := r.p.Auth
	e.Permissions = make(Permissions, len(Actions))
	def := []string{PermPublic}
	if auth.Enabled {
		def = []string{PermAuthenticated}
		if e.System {
			def = []string{adminRole}
		}
	}
	for _, a := range Actions {
		e.Permissions[a] = slices.Clone(def)
	}
	raw := r.entities[e]
	if raw == nil || !raw.PermissionsSet {
		return
	}
	ctx := ctxEntity(e) + " permissions"
	if !auth.Enabled {
		r.add(raw.PermissionsPos, "%s: permissions need auth (without it every route is public); add auth: {enabled: true}", ctxEntity(e))
		return
	}
	actions := make([]string, len(Actions))
	for i, a := range Actions {
		actions[i] = string(a)
	}
	words := append([]string{PermPublic, PermAuthenticated, PermOwner}, auth.Roles...)
	for _, p := range raw.Permissions {
		action := Action(p.Action.Value)
		if !slices.Contains(Actions, action) {
			r.add(p.Action.Pos, "%s: unknown action %q (known: %s)%s", ctx, p.Action.Value, strings.Join(actions, ", "), didYouMean(p.Action.Value, actions))
			continue
		}
		var who []string
		for _, w := range p.Words {
			word, ok := r.str(ctx, string(action), w)
			switch {
			case !ok:
			case slices.Contains(who, word):
				r.add(w.Pos, "%s: %s lists %q twice", ctx, action, word)
			case !slices.Contains(words, word):
				r.add(w.Pos, "%s: %s: unknown role %q (roles: %s; or public, authenticated, owner)%s", ctx, action, word, strings.Join(auth.Roles, ", "), didYouMean(word, words))
			case word == PermOwner && !e.Owned:
				r.add(w.Pos, "%s: %s: owner needs the entity to be owned; add owned: true", ctx, action)
			case word == PermPublic && action == ActionCreate && e.Owned:
				r.add(w.Pos, "%s: create: public cannot create owned rows, which record the user who created them; use authenticated", ctx)
			default:
				who = append(who, word)
			}
		}
		if len(who) == 0 {
			// Nobody listed: only admins, who may always do everything.
			who = []string{adminRole}
		}
		e.Permissions[action] = who
	}
}

// checkTables reports two tables with the same name: entity tables, join
// tables and the tables of auth and migrations.
func (r *resolver) checkTables() {
	taken := make(map[string]string)
	taken["goose_db_version"] = "the migrations table"
	if r.p.Auth.Enabled {
		taken["refresh_tokens"] = "the refresh token table of auth"
	}
	claim := func(table, what string, at Pos) {
		if prev, dup := taken[table]; dup {
			r.add(at, "%s: table %q is also %s", what, table, prev)
			return
		}
		if len(table) > maxIdent {
			r.add(at, "%s: table name %q is longer than %d characters; rename the relation", what, table, maxIdent)
		}
		taken[table] = what
	}
	for _, e := range r.p.Entities {
		claim(e.Table, ctxEntity(e), e.Pos)
	}
	for _, e := range r.p.Entities {
		for _, rel := range e.ManyToMany() {
			claim(rel.JoinTable, fmt.Sprintf("%s relation %q", ctxEntity(e), rel.Name), rel.Pos)
		}
	}
}

// checkRoutes reports entities served at the same path, and listings under
// one entity that share a path segment.
func (r *resolver) checkRoutes() {
	reserved := map[string]string{}
	if r.p.Auth.Enabled {
		reserved["auth"] = "the auth endpoints"
	}
	if r.p.API.BasePath == "" {
		for _, s := range []string{"healthz", "readyz", "metrics", "openapi.json"} {
			reserved[s] = "a built-in endpoint"
		}
	}
	top := make(map[string]string, len(r.p.Entities))
	for k, v := range reserved {
		top[k] = v
	}
	for _, e := range r.p.Entities {
		route := naming.Kebab(e.Plural)
		if prev, dup := top[route]; dup {
			r.add(e.Pos, "%s: route /%s is also used by %s; set plural: to tell them apart", ctxEntity(e), route, prev)
			continue
		}
		top[route] = ctxEntity(e)
	}
	for _, parent := range r.p.Entities {
		sub := make(map[string]string)
		claim := func(seg, what string, at Pos) {
			if prev, dup := sub[seg]; dup {
				r.add(at, "%s: route /%s/{id}/%s is also used by %s; rename one of them", what, naming.Kebab(parent.Plural), seg, prev)
				return
			}
			sub[seg] = what
		}
		for _, rel := range parent.ManyToMany() {
			claim(naming.Kebab(rel.Name), fmt.Sprintf("%s relation %q", ctxEntity(parent), rel.Name), rel.Pos)
		}
		for _, child := range r.p.Entities {
			var via []*Relation
			for _, rel := range child.BelongsTo() {
				if rel.Target == parent {
					via = append(via, rel)
				}
			}
			for _, rel := range via {
				seg := naming.Kebab(child.Plural)
				if len(via) > 1 {
					seg += "-" + naming.Kebab(rel.Name)
				}
				claim(seg, fmt.Sprintf("%s relation %q", ctxEntity(child), rel.Name), rel.Pos)
			}
		}
	}
}

// checkRequiredCycles reports required belongs_to relations that form a
// cycle (including a required self-reference): no first row could ever be
// inserted. Each cycle is reported once, at its first relation in the file.
func (r *resolver) checkRequiredCycles() {
	const (
		unvisited = iota
		active
		done
	)
	state := make(map[*Entity]int)
	var stack []*Relation
	var visit func(e *Entity)
	visit = func(e *Entity) {
		state[e] = active
		for _, rel := range e.BelongsTo() {
			if !rel.Required || rel.Target == nil {
				continue
			}
			stack = append(stack, rel)
			switch state[rel.Target] {
			case unvisited:
				visit(rel.Target)
			case active:
				r.reportCycle(stack, rel.Target)
			}
			stack = stack[:len(stack)-1]
		}
		state[e] = done
	}
	for _, e := range r.p.Entities {
		if state[e] == unvisited {
			visit(e)
		}
	}
}

// reportCycle reports the cycle at the end of stack that returns to start.
func (r *resolver) reportCycle(stack []*Relation, start *Entity) {
	i := len(stack) - 1
	for i > 0 && stack[i].Owner != start {
		i--
	}
	cycle := stack[i:]
	first := cycle[0]
	path := []string{first.Owner.Name}
	for _, rel := range cycle {
		if rel.Pos.Line < first.Pos.Line || (rel.Pos.Line == first.Pos.Line && rel.Pos.Column < first.Pos.Column) {
			first = rel
		}
		path = append(path, fmt.Sprintf("%s (via %s)", rel.Target.Name, rel.Name))
	}
	r.add(first.Pos, "relation %q: required belongs_to relations form a cycle %s, so no first row could be inserted; make one of them optional",
		first.Name, strings.Join(path, " -> "))
}
