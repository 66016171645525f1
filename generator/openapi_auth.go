package generator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scaffold-dev/scaffold/schema"
)

// This file adds what auth brings to the OpenAPI document: the /auth
// routes of internal/api, their bodies, the password of the User bodies and
// the security schemes. It mirrors the auth contract of the generated
// server: a change to the handlers of internal/api/auth must change this
// file too.

// authTag groups the account and token routes. Entity tags are entity names,
// which start with a capital letter, so it cannot clash with one.
const authTag = "auth"

// The security schemes, by component name.
const (
	bearerScheme = "bearerAuth"
	oidcScheme   = "oidc"
)

// maxPasswordLength mirrors auth.MaxPasswordLength of the generated code:
// longer passwords are refused, which bounds the work of hashing one.
const maxPasswordLength = 256

// authSchemas are the component names of the auth bodies.
type authSchemas struct {
	Register, Login, RefreshRequest, TokenPair string
}

// claimAuthNames chooses the names of the auth bodies; entities keep theirs.
func (b *openAPIBuilder) claimAuthNames() {
	if b.p.Auth == nil {
		return
	}
	b.auth = &authSchemas{
		Register:       b.claim("RegisterRequest"),
		Login:          b.claim("LoginRequest"),
		RefreshRequest: b.claim("RefreshRequest"),
		TokenPair:      b.claim("TokenPair"),
	}
}

// user is the view of the built-in User entity.
func (b *openAPIBuilder) user() *EntityView { return b.p.Auth.User }

// security is the requirement of an operation that needs a token: the API's
// own access token or, with an identity provider, one of its tokens.
func (b *openAPIBuilder) security() []any {
	req := []any{obj(bearerScheme, []any{})}
	if b.p.Auth.OIDC != nil {
		req = append(req, obj(oidcScheme, []any{}))
	}
	return req
}

// securitySchemes describes how to send a token.
func (b *openAPIBuilder) securitySchemes() *object {
	a := b.p.Auth
	desc := "An access token from POST " + b.p.BasePath + "/auth/login or /auth/refresh, sent as Authorization: Bearer <token>."
	if a.OIDC != nil {
		desc += " Tokens of the identity provider " + a.OIDC.Issuer + " (audience " + a.OIDC.Audience +
			") are accepted too; the caller's user is created on its first request."
	}
	schemes := obj(bearerScheme, obj(
		"type", "http",
		"scheme", "bearer",
		"bearerFormat", "JWT",
		"description", desc,
	))
	if a.OIDC != nil {
		schemes.set(oidcScheme, obj(
			"type", "openIdConnect",
			// OpenID Connect Discovery: a terminating slash of the issuer is
			// removed before the well-known path is appended.
			"openIdConnectUrl", strings.TrimSuffix(a.OIDC.Issuer, "/")+"/.well-known/openid-configuration",
			"description", fmt.Sprintf("An ID or access token of %s, sent as Authorization: Bearer <token>. Its aud must hold %s; "+
				"the caller's role comes from its %s claim.",
				a.OIDC.Issuer, a.OIDC.Audience, a.OIDC.RoleClaim),
		))
	}
	return schemes
}

// authPaths adds the /auth routes.
func (b *openAPIBuilder) authPaths(paths *object) {
	a := b.p.Auth
	base := b.p.BasePath + "/auth"
	user := b.user()
	public := func(id, summary, desc string) *object {
		op := b.operation(authTag, id, summary, desc, "", nil)
		return op.set("security", []any{})
	}
	body := func(name string) *object {
		return obj("required", true, "content", jsonContent(schemaRef(name)))
	}

	if a.Registration {
		op := public("authRegister", "Register an account",
			"Creates a user with the default role ("+a.DefaultRole+") and answers with it. "+
				"Only admins set roles, through "+user.Path()+": a role in the body is refused. "+
				"Rate limited per client address.")
		op.set("requestBody", body(b.auth.Register))
		b.responses(op, obj(
			"description", "The new user.",
			"headers", obj("Location", obj(
				"description", "The path of the new user.",
				"required", true,
				"schema", obj("type", "string", "format", "uri-reference"),
			)),
			"content", jsonContent(schemaRef(b.names[user].Read)),
		), "201", "400", "409", "413", "415", "429", "500")
		b.setResponse(op, "409", "The email is taken.")
		paths.set(base+"/register", obj("post", op))
	}

	// tokens adds a rate-limited POST that answers with a token pair.
	tokens := func(path, id, summary, desc, request, answer, refused string) {
		op := public(id, summary, desc+" Rate limited per client address.")
		op.set("requestBody", body(request))
		b.responses(op, obj("description", answer, "content", jsonContent(schemaRef(b.auth.TokenPair))),
			"200", "400", "401", "413", "415", "429", "500")
		b.setResponse(op, "401", refused)
		paths.set(base+path, obj("post", op))
	}
	tokens("/login", "authLogin", "Log in",
		"Exchanges an email and password for an access token and a refresh token.",
		b.auth.Login, "The tokens.", "The email or password is wrong; the answer does not say which.")
	tokens("/refresh", "authRefresh", "Refresh the tokens",
		"Exchanges a refresh token for a new pair; the refresh token is used up. "+
			"Presenting a used refresh token again revokes every token descended from the same login.",
		b.auth.RefreshRequest, "The new tokens.", "The refresh token is unknown, expired, used or revoked.")

	logout := public("authLogout", "Log out",
		"Revokes the refresh token and every token descended from the same login. "+
			"An unknown refresh token is no error. Access tokens stay valid until they expire.")
	logout.set("requestBody", body(b.auth.RefreshRequest))
	b.responses(logout, obj("description", "Logged out."), "204", "400", "413", "415", "500")
	paths.set(base+"/logout", obj("post", logout))

	me := b.operation(authTag, "authMe", "The caller's user", "Answers with the user the bearer token belongs to.", "", nil)
	me.set("security", b.security())
	b.responses(me, obj("description", "The caller's user.", "content", jsonContent(schemaRef(b.names[user].Read))),
		"200", "401", "500")
	paths.set(base+"/me", obj("get", me))
}

// setResponse replaces a status of op's responses with a problem response
// of its own description, where the shared one would mislead.
func (b *openAPIBuilder) setResponse(op *object, status, description string) {
	op.get("responses").(*object).set(status, obj(
		"description", description,
		"content", obj("application/problem+json", obj("schema", schemaRef(b.problem))),
	))
}

// passwordSchema is the password of the User and register bodies, as
// auth.CheckPassword accepts it.
func (b *openAPIBuilder) passwordSchema(description string) *object {
	return obj(
		"type", "string",
		"minLength", b.p.Auth.PasswordMinLength,
		"maxLength", maxPasswordLength,
		"writeOnly", true,
		"description", fmt.Sprintf("%s From %d to %d characters. Write-only: never returned.", description, b.p.Auth.PasswordMinLength, maxPasswordLength),
	)
}

// withPassword returns the User body's properties with a password after the
// email: required on create, optional when replacing or patching.
func (b *openAPIBuilder) withPassword(props *object, create bool) *object {
	desc := "The user's password, stored as an argon2id hash."
	if !create {
		desc = "A new password for the user; left out, the password stays."
	}
	out := &object{}
	for _, m := range props.members {
		out.set(m.key, m.value)
		if m.key == "email" {
			out.set("password", b.passwordSchema(desc))
		}
	}
	return out
}

// authComponents adds the auth bodies.
func (b *openAPIBuilder) authComponents(schemas *object) {
	a := b.p.Auth
	user := b.user()
	email := func() *object {
		for _, f := range user.Fields {
			if f.Name == "email" {
				return fieldSchema(f, writeMode)
			}
		}
		return obj("type", "string", "format", "email")
	}
	if a.Registration {
		props := obj("email", email(), "password", b.passwordSchema("The password to log in with."))
		required := []string{"email", "password"}
		for _, f := range user.Fields {
			if f.Name == "email" || f.Name == "role" {
				continue
			}
			props.set(f.Name, fieldSchema(f, writeMode))
		}
		for _, r := range user.BelongsTo {
			props.set(r.Column, relationSchema(r))
		}
		for _, k := range user.RequiredOnCreate() {
			if k != "email" && k != "role" && !slices.Contains(required, k) {
				required = append(required, k)
			}
		}
		schemas.set(b.auth.Register, obj(
			"type", "object",
			"description", "The body of a registration: the new user's email, password and fields. The role is the default one.",
			"required", required,
			"properties", props,
			"additionalProperties", false,
		))
	}
	schemas.set(b.auth.Login, obj(
		"type", "object",
		"description", "The body of a login.",
		"required", []string{"email", "password"},
		"properties", obj(
			"email", obj("type", "string", "minLength", 1, "format", "email", "description", "The user's email."),
			"password", obj("type", "string", "minLength", 1, "writeOnly", true, "description", "The user's password."),
		),
		"additionalProperties", false,
	))
	schemas.set(b.auth.RefreshRequest, obj(
		"type", "object",
		"description", "A refresh token, as a login or refresh answered it.",
		"required", []string{"refresh_token"},
		"properties", obj(
			"refresh_token", obj("type", "string", "minLength", 1, "writeOnly", true, "description", "The refresh token."),
		),
		"additionalProperties", false,
	))
	schemas.set(b.auth.TokenPair, obj(
		"type", "object",
		"description", "The tokens of a login or refresh.",
		"required", []string{"access_token", "refresh_token", "token_type", "expires_in"},
		"properties", obj(
			"access_token", obj("type", "string",
				"description", "A JWT to send as Authorization: Bearer <token> until it expires."),
			"refresh_token", obj("type", "string",
				"description", fmt.Sprintf("An opaque token for one call of POST %s/auth/refresh, valid for %s unless the server is configured otherwise.",
					b.p.BasePath, humanSeconds(a.RefreshTTLSeconds))),
			// enum rather than const: the one value, in a form OpenAPI 3.0
			// tools read too.
			"token_type", obj("type", "string", "enum", []any{"Bearer"}),
			"expires_in", obj("type", "integer", "minimum", 1, "examples", []any{a.AccessTTLSeconds},
				"description", "The seconds until the access token expires."),
		),
		"additionalProperties", false,
	))
}

// humanSeconds writes a duration of whole seconds in its largest exact unit.
func humanSeconds(s int64) string {
	unit := func(n int64, name string) string {
		if n == 1 {
			return "1 " + name
		}
		return fmt.Sprintf("%d %ss", n, name)
	}
	switch {
	case s%86400 == 0:
		return unit(s/86400, "day")
	case s%3600 == 0:
		return unit(s/3600, "hour")
	case s%60 == 0:
		return unit(s/60, "minute")
	}
	return unit(s, "second")
}

// ownerNote is what an operation's description adds about the rows of other
// users when the action is granted to owners: they answer 404, or are left
// out of lists, unless a permission grants the action on every row.
func ownerNote(e *EntityView, action schema.Action) string {
	if !e.Project.AuthEnabled || !e.Owned || !slices.Contains(e.Schema.Permissions[action], schema.PermOwner) {
		return ""
	}
	if action == schema.ActionList {
		return " A caller allowed only as an owner sees only the rows it created."
	}
	return " A caller allowed only as an owner gets 404 for a row it did not create."
}

// maySee403 reports whether an operation of action on e can answer 403:
// not when every caller with a token is allowed, on every row
// (authenticated) or on its own rows (owner; other rows answer 404). Users
// are the exception: only admins may set a role, whoever else may write.
func maySee403(e *EntityView, action schema.Action) bool {
	if e.Schema.System && (action == schema.ActionCreate || action == schema.ActionUpdate) {
		return true
	}
	perms := e.Schema.Permissions[action]
	return !slices.Contains(perms, schema.PermAuthenticated) && !slices.Contains(perms, schema.PermOwner)
}

// createRequired lists the keys a create body must hold; a new user needs
// a password too.
func (b *openAPIBuilder) createRequired(e *EntityView) []string {
	required := e.RequiredOnCreate()
	if !b.p.AuthEnabled || !e.Schema.System {
		return required
	}
	out := make([]string, 0, len(required)+1)
	for _, k := range required {
		out = append(out, k)
		if k == "email" {
			out = append(out, "password")
		}
	}
	return out
}
