package generator

import (
	"slices"

	"github.com/scaffold-dev/scaffold/schema"
)

// AuthView is the data of the authentication code of a project with
// auth enabled.
type AuthView struct {
	Roles             []string // every role, admin included, in schema order
	DefaultRole       string   // given on self-registration
	Registration      bool     // POST /auth/register exists
	AccessTTLSeconds  int64
	RefreshTTLSeconds int64
	PasswordMinLength int
	User              *EntityView // the built-in User entity
	UserIDGoType      string      // int64 or types.UUID
	UserUUID          bool
	OIDC              *OIDCView // nil without an external identity provider
}

// OIDCView is the external identity provider of auth.oidc.
type OIDCView struct {
	Issuer, Audience, JWKSURL, RoleClaim, EmailClaim string
}

func newAuthView(p *schema.Project, v *ProjectView) *AuthView {
	a := p.Auth
	av := &AuthView{
		Roles:             a.Roles,
		DefaultRole:       a.DefaultRole,
		Registration:      a.Registration,
		AccessTTLSeconds:  int64(a.AccessTTL.Seconds()),
		RefreshTTLSeconds: int64(a.RefreshTTL.Seconds()),
		PasswordMinLength: a.PasswordMinLength,
	}
	for _, e := range v.Entities {
		if e.Schema.System {
			av.User = e
		}
	}
	av.UserUUID = av.User.UUIDKey
	av.UserIDGoType = av.User.IDGoType()
	if o := a.OIDC; o != nil {
		av.OIDC = &OIDCView{Issuer: o.Issuer, Audience: o.Audience, JWKSURL: o.JWKSURL, RoleClaim: o.RoleClaim, EmailClaim: o.EmailClaim}
	}
	return av
}

// Actor is one kind of caller in the generated permission tests.
type Actor struct {
	Name  string // anonymous, a role name, or owner
	Role  string // the role of the actor's user; "" for anonymous
	Owner bool   // the actor created the rows under test
}

// Access is what an actor may do with one action: Full (every row), Own
// (only its own rows), or nothing, answered with Status.
type Access struct {
	Full, Own bool
	Status    int // 401 or 403 when neither
}

// PermissionActors are the callers the permission tests try on the entity:
// anonymous, a user of every role, and for owned entities the owner of the
// rows, whose role is OwnerRole.
func (e *EntityView) PermissionActors() []Actor {
	actors := []Actor{{Name: "anonymous"}}
	for _, r := range e.Project.Auth.Roles {
		actors = append(actors, Actor{Name: r, Role: r})
	}
	if e.Owner() != nil {
		actors = append(actors, Actor{Name: "owner", Role: e.OwnerRole(), Owner: true})
	}
	return actors
}

// OwnerRole is the role of the user who creates the rows of the
// permission tests: the first role, admin last, that may create them.
func (e *EntityView) OwnerRole() string {
	roles := append(slices.Clone(e.Project.Auth.Roles[1:]), e.Project.Auth.Roles[0])
	for _, r := range roles {
		if a := e.AccessOf(Actor{Name: r, Role: r}, string(schema.ActionCreate)); a.Full || a.Own {
			return r
		}
	}
	return "admin"
}

// AccessOf is what actor may do with action, by the entity's permissions.
// It mirrors rule.allow of the generated api package.
func (e *EntityView) AccessOf(actor Actor, action string) Access {
	who := e.Schema.Permissions[schema.Action(action)]
	has := func(w string) bool { return slices.Contains(who, w) }
	switch {
	case has(schema.PermPublic):
		return Access{Full: true}
	case actor.Role == "":
		return Access{Status: 401}
	case actor.Role == "admin", has(schema.PermAuthenticated), has(actor.Role):
		return Access{Full: true}
	case has(schema.PermOwner):
		return Access{Own: true}
	}
	return Access{Status: 403}
}

// successStatus is the answer to an action that is allowed.
var successStatus = map[string]int{"list": 200, "read": 200, "create": 201, "update": 200, "delete": 204}

// ExpectedStatus is the answer actor gets for action on a row created by
// the owner actor (or by an admin, on entities that are not owned).
func (e *EntityView) ExpectedStatus(actor Actor, action string) int {
	a := e.AccessOf(actor, action)
	switch {
	case a.Full, a.Own && (actor.Owner || action == "list" || action == "create"):
		return successStatus[action]
	case a.Own:
		return 404 // another owner's row does not exist for the caller
	}
	return a.Status
}

// ExpectedRows is how many rows of one owner's a successful list by actor
// shows: all of them, or none when the actor sees only its own rows.
func (e *EntityView) ExpectedRows(actor Actor) int {
	if a := e.AccessOf(actor, "list"); a.Own && !actor.Owner {
		return 0
	}
	return 1
}

// AnonymousStatus is the answer to action without a token: the success
// status, or 401 when the action is not public. Without auth every action
// is public.
func (e *EntityView) AnonymousStatus(action string) int {
	if e.Project.Auth == nil {
		return successStatus[action]
	}
	return e.ExpectedStatus(Actor{Name: "anonymous"}, action)
}
